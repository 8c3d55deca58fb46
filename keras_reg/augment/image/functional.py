"""Deterministic image transforms, the ones keras_reg's image layers apply.

Each takes a batch of images (batch, height, width, channels), channels
last, and its parameters as numbers (one value for the batch) or as tensors
of shape (batch,) (one value per image), and returns float images. They run
on tensors of any backend, on NumPy arrays, and inside ``tf.data`` under any
backend (the ops follow the type of ``images``), so a layer's draw can be
replayed, or a transform used on its own:

```python
from keras_reg.augment.image import functional as F

layer = keras_reg.augment.ColorJitter(saturation=0.4, seed=0)
t = layer.get_random_transformation({"images": images})
same = F.adjust_saturation(images, t["saturation"], value_range=(0, 255))
```

Colour transforms take ``value_range`` (low, high) of the pixels, with
``low`` black; geometric ones a ``fill_value`` for what comes from outside
the image. Formulas follow PIL and torchvision, against which the tests hold
each one (docs/augmentation.md lists the deliberate differences).
"""

from keras_reg.augment.image._color import (
    add_gaussian_noise,
    adjust_brightness,
    adjust_contrast,
    adjust_hue,
    adjust_saturation,
    adjust_sharpness,
)
from keras_reg.augment.image._crop import resized_crop, resized_crop_boxes
from keras_reg.augment.image._erasing import erase, erasing_boxes
from keras_reg.augment.image._geometry import (
    affine,
    rotate,
    rotation_transform,
    shear,
    shear_transform,
    translate,
    translate_transform,
)
from keras_reg.augment.image._levels import auto_contrast, equalize, posterize, solarize
from keras_reg.augment.image._mixing import (
    box_lambda,
    cutmix_boxes,
    cutmix_minmax_boxes,
    mix_images,
)

__all__ = [
    "add_gaussian_noise",
    "adjust_brightness",
    "adjust_contrast",
    "adjust_hue",
    "adjust_saturation",
    "adjust_sharpness",
    "affine",
    "auto_contrast",
    "box_lambda",
    "cutmix_boxes",
    "cutmix_minmax_boxes",
    "equalize",
    "erase",
    "erasing_boxes",
    "mix_images",
    "posterize",
    "resized_crop",
    "resized_crop_boxes",
    "rotate",
    "rotation_transform",
    "shear",
    "shear_transform",
    "solarize",
    "translate",
    "translate_transform",
]
