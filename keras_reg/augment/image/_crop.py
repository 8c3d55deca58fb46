"""Random resized crops as functions: the crop boxes from uniform draws
(torchvision's sampler, vectorized over the batch and the tries), and the
crop-and-resize of a batch with one box per image."""

import math

from keras_reg._compat import xla as _xla
from keras_reg.augment._params import Tensor, as_tensor, ops_for
from keras_reg.augment.image._color import float_images

#: Tries per image before the centre-crop fallback (torchvision's count).
TRIES = 10
INTERPOLATIONS = ("bilinear", "nearest")


def resized_crop_boxes(uniforms: Tensor, height: float, width: float,
                       scale: tuple[float, float], ratio: tuple[float, float]) -> Tensor:
    """Crop boxes ``[top, left, box_height, box_width]`` (int32, (batch, 4))
    from uniform draws ``uniforms`` in [0, 1), shape (batch, tries, 4).

    Try ``t`` of image ``b`` reads ``u = uniforms[b, t]``: area
    ``A·(s0 + (s1 − s0)·u0)`` for the image area ``A``, aspect
    ``exp(log r0 + (log r1 − log r0)·u1)``, sides rounded half to even, and,
    when the box fits, its corner ``floor(u2·(H − h + 1))``,
    ``floor(u3·(W − w + 1))``. The first try that fits is the box; when none
    fits, the centre crop with the aspect clamped into ``ratio``. This is
    torchvision's ``RandomResizedCrop.get_params`` with each draw made
    from a given uniform, so the boxes follow its law.
    """
    ops = ops_for(uniforms)
    u = as_tensor(ops, uniforms, "float32")
    area = height * width
    target = area * (scale[0] + (scale[1] - scale[0]) * u[..., 0])
    log_low, log_high = math.log(ratio[0]), math.log(ratio[1])
    aspect = ops.exp(log_low + (log_high - log_low) * u[..., 1])
    w = ops.round(ops.sqrt(target * aspect))
    h = ops.round(ops.sqrt(target / aspect))
    fits = (w > 0) & (w <= width) & (h > 0) & (h <= height)
    top = ops.minimum(ops.floor(u[..., 2] * (height - h + 1)), height - h)
    left = ops.minimum(ops.floor(u[..., 3] * (width - w + 1)), width - w)
    tries = ops.stack([top, left, h, w], axis=-1)  # (batch, tries, 4)
    first = ops.argmax(ops.cast(fits, "int32"), axis=1)  # the first fit (0 if none)
    chosen = ops.take_along_axis(tries, ops.reshape(first, (-1, 1, 1)), axis=1)[:, 0]
    fallback = ops.cast(centre_box(ops, height, width, ratio), "float32")
    any_fit = ops.any(fits, axis=1)[:, None]
    return ops.cast(ops.where(any_fit, chosen, fallback[None, :]), "int32")


def centre_box(ops, height, width, ratio):
    """The fallback box ``[top, left, h, w]``: the whole image with its aspect
    ``W/H`` clamped into ``ratio`` (torchvision's, and the box used at
    inference)."""
    h, w = ops.convert_to_tensor(height, "float32"), ops.convert_to_tensor(width, "float32")
    aspect = w / h
    low, high = ratio
    w_new = ops.where(aspect > high, ops.round(h * high), w)
    h_new = ops.where(aspect < low, ops.round(w / low), h)
    return ops.stack([ops.floor((h - h_new) / 2), ops.floor((w - w_new) / 2), h_new, w_new])


def _source(ops, size_out, start, extent, interpolation):
    """Source coordinates (batch, size_out) of output pixels 0..size_out-1
    along one axis, for boxes starting at ``start`` of ``extent`` pixels
    ((batch, 1) each): torch's ``interpolate`` without corner alignment
    (half-pixel centres, clamped to the box) for bilinear, ``floor`` of the
    scaled index for nearest."""
    if interpolation == "nearest":
        # floor(i·extent/size_out) in integers: in float32, XLA may multiply
        # by a rounded reciprocal and land one pixel short of an exact ratio.
        index = ops.arange(size_out, dtype="int32")[None, :]
        scaled = ops.floor_divide(index * ops.cast(extent, "int32"), size_out)
        return start + ops.cast(scaled, "float32")
    index = ops.arange(size_out, dtype="float32")[None, :]
    step = extent / size_out
    return start + ops.clip((index + 0.5) * step - 0.5, 0.0, extent - 1)


@_xla.fused_in_tensorflow_graphs("images", "boxes")
def resized_crop(images: Tensor, boxes: Tensor, size: tuple[int, int],
                 interpolation: str = "bilinear") -> Tensor:
    """Crop each image to its box and resize the crop to ``size``.

    For box ``[top, left, h, w]`` and output size ``(H', W')``, output pixel
    ``(y, x)`` reads the crop at ``((y + ½)·h/H' − ½, (x + ½)·w/W' − ½)``,
    clamped to the box, bilinearly (torch's ``interpolate`` with
    ``align_corners=False`` and no antialiasing, as torchvision's
    ``resized_crop(..., antialias=False)``); ``"nearest"`` reads
    ``floor(y·h/H')``. Two gathers for the whole batch (rows, then
    columns). In a TensorFlow graph (tf.data, a ``tf.function``) on images
    of known size the gathers are XLA-compiled into fused loops; eager
    TensorFlow calls, and graphs of images of unknown size, resize the
    crops one at a time with TensorFlow's resize kernel instead (the same
    sampling, within about 1e-3 of the value range; no compilation per
    shape).

    Args:
        images: (batch, height, width, channels).
        boxes: (batch, 4) ``[top, left, height, width]`` in pixels, inside
            the image (``resized_crop_boxes`` draws them).
        size: ``(height, width)`` of the output.
        interpolation: ``"bilinear"`` or ``"nearest"``.

    Returns:
        float images (batch, size[0], size[1], channels).

    Example:

    ```python
    from keras_reg.augment.image import functional as F
    boxes = [[0, 0, 16, 16], [8, 8, 24, 24]]
    crops = F.resized_crop(images, boxes, size=(32, 32))
    ```
    """
    ops = ops_for(images)
    x = float_images(ops, images)
    out_dtype = x.dtype
    x = ops.cast(x, "float32")
    out_h, out_w = size
    if interpolation == "bilinear" and _xla.native_resized_crop(ops):
        boxes = as_tensor(ops, boxes, "int32")
        return ops.cast(_xla.resized_crop_each(x, boxes, (out_h, out_w)), out_dtype)
    boxes = as_tensor(ops, boxes, "float32")
    # Separable: rows first (contiguous row gathers), then columns — 2×
    # faster than four gathers of pixels.
    rows = _resample(ops, x, 1, out_h, boxes[:, 0:1], boxes[:, 2:3], interpolation)
    cols = _resample(ops, rows, 2, out_w, boxes[:, 1:2], boxes[:, 3:4], interpolation)
    return ops.cast(cols, out_dtype)


def _resample(ops, x, axis, size_out, start, extent, interpolation):
    """Axis ``axis`` (1: rows, 2: columns) of ``x`` (n, H, W, C) resampled
    to ``size_out`` inside each image's ``[start, start + extent)`` ((n, 1)
    each)."""
    if axis == 2 and not _xla.takes_along_any_axis(x):
        # Columns as the rows of the transposed images.
        swapped = ops.transpose(x, (0, 2, 1, 3))
        out = _resample(ops, swapped, 1, size_out, start, extent, interpolation)
        return ops.transpose(out, (0, 2, 1, 3))
    source = _source(ops, size_out, start, extent, interpolation)  # (n, size_out)
    low = ops.floor(source)

    def take(index):
        return _xla.take_per_image(ops, x, ops.cast(index, "int32"), axis)

    if interpolation == "nearest":
        return take(low)
    high = ops.minimum(low + 1, start + extent - 1)  # the next row, inside the box
    weight = source - low
    weight = weight[:, :, None, None] if axis == 1 else weight[:, None, :, None]
    return take(low) * (1.0 - weight) + take(high) * weight
