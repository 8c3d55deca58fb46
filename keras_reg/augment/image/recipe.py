import keras

from keras_reg import _validation
from keras_reg.augment.image.color_jitter import ColorJitter
from keras_reg.augment.image.flip_rotation import RandomFlipRotation
from keras_reg.augment.image.pipeline import ImagePipeline
from keras_reg.augment.image.random_resized_crop import RandomResizedCrop

_FLIPS = ("horizontal", "vertical", "horizontal_and_vertical")


def image_recipe(
    flip: str | None = "horizontal", rotation_degrees: float | None = 10,
    brightness: float | None = 0.2, contrast: float | None = 0.2,
    saturation: float | None = 0.2, hue: float | None = 0.1,
    value_range: tuple[float, float] = (0, 255), strength: float = 1.0, seed: int | None = None,
    crop_size: int | tuple[int, int] | None = None,
    crop_scale: tuple[float, float] = (0.08, 1.0),
    crop_ratio: tuple[float, float] = (3.0 / 4.0, 4.0 / 3.0),
) -> ImagePipeline:
    """The classic torchvision training recipe as an ``ImagePipeline`` (one layer of the protocol):
    RandomResizedCrop(size, scale, ratio) when ``crop_size`` is given,
    RandomHorizontalFlip, RandomRotation(degrees), ColorJitter(b, c, s, h),
    with torchvision's parameter meanings.

    * ``rotation_degrees=d``: an angle drawn uniformly from [-d, d] degrees
      (Keras's ``RandomRotation(factor=d / 360)``; corners filled with black,
      as torchvision's default ``fill=0``);
    * ``brightness/contrast/saturation=j``: a factor from [max(0, 1-j), 1+j];
    * ``hue=h`` (<= 0.5): a shift from [-h, h] of the hue circle.

    ``strength`` scales every magnitude together (rotation, colour; hue capped
    at 0.5; not the crop, whose ``crop_scale`` and ``crop_ratio`` are taken as
    given), the one knob to turn when augmentation is too strong or too weak.
    Any component is switched off with ``None`` or 0; negative magnitudes
    raise. Flip and rotation are one ``RandomFlipRotation`` (a single
    resampling; Keras's ``RandomFlip`` alone when there is no rotation); the
    colour part is keras_reg's fused ``ColorJitter`` (at most one HSV round
    trip).

    Args:
        flip: "horizontal", "vertical", "horizontal_and_vertical" or None.
        rotation_degrees: maximum absolute angle, degrees.
        brightness: jitter magnitude ``j``.
        contrast: jitter magnitude ``j``.
        saturation: jitter magnitude ``j``.
        hue: hue magnitude ``h``.
        value_range: (low, high) of the input pixels.
        strength: ``s >= 0`` multiplying every magnitude.
        seed: int seed; each layer gets a distinct seed derived from it.
        crop_size: output (height, width) (or an int) of a first
            ``RandomResizedCrop``; ``None`` (the default) keeps the size and
            adds no crop.
        crop_scale: the crop's area range as a fraction of the image
            (torchvision's ``scale``).
        crop_ratio: the crop's aspect range, width / height (torchvision's
            ``ratio``).

    Returns:
        an ``ImagePipeline`` (usable in ``tf.data`` and in models, on images
        or ``{"images", "labels"}`` dicts; its transformation is the list of
        its layers').

    Example:

    ```python
    augment = keras_reg.augment.image_recipe(strength=0.5, seed=0)
    ds = ds.map(keras_reg.augment.paired(augment))  # (images, labels) batches
    ```

    Reference: torchvision transforms (RandomResizedCrop,
    RandomHorizontalFlip, RandomRotation, ColorJitter).
    """
    value_range = _validation.check_pair(value_range, "value_range", strict=True)
    strength = _validation.check_magnitude(strength, "strength")
    rotation = _validation.check_magnitude(rotation_degrees, "rotation_degrees") * strength
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise TypeError(f"Argument `seed` must be an int or None. Received: seed={seed!r}.")
    if flip not in _FLIPS + (None,):
        raise ValueError(f"Argument `flip` must be one of {_FLIPS} or None. Received: {flip!r}.")
    colour = {
        name: _validation.check_magnitude(value, name) * strength
        for name, value in (("brightness", brightness), ("contrast", contrast),
                            ("saturation", saturation))
    }
    colour["hue"] = min(_validation.check_magnitude(hue, "hue", upper=0.5) * strength, 0.5)

    def sub_seed(k):
        return None if seed is None else seed + k

    layers = []
    if crop_size is not None:
        layers.append(RandomResizedCrop(crop_size, crop_scale, crop_ratio,
                                        value_range=value_range, seed=sub_seed(3)))
    if rotation > 0:  # flip folded into the rotation's resampling
        layers.append(
            RandomFlipRotation(flip, rotation, value_range=value_range, seed=sub_seed(1))
        )
    elif flip:
        layers.append(keras.layers.RandomFlip(flip, seed=sub_seed(0)))
    if any(colour.values()):
        layers.append(ColorJitter(**colour, value_range=value_range, seed=sub_seed(2)))
    if not layers:  # everything off: still a float-valued, tf.data-safe stage
        layers.append(ColorJitter(value_range=value_range))
    return ImagePipeline(layers, name="image_recipe")
