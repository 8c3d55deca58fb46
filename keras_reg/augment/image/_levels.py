"""Transforms of pixel levels: solarize, posterize, equalize, auto-contrast
(PIL's ImageOps, on 8-bit levels where PIL defines them so)."""

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
        images: a batch, channels last, in ``value_range``.
        threshold: in the pixels' scale, a number or (batch,).
        value_range: (low, high) of the pixels.

    Returns:
        the solarized batch, as floats.

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
        images: (batch, height, width, channels) in ``value_range``.
        bits: ``b`` in [1, 8], a number or (batch,).
        value_range: the pixels' (low, high).

    Returns:
        floats on multiples of ``2^(8-b)/255`` of the range, shaped as ``images``.

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
        images: channels-last batch; each (image, channel) is stretched alone.
        value_range: the range stretched to, that of the input pixels.

    Returns:
        the stretched batch (float).

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
        images: a channels-last batch; the histograms are per image and channel.
        value_range: (low, high): the pixels' range, mapped onto 256 levels.

    Returns:
        the equalized batch in ``value_range``, as floats.

    Example:

    ```python
    out = keras_reg.augment.image.functional.equalize(images, value_range=(0, 1))
    ```

    Reference: PIL ``ImageOps.equalize``; torchvision ``equalize``.
    """
    ops = ops_for(images)
    x = float_images(ops, images)
    value_range = _range(value_range)
    # One histogram for the batch: pixel (b, ., ., ch) at level q counts in
    # bin 256·(b·C + ch) + q, so the (image, channel) rows do not mix.
    n, c = ops.shape(x)[0], ops.shape(x)[3]
    rows = n * c
    row = ops.reshape(ops.arange(rows, dtype="int32"), (n, 1, 1, c))
    bins = 256 * row + ops.cast(_levels(ops, _unit(ops, x, value_range)), "int32")
    flat = ops.reshape(bins, (-1,))
    counts = ops.reshape(ops.segment_sum(ops.ones_like(flat, dtype=x.dtype), flat,
                                         num_segments=rows * 256), (rows, 256))
    below = ops.cumsum(counts, axis=1) - counts  # pixels under each level
    # Pixels under the highest level present (below is non-decreasing).
    below_top = ops.max(ops.where(counts > 0, below, 0.0), axis=1, keepdims=True)
    step = ops.floor(below_top / 255.0)
    table = ops.minimum(ops.floor((below + ops.floor(step / 2.0)) / ops.maximum(step, 1.0)),
                        255.0) / 255.0
    out = ops.reshape(ops.take(ops.reshape(table, (-1,)), flat), ops.shape(x))
    keep = ops.reshape(step, (n, 1, 1, c)) == 0
    return ops.where(keep, x, _from_unit(out, value_range))
