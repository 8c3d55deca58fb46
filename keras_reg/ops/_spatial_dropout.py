from typing import Any

import keras

from keras_reg import _validation
from keras_reg.ops import _checks
from keras_reg.ops._random_source import inverted_dropout

NAME = "keras_reg.ops.spatial_dropout"


def spatial_noise_shape(shape, data_format):
    """``(batch, 1, ..., 1, channels)`` (or channels first) for ``shape``."""
    spatial_ones = (1,) * (len(shape) - 2)
    if data_format == "channels_last":
        return (shape[0], *spatial_ones, shape[-1])
    return (shape[0], shape[1], *spatial_ones)


def spatial_dropout(
    inputs: Any,
    rate: float,
    data_format: str | None = None,
    seed: _checks.Seed = None,
) -> Any:
    """Spatial dropout: zero whole feature maps, one draw per (sample, channel).

    For a batch of feature maps with ``p = rate``:

        y[n, ..., c] = x[n, ..., c] · m[n, c] / (1 - p),   m[n, c] ~ Bernoulli(1 - p)

    Neighbouring activations of a feature map are strongly correlated, so
    element-wise dropout there barely regularizes; dropping whole channels
    does. This is ``dropout`` with the mask shared along every spatial axis,
    for any number of spatial axes (1-D sequences, 2-D images, 3-D volumes).
    The function always applies; see ``keras_reg.ops.dropout`` for ``seed``.

    Args:
        inputs: floating-point tensor of rank >= 3:
            ``(batch, *spatial, channels)`` or ``(batch, channels, *spatial)``.
        rate: the probability ``p`` of dropping a feature map, a Python float
            in ``[0, 1)``. ``0`` returns ``inputs`` unchanged.
        data_format: ``"channels_last"`` or ``"channels_first"``; ``None``
            uses ``keras.config.image_data_format()``.
        seed: an int in ``[0, 2**31 - 1]``, a ``keras.random.SeedGenerator``
            or ``None``, as in ``keras_reg.ops.dropout``.

    Returns:
        A tensor of the shape and dtype of ``inputs``: each feature map either
        zeroed or scaled by ``1 / (1 - p)``.

    Example:

    ```python
    x = keras.random.normal((8, 32, 32, 16))
    y = keras_reg.ops.spatial_dropout(x, 0.2, seed=1)  # whole 32x32 maps are 0
    ```

    Reference:
        Tompson et al., "Efficient Object Localization Using Convolutional
        Networks", CVPR 2015.
    """
    inputs, rate, seed, _ = _checks.check_call(NAME, inputs, rate, seed)
    data_format = _validation.check_data_format(data_format)
    _checks.check_min_rank(inputs.shape, 3, NAME, "batch, spatial axes and channels")
    if rate == 0:
        return inputs
    return apply_spatial_dropout(inputs, rate, data_format, seed)


def apply_spatial_dropout(inputs, rate, data_format, seed):
    """``spatial_dropout`` of checked arguments and ``rate > 0``."""
    noise_shape = spatial_noise_shape(keras.ops.shape(inputs), data_format)
    return inverted_dropout(inputs, rate, seed, noise_shape)
