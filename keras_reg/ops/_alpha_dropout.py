from typing import Any

import keras

from keras_reg.ops import _checks
from keras_reg.ops._random_source import bernoulli_keep, broadcast_factor, resolve_noise_shape

NAME = "keras_reg.ops.alpha_dropout"

# SELU's constants (Klambauer et al. 2017): selu(x) = LAMBDA * x for x > 0,
# LAMBDA * ALPHA * (exp(x) - 1) otherwise; its negative saturation value is
# ALPHA_PRIME = -LAMBDA * ALPHA.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_LAMBDA = 1.0507009873554804934193349852946
ALPHA_PRIME = -SELU_LAMBDA * SELU_ALPHA


def alpha_dropout_affine(rate):
    """The affine correction ``(a, b)`` that keeps mean 0 and variance 1."""
    a = ((1.0 - rate) * (1.0 + rate * ALPHA_PRIME**2)) ** -0.5
    b = -a * ALPHA_PRIME * rate
    return a, b


def alpha_dropout(inputs: Any, rate: float, noise_shape: _checks.NoiseShape = None,
                  seed: _checks.Seed = None) -> Any:
    """Alpha dropout: dropout that keeps SELU activations self-normalizing.

    Dropped units are set to SELU's negative saturation value
    ``α' = -λα ≈ -1.7581`` instead of 0, then an affine correction restores
    zero mean and unit variance. With ``p = rate``:

        d ~ Bernoulli(1 - p)
        y = a · (x·d + α'·(1 - d)) + b
        a = ((1 - p)(1 + p·α'²))^(-1/2),   b = -a·α'·p

    For inputs with mean 0 and variance 1, ``y`` has mean 0 and variance 1.
    (Setting dropped units to ``α'`` without ``a`` and ``b`` keeps neither.)
    As in ``keras_reg.ops.dropout``, a dropped ``inf`` or ``NaN`` input gives
    NaN rather than the constant. The function always applies.

    Args:
        inputs: floating-point tensor of any rank, typically the output of a
            ``selu`` activation.
        rate: the probability ``p`` of dropping a unit, a Python float in
            ``[0, 1)``. ``0`` returns ``inputs`` unchanged.
        noise_shape: shape of the mask broadcast to the input, as in
            ``keras_reg.ops.dropout``.
        seed: an int in ``[0, 2**31 - 1]``, a ``keras.random.SeedGenerator``
            or ``None``, as in ``keras_reg.ops.dropout``.

    Returns:
        A tensor of the shape and dtype of ``inputs``: ``a·x + b`` where a
        unit is kept, ``a·α' + b`` where it is dropped.

    Example:

    ```python
    x = keras.random.normal((64, 128))
    y = keras_reg.ops.alpha_dropout(x, 0.1, seed=1)  # mean ~0, variance ~1
    ```

    Reference:
        Klambauer et al., "Self-Normalizing Neural Networks", NeurIPS 2017.
    """
    inputs, rate, seed, noise_shape = _checks.check_call(NAME, inputs, rate, seed, noise_shape)
    if rate == 0:
        return inputs
    return apply_alpha_dropout(inputs, rate, noise_shape, seed)


def apply_alpha_dropout(inputs, rate, noise_shape, seed):
    """``alpha_dropout`` of checked arguments and ``rate > 0`` (the layer's
    call, whose arguments were checked when it was created)."""
    keep = bernoulli_keep(inputs, resolve_noise_shape(inputs, noise_shape), rate, seed)
    a, b = alpha_dropout_affine(rate)
    # y = a·(x·d + α'(1 - d)) + b = (x - α')·(a·d) + (a·α' + b): multiplies, no
    # `where` (a CPU torch.where costs as much as the whole mask); operators,
    # not keras.ops, as in `inverted_dropout`.
    gain = broadcast_factor(keras.ops.cast(keep, inputs.dtype) * a, inputs)
    return (inputs - ALPHA_PRIME) * gain + (a * ALPHA_PRIME + b)
