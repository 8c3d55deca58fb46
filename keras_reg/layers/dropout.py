import keras

from keras_reg import _validation
from keras_reg.layers._base import DropoutBase
from keras_reg.layers._hash_random import inverted_dropout


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

    The mask comes from a counter-based hash of the layer's
    ``SeedGenerator`` draw (see ``keras_reg.layers._hash_random``), not from
    ``keras.random``: one implementation on every backend, bit-identical
    masks for a given seed on all three, and on CPU 1.2-350x faster than
    ``keras.layers.Dropout`` on large tensors (300x under TensorFlow's XLA);
    in torch eager it is slower below ~10 K elements, where ~25 op dispatches
    cost more than the mask (benchmarks/RESULTS.md). A unit is kept with
    probability ``1 - p`` to within 2**-32. The mask is applied by a
    multiply, as in ``tf.nn.dropout``: a dropped ``inf``/``NaN`` input
    becomes NaN, not 0, so a numerical problem is not hidden by the mask.

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
        return inverted_dropout(inputs, self.rate, self._seed(), self.noise_shape)

    def get_config(self):
        config = super().get_config()
        config["noise_shape"] = self.noise_shape
        return config
