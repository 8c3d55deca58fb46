import keras

from keras_reg.layers._base import DropoutBase
from keras_reg.ops._gaussian_dropout import apply_gaussian_dropout


@keras.saving.register_keras_serializable(package="keras_reg")
class GaussianDropout(DropoutBase):
    """Multiplicative Gaussian noise with the variance of dropout.

    During training, with ``p = rate``:

        y = x · ε,   ε ~ N(1, p / (1 - p))

    The noise has mean 1, so ``E[y] = x``, and the variance of the inverted
    Bernoulli mask of ``Dropout(p)``; at inference the layer is the identity.
    The noise comes from ``keras.random.normal`` in eager mode and
    TensorFlow graphs and from a counter-hash normal under XLA, ``jax.jit``
    and ``torch.compile`` (the docs' "Random sources"), in the input's
    dtype, so float16/bfloat16 activations stay in their dtype. A drop-in replacement
    for ``keras.layers.GaussianDropout`` (see the docs' "Differences from
    Keras's layers"). The math is ``keras_reg.ops.gaussian_dropout``.

    Args:
        rate: ``p``, a float in ``[0, 1)``; the noise variance is
            ``p / (1 - p)``.
        seed: int in ``[0, 2**31 - 1]`` seeding the layer's
            ``keras.random.SeedGenerator``, or ``None`` for a random seed.
        **kwargs: base layer arguments (``name``, ``dtype``, ...).

    Call arguments:
        inputs: floating-point tensor of any rank.
        training: Python boolean: whether to apply the noise (``True``) or
            return the inputs unchanged (``False``, the default).

    Example:

    ```python
    layer = keras_reg.layers.GaussianDropout(0.2, seed=1)
    y = layer(keras.ops.ones((8, 16)), training=True)  # mean 1, variance 0.25
    ```

    Reference:
        Srivastava et al., "Dropout: A Simple Way to Prevent Neural Networks
        from Overfitting", JMLR 15, 2014, section 10.
    """

    def _apply(self, inputs):
        return apply_gaussian_dropout(inputs, self.rate, self.seed_generator)
