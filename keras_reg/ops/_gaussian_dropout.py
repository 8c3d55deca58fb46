import math
from typing import Any

from keras_reg.ops import _checks
from keras_reg.ops._random_source import scale_by_normal_noise

NAME = "keras_reg.ops.gaussian_dropout"


def gaussian_dropout(inputs: Any, rate: float, seed: _checks.Seed = None) -> Any:
    """Multiplicative Gaussian noise with the variance of dropout.

    With ``p = rate``:

        y = x · ε,   ε ~ N(1, p / (1 - p))

    The noise has mean 1, so ``E[y] = x``, and the variance of the inverted
    Bernoulli mask of ``keras_reg.ops.dropout`` at the same ``p``. The noise
    comes from ``keras.random.normal`` in eager mode and TensorFlow graphs and
    from a counter-hash normal under XLA, ``jax.jit`` and ``torch.compile``
    (the docs' "Random sources"), in the input's dtype, so float16 and
    bfloat16 inputs stay in their dtype. The function always applies.

    Args:
        inputs: floating-point tensor of any rank.
        rate: ``p``, a Python float in ``[0, 1)``; the noise variance is
            ``p / (1 - p)``. ``0`` returns ``inputs`` unchanged.
        seed: an int in ``[0, 2**31 - 1]``, a ``keras.random.SeedGenerator``
            or ``None``, with ``keras.random``'s rules (see
            ``keras_reg.ops.dropout``).

    Returns:
        A tensor of the shape and dtype of ``inputs``.

    Example:

    ```python
    x = keras.ops.ones((8, 16))
    y = keras_reg.ops.gaussian_dropout(x, 0.2, seed=1)  # mean 1, variance 0.25
    ```

    Reference:
        Srivastava et al., "Dropout: A Simple Way to Prevent Neural Networks
        from Overfitting", JMLR 15, 2014, section 10.
    """
    inputs, rate, seed, _ = _checks.check_call(NAME, inputs, rate, seed)
    if rate == 0:
        return inputs
    return apply_gaussian_dropout(inputs, rate, seed)


def apply_gaussian_dropout(inputs, rate, seed):
    """``gaussian_dropout`` of checked arguments and ``rate > 0``."""
    return scale_by_normal_noise(inputs, 1.0, math.sqrt(rate / (1.0 - rate)), seed)
