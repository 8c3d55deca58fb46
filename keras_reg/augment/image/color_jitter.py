import keras

from keras_reg import _validation
from keras_reg.augment.image import functional as F
from keras_reg.augment.image._image_layer import ImageAugmentationLayer

ADJUSTMENTS = (("brightness", F.adjust_brightness), ("contrast", F.adjust_contrast),
               ("saturation", F.adjust_saturation))


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

    Call arguments:
        data: images (batch, h, w, 1 or 3) or one image, or a dict
            ``{"images": ..., "labels": ...}`` (labels unchanged).
        training: jitter only when true.

    The transformation holds a factor (batch,) per enabled component:
    ``{"brightness", "contrast", "saturation", "hue"}``, applied by
    ``keras_reg.augment.image.functional``'s ``adjust_*`` in that order.

    Example:

    ```python
    jitter = keras_reg.augment.ColorJitter(0.2, 0.2, 0.2, 0.1, seed=0)
    out = jitter(images)  # (n, h, w, 3) or (n, h, w, 1), in [0, 255]
    ```

    Reference: torchvision.transforms.ColorJitter; the AlexNet-era colour
    augmentation of Krizhevsky et al. 2012 and Howard 2013.
    """

    def __init__(
        self, brightness: float | None = 0.0, contrast: float | None = 0.0,
        saturation: float | None = 0.0, hue: float | None = 0.0,
        value_range: tuple[float, float] = (0, 255), seed: int | None = None, **kwargs,
    ):
        super().__init__(value_range=value_range, seed=seed, **kwargs)
        self.brightness = _validation.check_magnitude(brightness, "brightness")
        self.contrast = _validation.check_magnitude(contrast, "contrast")
        self.saturation = _validation.check_magnitude(saturation, "saturation")
        self.hue = _validation.check_magnitude(hue, "hue", upper=0.5)

    def get_random_transformation(self, data, training=True, seed=None):
        transformation = {}
        for name in ("brightness", "contrast", "saturation"):
            j = getattr(self, name)
            if j:
                transformation[name] = self.per_image(data, max(0.0, 1.0 - j), 1.0 + j, seed)
        if self.hue:
            transformation["hue"] = self.per_image(data, -self.hue, self.hue, seed)
        return transformation

    def transform_images(self, images, transformation, training=True):
        # The colour transforms commute with a shift of the pixel values:
        # shift black to 0 once, instead of in each transform.
        low, high = self.value_range
        x = images - low if low else images
        top = (0.0, high - low)
        for name, adjust in ADJUSTMENTS:
            if name in transformation:
                x = adjust(x, transformation[name], value_range=top)
        if "hue" in transformation:
            x = F.adjust_hue(x, transformation["hue"])
        return x + low if low else x

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
