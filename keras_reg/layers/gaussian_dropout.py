import math

import keras

from keras_reg.layers._base import DropoutBase


@keras.saving.register_keras_serializable(package="keras_reg")
class GaussianDropout(DropoutBase):
    """Multiplicative Gaussian noise with the variance of dropout.

        y = x · ε,   ε ~ N(1, p / (1 - p))

    The noise has mean 1, so ``E[y] = x``, and the same variance as the
    inverted Bernoulli mask of ``Dropout(p)`` (Srivastava et al., JMLR 2014,
    section 10). Identity at inference. The noise is drawn in the input's
    dtype, so float16/bfloat16 activations stay in their dtype.

    Unlike the Bernoulli layers, the noise comes from ``keras.random.normal``.
    Four counter-hash Gaussians written in ``keras.ops`` were measured on 3.2 M
    elements (``benchmarks/bench_gaussian_noise.py``, numbers in
    benchmarks/RESULTS.md): a 16-bit quantile table, ``erfinv`` of a 24-bit
    uniform, and Box-Muller on the two 16-bit halves of a hash word in two
    layouts. Under TensorFlow XLA each is 20-270x faster than Keras's layer,
    the table 9x faster under ``jax.jit``, Box-Muller 3x under
    ``torch.compile``; but each is slower than Keras's layer in torch eager
    (1.06-2.8x: ``torch.randn`` is one fast pass), ``erfinv`` 6.5x slower under
    ``torch.compile``. A layer must never be slower than Keras's and stays one
    implementation for every backend, so the draw stays Keras's.

    Args:
        rate: ``p``, in ``[0, 1)``; the noise variance is ``p / (1 - p)``.
        seed: int seed of the layer's ``keras.random.SeedGenerator``.

    Example:

    >>> layer = keras_reg.layers.GaussianDropout(0.2, seed=0)
    >>> y = layer(keras.ops.ones((8, 16)), training=True)
    """

    def _apply(self, inputs):
        stddev = math.sqrt(self.rate / (1.0 - self.rate))
        noise = keras.random.normal(
            keras.ops.shape(inputs),
            mean=1.0,
            stddev=stddev,
            dtype=inputs.dtype,
            seed=self._seed(),
        )
        return inputs * noise
