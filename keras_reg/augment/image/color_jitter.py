import keras

from keras_reg import _validation
from keras_reg.augment.image import _functional as F
from keras_reg.augment.image._image_layer import ImageAugmentationLayer


@keras.saving.register_keras_serializable(package="keras_reg")
class ColorJitter(ImageAugmentationLayer):
    """Random brightness, contrast, saturation and hue in one pass, per image,
    with torchvision's parameter meanings.

    For brightness, contrast and saturation a magnitude ``j`` draws a factor
    ``f ~ U[max(0, 1 - j), 1 + j]`` per image; hue ``h <= 0.5`` draws a shift
    ``d ~ U[-h, h]`` turns of the hue circle. On images scaled to [0, 1]:

        brightness  x <- clip(f · x)
        contrast    x <- clip(m + f · (x - m)),  m = mean luma of the image
        saturation  x <- clip(g + f · (x - g)),  g = luma of the pixel
        hue         H <- H + d  (HSV, value and chroma kept)

    with luma ``0.299 R + 0.587 G + 0.114 B``. Greyscale images (one channel)
    are taken as torchvision takes them: brightness applies, contrast blends
    towards the image's mean, saturation and hue leave them unchanged.
    torchvision applies the four in
    a random order per call; here the order is fixed (as listed), which keeps
    the layer one vectorized pass. ``keras.layers.RandomSaturation(0.2)`` is
    *not* this: its factor is a different parameterization, and four separate
    Keras colour layers make four HSV round trips where this makes at most one.

    Args:
        brightness: magnitude ``j >= 0`` (0 or None: off).
        contrast: magnitude ``j >= 0`` (0 or None: off).
        saturation: magnitude ``j >= 0`` (0 or None: off).
        hue: magnitude ``h`` in ``[0, 0.5]`` (0 or None: off).
        value_range: (low, high) of the input pixels, e.g. (0, 255) or (0, 1).
        seed: int seed of the layer's ``keras.random.SeedGenerator``.

    Example:

    >>> jitter = keras_reg.augment.ColorJitter(0.2, 0.2, 0.2, 0.1, seed=0)
    >>> out = jitter(images)  # (n, h, w, 3) or (n, h, w, 1), in [0, 255]

    Reference: torchvision.transforms.ColorJitter; the AlexNet-era colour
    augmentation of Krizhevsky et al. 2012 and Howard 2013.
    """

    def __init__(
        self, brightness=0.0, contrast=0.0, saturation=0.0, hue=0.0,
        value_range=(0, 255), seed=None, **kwargs,
    ):
        super().__init__(value_range=value_range, seed=seed, **kwargs)
        self.brightness = _validation.check_magnitude(brightness, "brightness")
        self.contrast = _validation.check_magnitude(contrast, "contrast")
        self.saturation = _validation.check_magnitude(saturation, "saturation")
        self.hue = _validation.check_magnitude(hue, "hue", upper=0.5)

    def _factor(self, x, j):
        return self.per_sample(x, max(0.0, 1.0 - j), 1.0 + j)

    def augment(self, batch):
        # The colour operations are positively homogeneous: work in the
        # input's own scale, shifted so that black is 0, instead of mapping to
        # [0, 1] and back (``augment_unit`` is the same transform on [0, 1]).
        low, high = self.value_range
        x = self.ops.cast(batch, self.compute_dtype)
        x = x - low if low else x
        x = self._jitter(x, high - low)
        return x + low if low else x

    def augment_unit(self, x):
        return self._jitter(x, 1.0)

    def _jitter(self, x, top):
        ops = self.ops
        if self.brightness:
            x = F.brightness(ops, x, self._factor(x, self.brightness), top)
        if self.contrast:
            x = F.contrast(ops, x, self._factor(x, self.contrast), top)
        if self.saturation:
            x = F.saturation(ops, x, self._factor(x, self.saturation), top)
        if self.hue:
            x = F.hue(ops, x, self.per_sample(x, -self.hue, self.hue))
        return x

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "brightness": self.brightness,
                "contrast": self.contrast,
                "saturation": self.saturation,
                "hue": self.hue,
            }
        )
        return config
