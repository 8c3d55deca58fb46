"""Per-sample image operations on images scaled to [0, 1], channels last.

Every function takes ``ops`` (``keras.ops`` on the running backend, see
``AugmentationLayer.ops``), a batch ``x`` of shape (n, h, w, c) and
per-sample magnitudes of shape (n, 1, 1, 1), so one vectorized call
transforms each sample with its own parameter. Formulas follow the
torchvision/PIL definitions the augmentation papers used; the tests hold each
against ``torchvision.transforms.v2.functional``. The colour operations take
greyscale (c == 1) or RGB (c == 3) images, as torchvision's: on one channel
the luma is the channel itself, and saturation and hue have nothing to change.
"""

import math

from keras_reg._compat import augment as _compat

# ITU-R 601-2 luma, as PIL and torchvision's rgb_to_grayscale.
GRAY_WEIGHTS = (0.299, 0.587, 0.114)


def to_unit(ops, x, value_range, dtype):
    lo, hi = value_range
    return (ops.cast(x, dtype) - lo) * (1.0 / (hi - lo))


def from_unit(ops, x, value_range):
    lo, hi = value_range
    return x * (hi - lo) + lo


def grayscale(ops, x):
    """(n, h, w, 3) -> (n, h, w, 1) luma; a greyscale image is its own luma."""
    if x.shape[-1] == 1:
        return x
    weights = ops.convert_to_tensor(GRAY_WEIGHTS, dtype=x.dtype)
    return ops.sum(x * weights, axis=-1, keepdims=True)


# The colour operations take ``top``, the value of white: 1 for images in
# [0, 1], 255 for [0, 255]. They are positively homogeneous, so working in the
# input's own scale (when black is 0) saves two passes over the batch.
def blend(ops, x, other, factor, top=1.0):
    """``other + factor · (x - other)``, clipped to [0, top] (PIL ImageEnhance)."""
    return ops.clip(factor * x + (1.0 - factor) * other, 0.0, top)


def brightness(ops, x, factor, top=1.0):
    return ops.clip(x * factor, 0.0, top)


def contrast(ops, x, factor, top=1.0):
    # Mean luma = luma of the per-channel means: one reduction, no grey image.
    channel_means = ops.mean(x, axis=(1, 2), keepdims=True)
    mean = grayscale(ops, channel_means)
    return blend(ops, x, mean, factor, top)


def saturation(ops, x, factor, top=1.0):
    if x.shape[-1] == 1:  # no colour to scale
        return x
    return blend(ops, x, grayscale(ops, x), factor, top)


def hue(ops, x, shift):
    """Rotate the hue by ``shift`` turns (HSV round trip in closed form).

    The hue ``H`` in sixths of a turn comes from the channel holding the
    maximum. Back to RGB with value ``V`` and chroma ``C`` kept: channel n gets
    ``V - C · clip(2 - d_n, 0, 1)``, where ``d_n`` is the circular distance
    (period 6) from ``H`` to 3, 5, 1 for R, G, B. This equals the usual
    ``V - C · clip(min(k, 4 - k), 0, 1)``, ``k = (n + H) mod 6``, with one wrap
    instead of three float ``mod``s (40 % faster on TensorFlow).
    """
    if x.shape[-1] == 1:  # no hue to rotate
        return x
    r, g, b = x[..., 0:1], x[..., 1:2], x[..., 2:3]
    top = ops.maximum(ops.maximum(r, g), b)
    chroma = top - ops.minimum(ops.minimum(r, g), b)
    safe = ops.where(chroma > 0, chroma, ops.ones_like(chroma))
    sixths = ops.where(
        top == r, (g - b) / safe, ops.where(top == g, (b - r) / safe + 2.0, (r - g) / safe + 4.0)
    )
    sixths = sixths + 6.0 * shift
    sixths = sixths - 6.0 * ops.floor(sixths * (1.0 / 6.0))  # into [0, 6)
    channels = []
    for centre in (3.0, 5.0, 1.0):
        distance = ops.abs(sixths - centre)
        distance = ops.minimum(distance, 6.0 - distance)
        channels.append(top - chroma * ops.clip(2.0 - distance, 0.0, 1.0))
    return ops.concatenate(channels, axis=-1)


def sharpness(ops, x, factor):
    """Blend with PIL's 3x3 smoothing filter (centre 5, rest 1, /13).

    Border pixels have no full 3x3 neighbourhood: PIL and torchvision keep
    them as they are, so the smoothed image takes the input's border (a
    zero-padded filter would darken it by up to 8/13).
    """
    channels = x.shape[-1]
    kernel = [[1.0, 1.0, 1.0], [1.0, 5.0, 1.0], [1.0, 1.0, 1.0]]
    kernel = ops.convert_to_tensor(kernel, dtype=x.dtype) / 13.0
    kernel = ops.tile(ops.reshape(kernel, (3, 3, 1, 1)), (1, 1, channels, 1))
    smooth = ops.depthwise_conv(x, kernel, strides=1, padding="same", data_format="channels_last")
    interior = ops.pad(ops.ones_like(x[:1, 1:-1, 1:-1, :1]), ((0, 0), (1, 1), (1, 1), (0, 0)))
    return blend(ops, x, ops.where(interior > 0, smooth, x), factor)


def solarize(ops, x, threshold):
    return ops.where(x >= threshold, 1.0 - x, x)


def to_levels(ops, x):
    """[0, 1] -> 8-bit levels 0..255 (as floats), torchvision's conversion to
    uint8 (``floor(x · 255.999)``, exact on multiples of 1/255): posterize and
    equalize are defined on 8-bit images (PIL)."""
    return ops.clip(ops.floor(x * (256.0 - 1e-3)), 0.0, 255.0)


def posterize(ops, x, bits):
    """Keep the top ``bits`` of each 8-bit value."""
    step = ops.power(2.0, 8.0 - bits)
    return ops.floor(to_levels(ops, x) / step) * step / 255.0


def auto_contrast(ops, x):
    lo = ops.min(x, axis=(1, 2), keepdims=True)
    hi = ops.max(x, axis=(1, 2), keepdims=True)
    span = hi - lo
    stretched = (x - lo) / ops.where(span > 0, span, ops.ones_like(span))
    return ops.where(span > 0, stretched, x)


def equalize(ops, x):
    """Per-image, per-channel histogram equalization as PIL's (and torchvision's).

    On 8-bit levels, with ``N`` pixels of which ``N_top`` hold the channel's
    highest level and ``step = floor((N - N_top) / 255)``, level ``q`` maps to
    ``min(255, floor((#{pixels < q} + floor(step / 2)) / step))``; a channel
    with ``step = 0`` (nearly one level) is left as it is. The counts come
    from one sort: every (image, channel) row offset by 256·row so rows do not
    mix, and ``searchsorted`` counts the pixels below each value.
    """
    n, h, w, c = (ops.shape(x)[i] for i in range(4))
    levels = ops.reshape(ops.transpose(to_levels(ops, x), (0, 3, 1, 2)), (-1, h * w))
    rows = ops.shape(levels)[0]
    offset = 256.0 * ops.cast(ops.arange(rows), x.dtype)[:, None]
    ordered = ops.sort(ops.reshape(levels + offset, (-1,)))
    start = ops.cast(ops.arange(rows) * (h * w), x.dtype)[:, None]

    def count_below(values, k):  # (rows, k) levels -> pixels of their row below them
        found = _compat.searchsorted(ops, ordered, ops.reshape(values + offset, (-1,)), side="left")
        return ops.reshape(ops.cast(found, x.dtype), (rows, k)) - start

    below = count_below(levels, h * w)
    step = ops.floor(count_below(ops.max(levels, axis=1, keepdims=True), 1) / 255.0)
    mapped = ops.minimum(ops.floor((below + ops.floor(step / 2.0)) / ops.maximum(step, 1.0)), 255.0)
    out = ops.transpose(ops.reshape(mapped / 255.0, (n, c, h, w)), (0, 2, 3, 1))
    keep = ops.transpose(ops.reshape(step, (n, c, 1, 1)), (0, 2, 3, 1)) == 0
    return ops.where(keep, x, out)


def affine(ops, x, transform, fill_value=0.0):
    """Apply per-sample projective ``transform`` rows (n, 8), output -> input,
    bilinear, corners outside the image read as ``fill_value``."""
    if _compat.native_affine_transform(ops):
        return ops.affine_transform(
            x, transform, interpolation="bilinear", fill_mode="constant",
            fill_value=fill_value, data_format="channels_last",
        )
    return affine_by_gather(ops, x, transform, fill_value)


def affine_by_gather(ops, x, transform, fill_value=0.0):
    """``affine`` as one gather over the whole batch.

    The same sampling as ``keras.ops.image.affine_transform(...,
    "bilinear", "constant")`` (tests compare the two); Keras's torch backend
    loops over samples and channels in Python (20 ms for 32 8x8 images, 3 ms
    here). Row ``[a0, a1, a2, b0, b1, b2, c0, c1]`` maps output pixel (u, v)
    to input ((a0 u + a1 v + a2) / k, (b0 u + b1 v + b2) / k), with
    k = c0 u + c1 v + 1 (TensorFlow's convention; Keras's JAX and torch
    versions ignore c0, c1, which keras_reg's transforms leave at 0).
    """
    n = ops.shape(x)[0]
    height, width, channels = x.shape[1], x.shape[2], x.shape[3]
    # Coordinates and weights in float32 whatever the image dtype: float16
    # resolves only 1/8 pixel at 224.
    out_dtype, dtype = x.dtype, "float32"
    x = ops.cast(x, dtype)
    t = ops.cast(transform, dtype)
    v, u = ops.meshgrid(ops.arange(height, dtype=dtype), ops.arange(width, dtype=dtype),
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


def image_size(ops, x):
    """(height, width) of a batch: Python floats where the shape is static,
    float32 scalars where it is not (tf.data with images of any size)."""
    return tuple(
        float(x.shape[axis]) if x.shape[axis] is not None
        else ops.cast(ops.shape(x)[axis], "float32")
        for axis in (1, 2)
    )


def rotation_transform(ops, degrees, height, width):
    """(n,) angles in degrees -> (n, 8) transforms rotating about the centre."""
    theta = degrees * (math.pi / 180.0)
    cos, sin = ops.cos(theta), ops.sin(theta)
    cx, cy = (width - 1) / 2.0, (height - 1) / 2.0
    zero = ops.zeros_like(cos)
    return ops.stack(
        [cos, -sin, cx - cos * cx + sin * cy, sin, cos, cy - sin * cx - cos * cy, zero, zero],
        axis=1,
    )


def shear_transform(ops, shear, height, width, axis):
    one, zero = ops.ones_like(shear), ops.zeros_like(shear)
    if axis == "x":
        cy = (height - 1) / 2.0
        rows = [one, shear, -shear * cy, zero, one, zero]
    else:
        cx = (width - 1) / 2.0
        rows = [one, zero, zero, shear, one, -shear * cx]
    return ops.stack(rows + [zero, zero], axis=1)


def translate_transform(ops, pixels, axis):
    one, zero = ops.ones_like(pixels), ops.zeros_like(pixels)
    dx, dy = (pixels, zero) if axis == "x" else (zero, pixels)
    return ops.stack([one, zero, -dx, zero, one, -dy, zero, zero], axis=1)
