import keras
import numpy as np

from keras_reg import _validation
from keras_reg.layers._base import DropoutBase
from keras_reg.layers._hash_random import inverted_dropout


@keras.saving.register_keras_serializable(package="keras_reg")
class DropPath(DropoutBase):
    """Stochastic depth: drop a residual branch for whole samples.

    Place it on the residual branch, before the addition. For each sample
    ``n`` independently, the whole branch output is zeroed with probability
    ``p`` and otherwise scaled by ``1 / (1 - p)``:

        y[n, ...] = x[n, ...] · m[n] / (1 - p),   m[n] ~ Bernoulli(1 - p)

    so ``x + DropPath(p)(f(x))`` equals ``x`` for dropped samples (Huang et
    al., "Deep Networks with Stochastic Depth", ECCV 2016; the per-sample,
    rescaled form used by timm and TensorFlow Addons' ``StochasticDepth``).
    Use :func:`drop_path_rates` for the linear depth schedule.

    Args:
        rate: probability ``p`` of dropping a sample's branch, in ``[0, 1)``.
        seed: int seed of the layer's ``keras.random.SeedGenerator``.

    Example:

    >>> inputs = keras.Input((32, 32, 16))
    >>> branch = keras.layers.Conv2D(16, 3, padding="same")(inputs)
    >>> outputs = inputs + keras_reg.layers.DropPath(0.1)(branch)
    """

    def _apply(self, inputs):
        shape = keras.ops.shape(inputs)
        noise_shape = (shape[0],) + (1,) * (len(shape) - 1)
        return inverted_dropout(inputs, self.rate, self._seed(), noise_shape)


# The name TensorFlow Addons and many papers use for the same layer.
StochasticDepth = DropPath


def drop_path_rates(max_rate, num_blocks):
    """Linear stochastic-depth schedule: block ``i`` of ``L`` gets
    ``max_rate · i / (L - 1)``, i.e. ``0`` for the first block and ``max_rate``
    for the last (Huang et al. 2016, linear decay rule; the ``0 … max_rate``
    convention of timm).

    Args:
        max_rate: rate of the deepest block, in ``[0, 1)``.
        num_blocks: number of residual blocks ``L`` (>= 1; one block gets 0).

    Returns:
        a list of ``num_blocks`` Python floats.

    Example:

    >>> keras_reg.layers.drop_path_rates(0.2, 5)
    [0.0, 0.05, 0.1, 0.15000000000000002, 0.2]
    """
    max_rate = _validation.check_rate(max_rate, name="max_rate")
    num_blocks = _validation.check_positive_int(num_blocks, "num_blocks")
    return [float(r) for r in np.linspace(0.0, max_rate, num_blocks)]
