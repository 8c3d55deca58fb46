"""Geometric transforms with a parameter per image: one projective
resampling (bilinear, constant fill) of the whole batch."""

import math

from keras_reg._compat import xla as _xla
from keras_reg.augment._params import Tensor, as_tensor, batch_values, ops_for
from keras_reg.augment.image._color import float_images


def image_size(ops, x):
    """(height, width) of a batch: Python floats where the shape is static,
    float32 scalars where it is not (tf.data with images of any size)."""
    return tuple(
        float(x.shape[axis]) if x.shape[axis] is not None
        else ops.cast(ops.shape(x)[axis], "float32")
        for axis in (1, 2)
    )


def affine(images: Tensor, transforms: Tensor, fill_value: float = 0.0) -> Tensor:
    """Resample each image through its projective transform, bilinearly.

    Row ``[a0, a1, a2, b0, b1, b2, c0, c1]`` of ``transforms`` maps output
    pixel (u, v) to input ((a0 u + a1 v + a2) / k, (b0 u + b1 v + b2) / k),
    ``k = c0 u + c1 v + 1`` (``keras.ops.image.affine_transform``'s
    convention); input points outside the image read ``fill_value``.

    Args:
        images: (batch, height, width, channels).
        transforms: (batch, 8), output -> input (see ``rotation_transform``,
            ``shear_transform``, ``translate_transform``).
        fill_value: value outside the image (the range's black, usually).

    Returns:
        float images of the same shape.

    Example:

    ```python
    from keras_reg.augment.image import functional as F
    t = F.rotation_transform([30.0, -30.0], height=32, width=32)
    out = F.affine(images, t)
    ```
    """
    ops = ops_for(images)
    x = float_images(ops, images)
    transforms = as_tensor(ops, transforms, "float32")
    if _xla.native_affine_transform(ops):
        return ops.affine_transform(
            x, transforms, interpolation="bilinear", fill_mode="constant",
            fill_value=fill_value, data_format="channels_last",
        )
    return affine_by_gather(ops, x, transforms, fill_value)


def affine_by_gather(ops, x, transform, fill_value=0.0):
    """``affine`` as one gather over the whole batch: the sampling of
    ``keras.ops.image.affine_transform(..., "bilinear", "constant")``, whose
    torch version loops over samples and channels in Python. Coordinates and
    weights in float32 whatever the image dtype (float16 resolves only 1/8
    pixel at 224)."""
    n = ops.shape(x)[0]
    # Static sizes where known, tensors where not (a TensorFlow function traced
    # for images of any size, compiled by XLA once the sizes are known).
    height, width, channels = (x.shape[i] if x.shape[i] is not None else ops.shape(x)[i]
                               for i in (1, 2, 3))
    out_dtype, dtype = x.dtype, "float32"
    x = ops.cast(x, dtype)
    t = ops.cast(transform, dtype)
    v, u = ops.meshgrid(ops.cast(ops.arange(height), dtype), ops.cast(ops.arange(width), dtype),
                        indexing="ij")
    u, v = ops.reshape(u, (1, -1)), ops.reshape(v, (1, -1))  # (1, h*w)
    k = t[:, 6:7] * u + t[:, 7:8] * v + 1.0
    src_x = (t[:, 0:1] * u + t[:, 1:2] * v + t[:, 2:3]) / k  # (n, h*w)
    src_y = (t[:, 3:4] * u + t[:, 4:5] * v + t[:, 5:6]) / k
    x0, y0 = ops.floor(src_x), ops.floor(src_y)
    wx, wy = src_x - x0, src_y - y0
    x0, y0 = ops.cast(x0, "int32"), ops.cast(y0, "int32")
    flat = ops.reshape(x, (-1, channels))
    base = ops.reshape(ops.arange(n, dtype="int32") * (height * width), (-1, 1))
    out = 0.0
    for dy, dx, weight in ((0, 0, (1 - wy) * (1 - wx)), (0, 1, (1 - wy) * wx),
                           (1, 0, wy * (1 - wx)), (1, 1, wy * wx)):
        xi, yi = x0 + dx, y0 + dy
        inside = (xi >= 0) & (xi < width) & (yi >= 0) & (yi < height)
        index = base + ops.clip(yi, 0, height - 1) * width + ops.clip(xi, 0, width - 1)
        values = ops.reshape(ops.take(flat, ops.reshape(index, (-1,)), axis=0),
                             (n, height * width, channels))
        values = ops.where(inside[..., None], values, ops.cast(fill_value, dtype))
        out = out + weight[..., None] * values
    return ops.cast(ops.reshape(out, (n, height, width, channels)), out_dtype)


def _rows(ops, rows):
    return ops.stack(rows + [ops.zeros_like(rows[0])] * 2, axis=1)


def rotation_transform(degrees: Tensor, height: float, width: float) -> Tensor:
    """(batch, 8) projective transforms (``affine``'s form) rotating about
    the image centre ((w-1)/2, (h-1)/2), counter-clockwise for a positive angle.

    Args:
        degrees: one angle per image (batch,).
        height: image height in pixels.
        width: image width in pixels.

    Returns:
        float32 (batch, 8), for ``affine`` (or ``keras.ops.image.affine_transform``).

    Example:

    ```python
    t = F.rotation_transform(np.float32([30.0, -10.0]), 32, 32)
    out = F.affine(images, t)  # == F.rotate(images, [30.0, -10.0])
    ```
    """
    ops = ops_for(degrees)
    theta = as_tensor(ops, degrees, "float32") * (math.pi / 180.0)
    cos, sin = ops.cos(theta), ops.sin(theta)
    cx, cy = (width - 1) / 2.0, (height - 1) / 2.0
    return _rows(ops, [cos, -sin, cx - cos * cx + sin * cy, sin, cos, cy - sin * cx - cos * cy])


def shear_transform(factor: Tensor, height: float, width: float, axis: str = "x") -> Tensor:
    """(batch, 8) projective transforms shearing about the image centre:
    input x = u + s (v - cy) for ``axis="x"``, input y = v + s (u - cx) for
    ``"y"`` (torchvision's shear angle ``atan(s)`` about the centre).

    Args:
        factor: ``s`` per image (batch,).
        height: image height in pixels.
        width: image width in pixels.
        axis: "x" or "y".

    Returns:
        float32 (batch, 8), for ``affine``.

    Example:

    ```python
    out = F.affine(images, F.shear_transform(np.float32([0.3, -0.3]), 32, 32, "y"))
    ```
    """
    ops = ops_for(factor)
    s = as_tensor(ops, factor, "float32")
    one, zero = ops.ones_like(s), ops.zeros_like(s)
    if axis == "x":
        return _rows(ops, [one, s, -s * ((height - 1) / 2.0), zero, one, zero])
    return _rows(ops, [one, zero, zero, s, one, -s * ((width - 1) / 2.0)])


def translate_transform(pixels: Tensor, axis: str = "x") -> Tensor:
    """(batch, 8) projective transforms moving the content by ``pixels``
    along ``axis`` ("x": right for positive values, "y": down).

    Args:
        pixels: shift per image (batch,).
        axis: "x" or "y".

    Returns:
        float32 (batch, 8), for ``affine``.

    Example:

    ```python
    out = F.affine(images, F.translate_transform(np.float32([3.0, -7.0]), "x"))
    ```
    """
    ops = ops_for(pixels)
    p = as_tensor(ops, pixels, "float32")
    one, zero = ops.ones_like(p), ops.zeros_like(p)
    dx, dy = (p, zero) if axis == "x" else (zero, p)
    return _rows(ops, [one, zero, -dx, zero, one, -dy])


def rotate(images: Tensor, degrees: float | Tensor, fill_value: float = 0.0) -> Tensor:
    """Rotate each image about its centre by ``degrees`` (counter-clockwise
    for a positive angle), bilinear, corners filled with ``fill_value``.

    Args:
        images: (batch, height, width, channels).
        degrees: a number or one angle per image (batch,).
        fill_value: value of the corners that come from outside the image.

    Returns:
        float images of the same shape.

    Example:

    ```python
    out = keras_reg.augment.image.functional.rotate(images, [10.0, -5.0])
    ```

    Reference: torchvision ``rotate`` (bilinear).
    """
    ops = ops_for(images)
    x = float_images(ops, images)
    height, width = image_size(ops, x)
    return affine(x, rotation_transform(batch_values(ops, degrees, x), height, width), fill_value)


def shear(images: Tensor, factor: float | Tensor, axis: str = "x",
          fill_value: float = 0.0) -> Tensor:
    """Shear each image about its centre: input x = u + s·(v - cy) for
    ``axis="x"`` (input y = v + s·(u - cx) for ``"y"``), bilinear.

    Args:
        images: (batch, height, width, channels).
        factor: ``s``, a number or (batch,) (torchvision's angle is ``atan(s)``).
        axis: "x" shears rows sideways, "y" columns up and down.
        fill_value: value of the corners pulled in from outside the image.

    Returns:
        float images of the same shape; the centre row (``"x"``) or column
        (``"y"``) stays in place.

    Example:

    ```python
    out = keras_reg.augment.image.functional.shear(images, 0.3, axis="y")
    ```
    """
    ops = ops_for(images)
    x = float_images(ops, images)
    height, width = image_size(ops, x)
    transform = shear_transform(batch_values(ops, factor, x), height, width, axis)
    return affine(x, transform, fill_value)


def translate(images: Tensor, pixels: float | Tensor, axis: str = "x",
              fill_value: float = 0.0) -> Tensor:
    """Move the content of each image by ``pixels`` along ``axis`` (right or
    down for positive values); fractional shifts interpolate bilinearly.

    Args:
        images: (batch, height, width, channels).
        pixels: a number or (batch,), whole or fractional.
        axis: "x" (horizontal) or "y" (vertical).
        fill_value: value of the band that the moved content uncovers.

    Returns:
        float images of the same shape, content that leaves the frame lost.

    Example:

    ```python
    out = keras_reg.augment.image.functional.translate(images, [3, -7], axis="x")
    ```
    """
    ops = ops_for(images)
    x = float_images(ops, images)
    return affine(x, translate_transform(batch_values(ops, pixels, x), axis), fill_value)
