"""Transforms of pixel levels: solarize, posterize, equalize, auto-contrast
(PIL's ImageOps, on 8-bit levels where PIL defines them so)."""

from keras_reg._compat import augment as _compat
from keras_reg.augment._params import Tensor, ops_for, per_sample
from keras_reg.augment._params import value_range as _range
from keras_reg.augment.image._color import float_images


def _unit(ops, x, value_range):
    low, high = value_range
    return x if (low, high) == (0.0, 1.0) else (x - low) * (1.0 / (high - low))


def _from_unit(x, value_range):
    low, high = value_range
    return x if (low, high) == (0.0, 1.0) else x * (high - low) + low


def _levels(ops, unit):
    """[0, 1] -> 8-bit levels 0..255 (as floats), torchvision's conversion to
    uint8 (``floor(x · 255.999)``, exact on multiples of 1/255)."""
    return ops.clip(ops.floor(unit * (256.0 - 1e-3)), 0.0, 255.0)


def solarize(images: Tensor, threshold: float | Tensor,
             value_range: tuple[float, float] = (0, 255)) -> Tensor:
    """Invert the pixels at or above ``threshold``: ``y = low + high - x``
    where ``x >= threshold``, else ``x``.

    Args:
        images: (batch, height, width, channels).
        threshold: in the pixels' scale, a number or (batch,).
        value_range: (low, high) of the pixels.

    Returns:
        float images of the same shape.

    Example:

    ```python
    out = keras_reg.augment.image.functional.solarize(images, 128.0)
    ```

    Reference: PIL ``ImageOps.solarize``; torchvision ``solarize``.
    """
    ops = ops_for(images)
    x = float_images(ops, images)
    low, high = _range(value_range)
    return ops.where(x >= per_sample(ops, threshold, x), (low + high) - x, x)


def posterize(images: Tensor, bits: float | Tensor,
              value_range: tuple[float, float] = (0, 255)) -> Tensor:
    """Keep the top ``bits`` of each 8-bit level: ``floor(q / 2^(8-b)) · 2^(8-b)``
    for the level ``q = floor(255.999 · (x - low) / (high - low))``.

    Args:
        images: (batch, height, width, channels).
        bits: ``b`` in [1, 8], a number or (batch,).
        value_range: (low, high) of the pixels.

    Returns:
        float images of the same shape, on multiples of ``2^(8-b)/255`` of the range.

    Example:

    ```python
    out = keras_reg.augment.image.functional.posterize(images, 4)
    ```

    Reference: PIL ``ImageOps.posterize``.
    """
    ops = ops_for(images)
    x = float_images(ops, images)
    value_range = _range(value_range)
    step = ops.power(2.0, 8.0 - per_sample(ops, bits, x))
    levels = _levels(ops, _unit(ops, x, value_range))
    return _from_unit(ops.floor(levels / step) * step / 255.0, value_range)


def auto_contrast(images: Tensor, value_range: tuple[float, float] = (0, 255)) -> Tensor:
    """Stretch each channel of each image from its own minimum and maximum to
    the full value range (a constant channel is left as it is).

    Args:
        images: (batch, height, width, channels).
        value_range: (low, high) of the pixels.

    Returns:
        float images of the same shape.

    Example:

    ```python
    out = keras_reg.augment.image.functional.auto_contrast(images)
    ```

    Reference: PIL ``ImageOps.autocontrast``; torchvision ``autocontrast``.
    """
    ops = ops_for(images)
    x = float_images(ops, images)
    low, high = _range(value_range)
    darkest = ops.min(x, axis=(1, 2), keepdims=True)
    span = ops.max(x, axis=(1, 2), keepdims=True) - darkest
    stretched = (x - darkest) * ((high - low) / ops.where(span > 0, span, ops.ones_like(span)))
    return ops.where(span > 0, stretched + low if low else stretched, x)


def equalize(images: Tensor, value_range: tuple[float, float] = (0, 255)) -> Tensor:
    """Histogram equalization of each channel of each image, as PIL's.

    On 8-bit levels, with ``N`` pixels of which ``N_top`` hold the channel's
    highest level and ``step = floor((N - N_top) / 255)``, level ``q`` maps
    to ``min(255, floor((#{pixels < q} + floor(step / 2)) / step))``; a
    channel with ``step = 0`` (nearly one level) is left as it is.

    Args:
        images: (batch, height, width, channels).
        value_range: (low, high) of the pixels.

    Returns:
        float images of the same shape.

    Example:

    ```python
    out = keras_reg.augment.image.functional.equalize(images, value_range=(0, 1))
    ```

    Reference: PIL ``ImageOps.equalize``; torchvision ``equalize``.
    """
    ops = ops_for(images)
    x = float_images(ops, images)
    value_range = _range(value_range)
    # The counts come from one sort: every (image, channel) row offset by
    # 256·row so rows do not mix; ``searchsorted`` counts the pixels below.
    n, h, w, c = (ops.shape(x)[i] for i in range(4))
    levels = ops.reshape(ops.transpose(_levels(ops, _unit(ops, x, value_range)), (0, 3, 1, 2)),
                         (-1, h * w))
    rows = ops.shape(levels)[0]
    offset = 256.0 * ops.cast(ops.arange(rows), x.dtype)[:, None]
    ordered = ops.sort(ops.reshape(levels + offset, (-1,)))
    start = ops.cast(ops.arange(rows) * (h * w), x.dtype)[:, None]

    def count_below(values, k):  # (rows, k) levels -> pixels of their row below them
        found = _compat.searchsorted(ops, ordered, ops.reshape(values + offset, (-1,)))
        return ops.reshape(ops.cast(found, x.dtype), (rows, k)) - start

    below = count_below(levels, h * w)
    step = ops.floor(count_below(ops.max(levels, axis=1, keepdims=True), 1) / 255.0)
    mapped = ops.minimum(ops.floor((below + ops.floor(step / 2.0)) / ops.maximum(step, 1.0)), 255.0)
    out = ops.transpose(ops.reshape(mapped / 255.0, (n, c, h, w)), (0, 2, 3, 1))
    keep = ops.transpose(ops.reshape(step, (n, c, 1, 1)), (0, 2, 3, 1)) == 0
    return ops.where(keep, x, _from_unit(out, value_range))
