"""Colour transforms with a parameter per image (PIL's ImageEnhance and HSV)."""

from keras_reg.augment._params import Tensor, ops_for, per_sample
from keras_reg.augment._params import value_range as _range

# ITU-R 601-2 luma, as PIL and torchvision's rgb_to_grayscale.
GRAY_WEIGHTS = (0.299, 0.587, 0.114)


def float_images(ops, images):
    """``images`` as a tensor, float32 unless already floating-point."""
    x = ops.convert_to_tensor(images)
    return x if "float" in str(x.dtype) else ops.cast(x, "float32")


def luma(ops, x):
    """(n, h, w, 3) -> (n, h, w, 1); a greyscale image is its own luma."""
    if x.shape[-1] == 1:
        return x
    weights = ops.convert_to_tensor(GRAY_WEIGHTS, dtype=x.dtype)
    return ops.sum(x * weights, axis=-1, keepdims=True)


def _prepare(images, factor):
    ops = ops_for(images)
    x = float_images(ops, images)
    return ops, x, per_sample(ops, factor, x)


def blend(ops, x, other, factor, value_range):
    """``other + factor · (x - other)``, clipped to the value range (PIL's
    ImageEnhance: 0 gives ``other``, 1 the image, above 1 extrapolates)."""
    return ops.clip(factor * x + (1.0 - factor) * other, *value_range)


def adjust_brightness(images: Tensor, factor: float | Tensor,
                      value_range: tuple[float, float] = (0, 255)) -> Tensor:
    """Scale the brightness of each image: ``y = clip(low + f · (x - low))``.

    Args:
        images: (batch, height, width, channels), channels last.
        factor: ``f >= 0``, a number or one per image (batch,).
        value_range: (low, high) of the pixels; ``low`` is black.

    Returns:
        float images of the same shape.

    Example:

    ```python
    from keras_reg.augment.image import functional as F
    brighter = F.adjust_brightness(images, [1.2, 0.8], value_range=(0, 255))
    ```
    """
    ops, x, f = _prepare(images, factor)
    low, high = _range(value_range)
    return ops.clip(x * f if low == 0 else low + (x - low) * f, low, high)


def adjust_contrast(images: Tensor, factor: float | Tensor,
                    value_range: tuple[float, float] = (0, 255)) -> Tensor:
    """Blend each image with its mean luma ``m``: ``y = clip(m + f · (x - m))``,
    luma ``0.299 R + 0.587 G + 0.114 B`` (a greyscale image's own mean).

    Args:
        images: (batch, height, width, 1 or 3).
        factor: ``f >= 0`` (0: uniform grey, 1: unchanged), a number or (batch,).
        value_range: (low, high) of the pixels, the bounds of the clip.

    Returns:
        float images of the same shape; each image's mean luma is kept
        wherever no pixel is clipped.

    Example:

    ```python
    flat = keras_reg.augment.image.functional.adjust_contrast(images, [0.5, 1.5])  # one per image
    ```

    Reference: PIL ``ImageEnhance.Contrast``; torchvision ``adjust_contrast``.
    """
    ops, x, f = _prepare(images, factor)
    # Mean luma = luma of the per-channel means: one reduction, no grey image.
    mean = luma(ops, ops.mean(x, axis=(1, 2), keepdims=True))
    return blend(ops, x, mean, f, _range(value_range))


def adjust_saturation(images: Tensor, factor: float | Tensor,
                      value_range: tuple[float, float] = (0, 255)) -> Tensor:
    """Blend each pixel with its luma ``g``: ``y = clip(g + f · (x - g))``.
    Greyscale images have no colour to scale and are returned as they are.

    Args:
        images: (batch, height, width, 1 or 3); 1 channel: returned as it is.
        factor: ``f >= 0`` (0: grey, 1: unchanged), a number or (batch,).
        value_range: (low, high) of the pixels; the output is clipped to it
            (only ``f > 1`` can leave it).

    Returns:
        float images of the same shape, each pixel's luma kept wherever
        nothing is clipped.

    Example:

    ```python
    vivid = keras_reg.augment.image.functional.adjust_saturation(photos, 1.5, value_range=(0, 1))
    ```

    Reference: PIL ``ImageEnhance.Color``; torchvision ``adjust_saturation``.
    """
    ops, x, f = _prepare(images, factor)
    if x.shape[-1] == 1:
        return x
    return blend(ops, x, luma(ops, x), f, _range(value_range))


def adjust_hue(images: Tensor, delta: float | Tensor) -> Tensor:
    """Rotate the hue of each image by ``delta`` turns, keeping HSV value and
    chroma; greyscale images are returned as they are.

    The hue ``H`` in sixths of a turn comes from the channel holding the
    maximum ``V``; channel ``n`` becomes ``V - C · clip(2 - d_n, 0, 1)``
    with chroma ``C`` and ``d_n`` the circular distance (period 6) from
    ``H + 6·delta`` to 3, 5, 1 for R, G, B: the HSV round trip in closed form.
    It commutes with any affine map of the pixel values, so no value range is
    needed.

    Args:
        images: (batch, height, width, 1 or 3).
        delta: shift in turns of the hue circle (0.5: opposite colours), a
            number or (batch,).

    Returns:
        float images of the same shape.

    Example:

    ```python
    shifted = keras_reg.augment.image.functional.adjust_hue(images, [0.1, -0.25])
    ```

    Reference: torchvision ``adjust_hue``.
    """
    ops, x, shift = _prepare(images, delta)
    if x.shape[-1] == 1:
        return x
    r, g, b = x[..., 0:1], x[..., 1:2], x[..., 2:3]
    top = ops.maximum(ops.maximum(r, g), b)
    chroma = top - ops.minimum(ops.minimum(r, g), b)
    safe = ops.where(chroma > 0, chroma, ops.ones_like(chroma))
    sixths = ops.where(
        top == r, (g - b) / safe, ops.where(top == g, (b - r) / safe + 2.0, (r - g) / safe + 4.0)
    )
    sixths = sixths + 6.0 * shift
    sixths = sixths - 6.0 * ops.floor(sixths * (1.0 / 6.0))  # into [0, 6): one wrap
    channels = []
    for centre in (3.0, 5.0, 1.0):
        distance = ops.abs(sixths - centre)
        distance = ops.minimum(distance, 6.0 - distance)
        channels.append(top - chroma * ops.clip(2.0 - distance, 0.0, 1.0))
    return ops.concatenate(channels, axis=-1)


def adjust_sharpness(images: Tensor, factor: float | Tensor,
                     value_range: tuple[float, float] = (0, 255)) -> Tensor:
    """Blend each image with PIL's 3x3 smoothing filter (centre 5, the rest
    1, over 13): ``y = clip(s + f · (x - s))``. Border pixels have no full
    neighbourhood and keep their value in ``s``, as in PIL and torchvision.

    Args:
        images: (batch, height, width, channels), any number of channels.
        factor: ``f >= 0`` (0: smoothed, 1: unchanged, 2: sharpened), a
            number or (batch,).
        value_range: (low, high) of the pixels, to clip the result to.

    Returns:
        float images of the same shape; borders as in the input.

    Example:

    ```python
    sharper = keras_reg.augment.image.functional.adjust_sharpness(images, 2.0)
    ```

    Reference: PIL ``ImageEnhance.Sharpness``; torchvision ``adjust_sharpness``.
    """
    ops, x, f = _prepare(images, factor)
    channels = x.shape[-1]
    kernel = [[1.0, 1.0, 1.0], [1.0, 5.0, 1.0], [1.0, 1.0, 1.0]]
    kernel = ops.convert_to_tensor(kernel, dtype=x.dtype) / 13.0
    kernel = ops.tile(ops.reshape(kernel, (3, 3, 1, 1)), (1, 1, channels, 1))
    smooth = ops.depthwise_conv(x, kernel, strides=1, padding="same", data_format="channels_last")
    return blend(ops, x, ops.where(_interior(ops, x), smooth, x), f, _range(value_range))


def _interior(ops, x):
    """(1, h, w, 1) booleans: pixels with a full 3x3 neighbourhood (none on
    a side of 1 or 2 pixels; sizes may be tensors, in tf.data)."""
    rows, cols = ops.arange(ops.shape(x)[1]), ops.arange(ops.shape(x)[2])
    inner_rows = (rows > 0) & (rows < ops.shape(x)[1] - 1)
    inner_cols = (cols > 0) & (cols < ops.shape(x)[2] - 1)
    return inner_rows[None, :, None, None] & inner_cols[None, None, :, None]


def add_gaussian_noise(images: Tensor, noise: Tensor, stddev: float | Tensor,
                       value_range: tuple[float, float] = (0, 255)) -> Tensor:
    """Add scaled noise and clip: ``y = clip(x + (high - low) · σ · ε)``.

    Args:
        images: (batch, height, width, channels).
        noise: ``ε``, standard normal draws of the images' shape.
        stddev: ``σ``, a fraction of the value range, a number or (batch,).
        value_range: (low, high) of the pixels: it scales ``σ`` and bounds
            the output.

    Returns:
        float images of the same shape, in ``value_range``.

    Example:

    ```python
    eps = np.random.default_rng(0).normal(size=images.shape)
    noisy = keras_reg.augment.image.functional.add_gaussian_noise(images, eps, 0.05)
    ```
    """
    ops, x, sigma = _prepare(images, stddev)
    low, high = _range(value_range)
    noise = ops.cast(ops.convert_to_tensor(noise), x.dtype)
    return ops.clip(x + ((high - low) * sigma) * noise, low, high)
