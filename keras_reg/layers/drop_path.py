import keras
import numpy as np

from keras_reg import _validation
from keras_reg.layers._base import DropoutBase
from keras_reg.ops import _checks
from keras_reg.ops._drop_path import apply_drop_path


@keras.saving.register_keras_serializable(package="keras_reg")
class DropPath(DropoutBase):
    """Stochastic depth: drop a residual branch for whole samples.

    Place it on the residual branch, before the addition. During training,
    for each sample ``n`` independently, with ``p = rate``:

        y[n, ...] = x[n, ...] · m[n] / (1 - p),   m[n] ~ Bernoulli(1 - p)

    so ``x + DropPath(p)(f(x))`` equals ``x`` for the dropped samples; at
    inference the layer is the identity. This is the per-sample, rescaled
    form of stochastic depth used by timm and TensorFlow Addons'
    ``StochasticDepth`` (also exported under that name). Use
    ``drop_path_rates`` for the linear depth schedule. The math is
    ``keras_reg.ops.drop_path``.

    Args:
        rate: the probability ``p`` of dropping a sample's branch, a float in
            ``[0, 1)``.
        seed: int in ``[0, 2**31 - 1]`` seeding the layer's
            ``keras.random.SeedGenerator``, or ``None`` for a random seed.
        **kwargs: base layer arguments (``name``, ``dtype``, ...).

    Call arguments:
        inputs: floating-point tensor of rank >= 1 whose first axis is the
            batch.
        training: Python boolean: whether to drop branches (``True``) or
            return the inputs unchanged (``False``, the default).

    Example:

    ```python
    inputs = keras.Input((32, 32, 16))
    branch = keras.layers.Conv2D(16, 3, padding="same")(inputs)
    outputs = inputs + keras_reg.layers.DropPath(0.1)(branch)
    ```

    Reference:
        Huang et al., "Deep Networks with Stochastic Depth", ECCV 2016.
    """

    def _check_shape(self, shape):
        _checks.check_min_rank(shape, 1, type(self).__name__, "the first axis is the batch")

    def _apply(self, inputs):
        return apply_drop_path(inputs, self.rate, self.seed_generator)


# The name TensorFlow Addons and many papers use for the same layer.
StochasticDepth = DropPath


def drop_path_rates(max_rate: float, num_blocks: int) -> list[float]:
    """Linear stochastic-depth schedule, one rate per residual block.

    Block ``i`` of ``L`` gets ``max_rate · i / (L - 1)``: ``0`` for the first
    block and ``max_rate`` for the last (the linear decay rule of Huang et
    al. 2016, in timm's ``0 … max_rate`` convention).

    Args:
        max_rate: rate of the deepest block, a float in ``[0, 1)``.
        num_blocks: number of residual blocks ``L``, an int >= 1 (a single
            block gets 0).

    Returns:
        A list of ``num_blocks`` Python floats.

    Example:

    ```python
    keras_reg.layers.drop_path_rates(0.2, 5)  # -> [0.0, 0.05, 0.1, 0.15000000000000002, 0.2]
    ```

    Reference:
        Huang et al., "Deep Networks with Stochastic Depth", ECCV 2016.
    """
    max_rate = _validation.check_rate(max_rate, name="max_rate")
    num_blocks = _validation.check_positive_int(num_blocks, "num_blocks")
    return [float(r) for r in np.linspace(0.0, max_rate, num_blocks)]
