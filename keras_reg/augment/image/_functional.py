"""Per-sample image operations on images scaled to [0, 1], channels last.

Every function takes ``ops`` (``keras.ops`` on the running backend, see
``AugmentationLayer.ops``), a batch ``x`` of shape (n, h, w, c) and
per-sample magnitudes of shape (n, 1, 1, 1), so one vectorized call
transforms each sample with its own parameter. Formulas follow the
torchvision/PIL definitions the augmentation papers used.
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
    """(n, h, w, 3) -> (n, h, w, 1) luma."""
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
    # Mean luma = luma of the per-channel means: one reduction, no gray image.
    channel_means = ops.mean(x, axis=(1, 2), keepdims=True)
    mean = grayscale(ops, channel_means)
    return blend(ops, x, mean, factor, top)


def saturation(ops, x, factor, top=1.0):
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
    """Blend with PIL's 3x3 smoothing filter (centre 5, rest 1, /13)."""
    channels = x.shape[-1]
    kernel = [[1.0, 1.0, 1.0], [1.0, 5.0, 1.0], [1.0, 1.0, 1.0]]
    kernel = ops.convert_to_tensor(kernel, dtype=x.dtype) / 13.0
    kernel = ops.tile(ops.reshape(kernel, (3, 3, 1, 1)), (1, 1, channels, 1))
    smooth = ops.depthwise_conv(x, kernel, strides=1, padding="same", data_format="channels_last")
    return blend(ops, x, smooth, factor)


def solarize(ops, x, threshold):
    return ops.where(x >= threshold, 1.0 - x, x)


def posterize(ops, x, bits):
    """Keep the top ``bits`` of each 8-bit value."""
    step = ops.power(2.0, 8.0 - bits)
    levels = ops.floor(ops.floor(x * 255.0 + 0.5) / step) * step
    return levels / 255.0


def auto_contrast(ops, x):
    lo = ops.min(x, axis=(1, 2), keepdims=True)
    hi = ops.max(x, axis=(1, 2), keepdims=True)
    span = hi - lo
    stretched = (x - lo) / ops.where(span > 0, span, ops.ones_like(span))
    return ops.where(span > 0, stretched, x)


def equalize(ops, x):
    """Per-image, per-channel histogram equalization: each value becomes its
    empirical CDF (fraction of pixels of that channel <= it).

    All (image, channel) rows are sorted in one 1-D array, each offset by
    2·row so rows do not mix, and ``searchsorted`` counts pixels <= each value.
    """
    n, h, w, c = (ops.shape(x)[i] for i in range(4))
    rows = ops.reshape(ops.transpose(x, (0, 3, 1, 2)), (-1, h * w))
    offset = 2.0 * ops.cast(ops.arange(ops.shape(rows)[0]), x.dtype)[:, None]
    flat = ops.reshape(rows + offset, (-1,))
    counts = _compat.searchsorted(ops, ops.sort(flat), flat, side="right")
    start = ops.cast(ops.arange(ops.shape(rows)[0]) * (h * w), counts.dtype)[:, None]
    cdf = ops.reshape(counts, (-1, h * w)) - start
    out = ops.cast(cdf, x.dtype) / ops.cast(h * w, x.dtype)
    return ops.transpose(ops.reshape(out, (n, c, h, w)), (0, 2, 3, 1))


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
