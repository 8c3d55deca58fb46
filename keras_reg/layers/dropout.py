import keras

from keras_reg.layers._base import NoiseShapeDropoutBase
from keras_reg.ops._random_source import inverted_dropout


@keras.saving.register_keras_serializable(package="keras_reg")
class Dropout(NoiseShapeDropoutBase):
    """Inverted dropout.

    During training each unit is zeroed with probability ``p = rate`` and the
    others are scaled so the expectation is unchanged; at inference the layer
    is the identity:

        y = x · m / (1 - p),   m ~ Bernoulli(1 - p)

    A drop-in replacement for ``keras.layers.Dropout`` (same arguments), with
    a mask made from the layer's ``SeedGenerator`` draw by a counter-based
    hash where that is faster (far cheaper than the backends' generators under
    XLA, ``jax.jit`` and ``torch.compile``) and by the backend's generator on
    small eager masks; see the "Random sources" section of the docs. The
    differences from Keras's layer are listed in the docs ("Differences from
    Keras's layers"): ``rate`` must
    be below 1, integer inputs are refused, the input dtype is kept
    (float16/bfloat16 in, the same dtype out), and a ``noise_shape`` that does
    not broadcast to the input is reported when the layer is first called.
    The math is ``keras_reg.ops.dropout``.

    Args:
        rate: the probability ``p`` of dropping a unit, a float in ``[0, 1)``.
        noise_shape: optional shape of the mask, broadcast to the input; each
            entry ``None`` (the input's size), ``1`` or the input's size. E.g.
            for inputs ``(batch, time, features)``, ``(None, 1, None)`` drops
            the same features at every time step.
        seed: int in ``[0, 2**31 - 1]`` seeding the layer's
            ``keras.random.SeedGenerator``, or ``None`` for a random seed.
        **kwargs: base layer arguments (``name``, ``dtype``, ...).

    Call arguments:
        inputs: floating-point tensor of any rank.
        training: Python boolean: whether to apply dropout (``True``) or
            return the inputs unchanged (``False``, the default).

    Example:

    ```python
    layer = keras_reg.layers.Dropout(0.5, seed=1)
    y = layer(keras.ops.ones((2, 4)), training=True)  # entries are 0 or 2
    ```

    Reference:
        Srivastava et al., "Dropout: A Simple Way to Prevent Neural Networks
        from Overfitting", JMLR 15, 2014.
    """

    def _apply(self, inputs):
        return inverted_dropout(inputs, self.rate, self.seed_generator, self.noise_shape)
