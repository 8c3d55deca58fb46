import keras

from keras_reg import _validation
from keras_reg.layers._base import DropoutBase
from keras_reg.layers._hash_random import bernoulli_keep, resolve_noise_shape

# SELU constants (Klambauer et al. 2017): selu(x) = LAMBDA * (x if x > 0 else
# ALPHA * (exp(x) - 1)); its negative saturation value is -LAMBDA * ALPHA.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_LAMBDA = 1.0507009873554804934193349852946
ALPHA_PRIME = -SELU_LAMBDA * SELU_ALPHA


def alpha_dropout_affine(rate):
    """The affine correction ``(a, b)`` that keeps mean 0 and variance 1."""
    a = ((1.0 - rate) * (1.0 + rate * ALPHA_PRIME**2)) ** -0.5
    b = -a * ALPHA_PRIME * rate
    return a, b


@keras.saving.register_keras_serializable(package="keras_reg")
class AlphaDropout(DropoutBase):
    """Alpha dropout for self-normalizing (SELU) networks.

    Dropped units are set to SELU's negative saturation value
    ``α' = -λα ≈ -1.7581`` instead of 0, then an affine correction restores
    zero mean and unit variance (Klambauer et al., "Self-Normalizing Neural
    Networks", NeurIPS 2017):

        d ~ Bernoulli(1 - p)
        y = a · (x·d + α'·(1 - d)) + b
        a = ((1 - p)(1 + p·α'²))^(-1/2),   b = -a·α'·p

    For inputs with mean 0 and variance 1, ``y`` has mean 0 and variance 1.
    The tutorial's simplified ``mask*x + alpha*(1 - mask)`` (with an inverted
    dropout mask) omits ``a`` and ``b`` and does not preserve them; this layer
    implements the paper's correction. The result matches
    ``keras.layers.AlphaDropout`` in distribution. It is computed as
    ``(x - α')·(a·d) + (a·α' + b)`` (multiplies, no ``where``: a CPU
    ``torch.where`` costs as much as the whole mask), so, as in ``Dropout``,
    a dropped ``inf``/``NaN`` input gives NaN rather than the constant.

    Args:
        rate: probability ``p`` of dropping a unit, in ``[0, 1)``.
        noise_shape: optional mask shape broadcast to the input (``None``
            entries take the input's size).
        seed: int seed of the layer's ``keras.random.SeedGenerator``.

    Example:

    >>> model = keras.Sequential([
    ...     keras.layers.Dense(64, activation="selu",
    ...                        kernel_initializer="lecun_normal"),
    ...     keras_reg.layers.AlphaDropout(0.1),
    ... ])
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(rate, seed=seed, **kwargs)
        self.noise_shape = _validation.check_noise_shape(noise_shape)

    def build(self, input_shape):
        _validation.check_noise_shape_broadcasts(
            self.noise_shape, input_shape, type(self).__name__
        )

    def _apply(self, inputs):
        noise_shape = resolve_noise_shape(inputs, self.noise_shape)
        keep = bernoulli_keep(noise_shape, self.rate, self._seed())
        a, b = alpha_dropout_affine(self.rate)
        # y = a·(x·d + α'(1 - d)) + b = (x - α')·(a·d) + (a·α' + b)
        gain = keras.ops.multiply(keras.ops.cast(keep, inputs.dtype), a)
        shifted = keras.ops.subtract(inputs, ALPHA_PRIME)
        return keras.ops.add(keras.ops.multiply(shifted, gain), a * ALPHA_PRIME + b)

    def get_config(self):
        config = super().get_config()
        config["noise_shape"] = self.noise_shape
        return config
