"""Random erasing as functions: erasing boxes from uniform draws (timm's
sampler, per image and box), and the erasure of a batch."""

import math

from keras_reg.augment._params import Tensor, as_tensor, ops_for
from keras_reg.augment.image._color import float_images

#: Tries per box before it is skipped (timm's count).
TRIES = 10


def erasing_boxes(uniforms: Tensor, counts: Tensor, height: float, width: float,
                  scale: tuple[float, float], ratio: tuple[float, float]) -> Tensor:
    """Boxes ``[top, left, bottom, right]`` (int32, (batch, boxes, 4); an
    empty box ``[0, 0, 0, 0]`` where none is erased) from uniform draws
    (batch, boxes, tries, 4) and the number of boxes of each image
    ``counts`` (batch,).

    Box ``k`` of an image erasing ``c`` boxes is tried up to ``tries``
    times: area ``A·(s0 + (s1 − s0)·u0)/c``, aspect ``exp(log r0 + (log r1 −
    log r0)·u1)``, ``h = round(sqrt(area·aspect))``, ``w = round(sqrt(area /
    aspect))``; the first try with ``h < H`` and ``w < W`` is placed at
    ``(floor(u2·(H − h + 1)), floor(u3·(W − w + 1)))``. Boxes ``k >= c``, and
    boxes with no fitting try, are empty. timm's ``RandomErasing`` sampler,
    each draw read from the uniforms.
    """
    ops = ops_for(uniforms)
    u = as_tensor(ops, uniforms, "float32")
    count = ops.reshape(as_tensor(ops, counts, "float32"), (-1, 1, 1))
    target = height * width * (scale[0] + (scale[1] - scale[0]) * u[..., 0]) / count
    log_low, log_high = math.log(ratio[0]), math.log(ratio[1])
    aspect = ops.exp(log_low + (log_high - log_low) * u[..., 1])
    h = ops.round(ops.sqrt(target * aspect))
    w = ops.round(ops.sqrt(target / aspect))
    fits = (h < height) & (w < width)
    # min(): float32 rounding of u·(H − h + 1) must not reach H − h + 1.
    top = ops.minimum(ops.floor(u[..., 2] * (height - h + 1)), height - h)
    left = ops.minimum(ops.floor(u[..., 3] * (width - w + 1)), width - w)
    tries = ops.stack([top, left, top + h, left + w], axis=-1)  # (batch, boxes, tries, 4)
    first = ops.argmax(ops.cast(fits, "int32"), axis=2)
    chosen = ops.take_along_axis(tries, first[:, :, None, None], axis=2)[:, :, 0]
    box_index = ops.arange(ops.shape(u)[1], dtype="float32")[None, :]
    active = ops.any(fits, axis=2) & (box_index < count[:, :, 0])
    return ops.cast(ops.where(active[..., None], chosen, 0.0), "int32")


def erase(images: Tensor, boxes: Tensor, fills: Tensor) -> Tensor:
    """Each image with its boxes replaced by their fills, box by box (a
    later box over an earlier one).

    Args:
        images: (batch, height, width, channels).
        boxes: (batch, boxes, 4) ``[top, left, bottom, right]``; empty boxes
            erase nothing.
        fills: (batch, boxes, height, width, channels) or any shape that
            broadcasts to it: ``(batch, boxes, 1, 1, channels)`` for a colour
            per box, a number for a constant.

    Returns:
        float images of the same shape.

    Example:

    ```python
    from keras_reg.augment.image import functional as F
    boxes = [[[2, 2, 6, 8]], [[0, 0, 0, 0]]]   # one box in image 0, none in image 1
    out = F.erase(images, boxes, fills=0.0)
    ```
    """
    ops = ops_for(images)
    x = float_images(ops, images)
    b = as_tensor(ops, boxes, "int32")
    fills = as_tensor(ops, fills, x.dtype)
    if len(fills.shape) < 5:  # e.g. a number, (C,) or (H, W, C): the leading axes are 1
        fills = ops.reshape(fills, (1,) * (5 - len(fills.shape)) + tuple(fills.shape))
    rows = ops.arange(ops.shape(x)[1], dtype="int32")[None, :]
    cols = ops.arange(ops.shape(x)[2], dtype="int32")[None, :]
    for k in range(b.shape[1]):
        in_rows = (rows >= b[:, k, 0:1]) & (rows < b[:, k, 2:3])
        in_cols = (cols >= b[:, k, 1:2]) & (cols < b[:, k, 3:4])
        inside = in_rows[:, :, None, None] & in_cols[:, None, :, None]
        fill = fills[:, min(k, fills.shape[1] - 1)]
        x = ops.where(inside, fill, x)
    return x
