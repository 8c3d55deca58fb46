"""Augmentation as preprocessing layers, usable in tf.data and inside models.

``AugmentationLayer`` is the public base; ``RandomApply``, ``RandomChoice``
and ``SomeOf`` combine any preprocessing layers per sample; ``image`` holds
the image layers (re-exported here), ``text`` the EDA layers and ``audio``
the waveform and spectrogram layers.
"""

from keras_reg.augment import audio, text
from keras_reg.augment._base import AugmentationLayer
from keras_reg.augment.combinators import RandomApply, RandomChoice, SomeOf
from keras_reg.augment.image import (
    ColorJitter,
    GaussianNoise,
    RandAugment,
    RandomFlipRotation,
    TrivialAugment,
    image_recipe,
)

__all__ = [
    "AugmentationLayer",
    "audio",
    "text",
    "ColorJitter",
    "GaussianNoise",
    "RandAugment",
    "RandomApply",
    "RandomChoice",
    "RandomFlipRotation",
    "SomeOf",
    "TrivialAugment",
    "image_recipe",
]
