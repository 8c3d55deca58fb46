"""Private base class of the dropout family's layers.

It holds what every dropout-style layer shares: the ``rate`` and ``seed``
checks, one ``SeedGenerator`` per layer, being built at creation (the layers
hold no weights), the input checks, identity outside training, and dtype
preservation (``autocast=False`` by default, so a float16 or bfloat16 tensor
comes out in the dtype it went in). The math lives in ``keras_reg.ops``.
"""

from collections.abc import Sequence

import keras

from keras_reg import _validation
from keras_reg._compat import layers as _compat_layers
from keras_reg.ops import _checks


class DropoutBase(keras.layers.Layer):
    """Shared plumbing; a subclass stores its arguments and implements
    ``_apply(inputs)`` and, where its inputs have a required shape,
    ``_check_shape(shape)``. ``_apply`` calls the unchecked core of its
    ``keras_reg.ops`` function (``apply_*``): the arguments were checked when
    the layer was created and the inputs by ``_check_inputs``, so a call does
    not check them again (a few µs of a small eager call)."""

    def __init__(self, rate: float, seed: int | None = None, **kwargs):
        # Dropout only masks and rescales: it has no weights whose dtype the
        # inputs should follow, so keep the dtype the inputs arrive in.
        kwargs.setdefault("autocast", False)
        super().__init__(**kwargs)
        self.rate = _validation.check_rate(rate)
        self.seed = _checks.check_seed(seed, allow_generator=False)
        self.seed_generator = keras.random.SeedGenerator(self.seed)
        self.supports_masking = True
        # No weights to create from the input shape: built now, as Keras's
        # own dropout layers are (usable in `stateless_call` at once). The
        # input checks run in `compute_output_spec` and `call` instead.
        _compat_layers.build_at_init(self)

    def call(self, inputs, training: bool = False):
        self._check_inputs(inputs)
        if training and self.rate > 0:
            if not keras.ops.is_tensor(inputs):  # NumPy, e.g. through stateless_call
                inputs = keras.ops.convert_to_tensor(inputs)
            return self._apply(inputs)
        return inputs

    def _apply(self, inputs):
        raise NotImplementedError

    def _check_shape(self, shape):
        """Raise if inputs of ``shape`` are not accepted (default: any)."""

    def _check_inputs(self, inputs):
        _validation.check_float_input(inputs, type(self).__name__)
        self._check_shape(tuple(inputs.shape))

    def compute_output_shape(self, input_shape):
        return input_shape

    def compute_output_spec(self, inputs, training=False):
        # The same checks, so a bad symbolic input fails when the model is
        # built, on every backend, before any computation.
        self._check_inputs(inputs)
        return keras.KerasTensor(inputs.shape, dtype=inputs.dtype)

    def get_config(self):
        base_config = super().get_config()
        return {**base_config, "rate": self.rate, "seed": self.seed}


class NoiseShapeDropoutBase(DropoutBase):
    """A dropout layer whose mask has an optional ``noise_shape``."""

    def __init__(
        self,
        rate: float,
        noise_shape: Sequence[int | None] | None = None,
        seed: int | None = None,
        **kwargs,
    ):
        super().__init__(rate, seed=seed, **kwargs)
        self.noise_shape = _validation.check_noise_shape(noise_shape)

    def _check_shape(self, shape):
        _validation.check_noise_shape_broadcasts(self.noise_shape, shape, type(self).__name__)

    def get_config(self):
        base_config = super().get_config()
        return {**base_config, "noise_shape": self.noise_shape}
