"""Image augmentation: keras_reg's additions to Keras's image layers.

``image_recipe`` (torchvision's flip/rotate/colour-jitter recipe with its
parameter meanings and a ``strength`` knob, an ``ImagePipeline``),
``RandomFlipRotation`` (one resampling), ``RandomResizedCrop`` (torchvision's
sampler, per image), ``MixUp``, ``CutMix`` and ``MixUpCutMix`` (timm's label
mixing, labels included), ``RandomErasing`` (timm's, per image), ``AugMix``
(per image), ``ColorJitter`` (fused, per image),
``TrivialAugment``, per-sample ``RandAugment`` and ``GaussianNoise``
(per-image strength, clipped to the value range). Images are channels last,
in ``value_range``; outputs are float. Colour layers take greyscale or RGB
images, geometric and noise layers any number of channels. The transforms
they apply are public functions in ``keras_reg.augment.image.functional``.
"""

from keras_reg.augment.image import functional  # noqa: F401  (the public transforms)
from keras_reg.augment.image.aug_mix import AugMix
from keras_reg.augment.image.auto_augment import RandAugment, TrivialAugment
from keras_reg.augment.image.color_jitter import ColorJitter
from keras_reg.augment.image.cutmix import CutMix
from keras_reg.augment.image.flip_rotation import RandomFlipRotation
from keras_reg.augment.image.gaussian_noise import GaussianNoise
from keras_reg.augment.image.mix import MixUpCutMix
from keras_reg.augment.image.mixup import MixUp
from keras_reg.augment.image.pipeline import ImagePipeline
from keras_reg.augment.image.random_erasing import RandomErasing
from keras_reg.augment.image.random_resized_crop import RandomResizedCrop
from keras_reg.augment.image.recipe import image_recipe

__all__ = [
    "AugMix",
    "ColorJitter",
    "CutMix",
    "GaussianNoise",
    "ImagePipeline",
    "MixUp",
    "MixUpCutMix",
    "RandAugment",
    "RandomErasing",
    "RandomFlipRotation",
    "RandomResizedCrop",
    "TrivialAugment",
    "image_recipe",
]
