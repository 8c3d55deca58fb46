"""Private base class for the dropout family.

It holds what every dropout-style layer shares: the ``rate`` check, one
``SeedGenerator`` per layer, identity outside training, the refusal of integer
inputs, and dtype preservation (``autocast=False`` by default, so a float16 or
bfloat16 tensor comes out in the dtype it went in).
"""

import keras

from keras_reg import _validation
from keras_reg._compat import random as _compat


class DropoutBase(keras.layers.Layer):
    """Shared plumbing; subclasses implement ``_apply(inputs)``."""

    def __init__(self, rate, seed=None, **kwargs):
        # Dropout only masks and rescales: it has no weights whose dtype the
        # inputs should follow, so keep the dtype the inputs arrive in.
        kwargs.setdefault("autocast", False)
        super().__init__(**kwargs)
        self.rate = _validation.check_rate(rate)
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise TypeError(
                f"Argument `seed` must be an int or None. Received: seed={seed!r}."
            )
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.supports_masking = True

    def call(self, inputs, training=False):
        _validation.check_float_input(inputs, type(self).__name__)
        if training and self.rate > 0:
            return self._apply(inputs)
        return inputs

    def _apply(self, inputs):
        raise NotImplementedError

    def _seed(self):
        """The seed for this step's draw (per replica under tf.distribute)."""
        return _compat.per_replica_seed(self.seed_generator)

    def compute_output_shape(self, input_shape):
        return input_shape

    def compute_output_spec(self, inputs, training=False):
        # Checked here too, so a symbolic integer input fails when the model
        # is built, on every backend.
        _validation.check_float_input(inputs, type(self).__name__)
        return keras.KerasTensor(inputs.shape, dtype=inputs.dtype)

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed})
        return config
