import keras

from keras_reg import _validation
from keras_reg.layers._base import DropoutBase


@keras.saving.register_keras_serializable(package="keras_reg")
class Dropout(DropoutBase):
    """Inverted dropout.

    During training each unit is kept with probability ``1 - p`` and scaled so
    the expectation is unchanged; at inference the layer is the identity:

        y = x / (1 - p)   with probability 1 - p
        y = 0             with probability p

    Unlike ``keras.layers.Dropout`` the rate must lie in ``[0, 1)`` (``rate=1``
    would divide by zero), integer inputs are refused, the input dtype is kept
    (float16/bfloat16 in, same dtype out) and a ``noise_shape`` that cannot
    broadcast to the input is reported at build time.

    Args:
        rate: probability ``p`` of dropping a unit, in ``[0, 1)``.
        noise_shape: optional shape of the Bernoulli mask, broadcast to the
            input; ``None`` entries take the input's size. E.g. for inputs
            ``(batch, time, features)``, ``noise_shape=(None, 1, None)`` drops
            the same features at every time step.
        seed: int seed of the layer's ``keras.random.SeedGenerator``.

    Example:

    >>> layer = keras_reg.layers.Dropout(0.5, seed=1)
    >>> y = layer(keras.ops.ones((2, 4)), training=True)  # entries are 0 or 2

    Reference: Srivastava et al., "Dropout: A Simple Way to Prevent Neural
    Networks from Overfitting", JMLR 2014.
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(rate, seed=seed, **kwargs)
        self.noise_shape = _validation.check_noise_shape(noise_shape)

    def build(self, input_shape):
        _validation.check_noise_shape_broadcasts(
            self.noise_shape, input_shape, type(self).__name__
        )

    def _apply(self, inputs):
        return keras.random.dropout(
            inputs, self.rate, noise_shape=self.noise_shape, seed=self._seed()
        )

    def get_config(self):
        config = super().get_config()
        config["noise_shape"] = self.noise_shape
        return config
