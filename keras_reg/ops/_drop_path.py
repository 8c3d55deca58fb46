from typing import Any

import keras

from keras_reg.ops import _checks
from keras_reg.ops._random_source import inverted_dropout

NAME = "keras_reg.ops.drop_path"


def drop_path(inputs: Any, rate: float, seed: _checks.Seed = None) -> Any:
    """Stochastic depth: drop a residual branch for whole samples.

    Apply it to a residual branch before the addition. For each sample ``n``
    independently, with ``p = rate``:

        y[n, ...] = x[n, ...] · m[n] / (1 - p),   m[n] ~ Bernoulli(1 - p)

    so ``x + drop_path(f(x), p)`` equals ``x`` for the dropped samples and
    keeps ``E[y] = f(x)``: the per-sample, rescaled form of stochastic depth
    (as timm's ``drop_path`` with ``scale_by_keep=True``). The function always
    applies; see ``keras_reg.ops.dropout`` for ``seed``.

    Args:
        inputs: floating-point tensor of rank >= 1 whose first axis is the
            batch (samples).
        rate: the probability ``p`` of dropping a sample's branch, a Python
            float in ``[0, 1)``. ``0`` returns ``inputs`` unchanged.
        seed: an int in ``[0, 2**31 - 1]``, a ``keras.random.SeedGenerator``
            or ``None``, as in ``keras_reg.ops.dropout``.

    Returns:
        A tensor of the shape and dtype of ``inputs``: each sample either
        zeroed or scaled by ``1 / (1 - p)``.

    Example:

    ```python
    class Residual(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.branch = keras.layers.Dense(64)
            self.seed_generator = keras.random.SeedGenerator(1)

        def call(self, x, training=False):
            h = self.branch(x)
            if training:
                h = keras_reg.ops.drop_path(h, 0.1, seed=self.seed_generator)
            return x + h
    ```

    Reference:
        Huang et al., "Deep Networks with Stochastic Depth", ECCV 2016.
    """
    inputs, rate, seed, _ = _checks.check_call(NAME, inputs, rate, seed)
    _checks.check_min_rank(inputs.shape, 1, NAME, "the first axis is the batch")
    if rate == 0:
        return inputs
    return apply_drop_path(inputs, rate, seed)


def apply_drop_path(inputs, rate, seed):
    """``drop_path`` of checked arguments and ``rate > 0``."""
    noise_shape = (keras.ops.shape(inputs)[0],) + (1,) * (len(inputs.shape) - 1)
    return inverted_dropout(inputs, rate, seed, noise_shape)
