import keras

from keras_reg.layers._base import NoiseShapeDropoutBase
from keras_reg.ops._alpha_dropout import apply_alpha_dropout


@keras.saving.register_keras_serializable(package="keras_reg")
class AlphaDropout(NoiseShapeDropoutBase):
    """Alpha dropout for self-normalizing (SELU) networks.

    During training, dropped units are set to SELU's negative saturation
    value ``α' = -λα ≈ -1.7581`` instead of 0, then an affine correction
    restores zero mean and unit variance; at inference the layer is the
    identity. With ``p = rate``:

        d ~ Bernoulli(1 - p)
        y = a · (x·d + α'·(1 - d)) + b
        a = ((1 - p)(1 + p·α'²))^(-1/2),   b = -a·α'·p

    For inputs with mean 0 and variance 1, ``y`` has mean 0 and variance 1.
    A drop-in replacement for ``keras.layers.AlphaDropout`` (the same
    distribution; see the docs' "Differences from Keras's layers"). A dropped
    ``inf``/``NaN`` input gives NaN rather than the constant. The math is
    ``keras_reg.ops.alpha_dropout``.

    Args:
        rate: the probability ``p`` of dropping a unit, a float in ``[0, 1)``.
        noise_shape: optional shape of the mask broadcast to the input
            (``None`` entries take the input's size), as in ``Dropout``.
        seed: int in ``[0, 2**31 - 1]`` seeding the layer's
            ``keras.random.SeedGenerator``, or ``None`` for a random seed.
        **kwargs: base layer arguments (``name``, ``dtype``, ...).

    Call arguments:
        inputs: floating-point tensor of any rank, typically the output of a
            ``selu`` activation.
        training: Python boolean: whether to apply alpha dropout (``True``)
            or return the inputs unchanged (``False``, the default).

    Example:

    ```python
    model = keras.Sequential([
        keras.layers.Dense(64, activation="selu", kernel_initializer="lecun_normal"),
        keras_reg.layers.AlphaDropout(0.1),
    ])
    ```

    Reference:
        Klambauer et al., "Self-Normalizing Neural Networks", NeurIPS 2017.
    """

    def _apply(self, inputs):
        return apply_alpha_dropout(inputs, self.rate, self.noise_shape, self.seed_generator)
