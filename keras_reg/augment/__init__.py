"""Augmentation as preprocessing layers, usable in tf.data and inside models.

``AugmentationLayer`` is the public base; ``RandomApply``, ``RandomChoice``
and ``SomeOf`` combine any preprocessing layers per sample. The layers are
grouped by modality in ``image``, ``text`` (EDA on token ids) and ``audio``
(waveforms and spectrograms); every name of the three is also available
here, e.g. ``keras_reg.augment.RandomSwap`` is
``keras_reg.augment.text.RandomSwap`` (names are unique across modalities).
"""

from keras_reg.augment import audio, image, text
from keras_reg.augment._base import AugmentationLayer
from keras_reg.augment.audio import (
    AddNoise,
    FrequencyMasking,
    PitchShift,
    RandomGain,
    TimeMasking,
    TimeShift,
    TimeStretch,
)
from keras_reg.augment.combinators import RandomApply, RandomChoice, SomeOf
from keras_reg.augment.image import (
    ColorJitter,
    GaussianNoise,
    RandAugment,
    RandomFlipRotation,
    TrivialAugment,
    image_recipe,
)
from keras_reg.augment.text import (
    RandomDeletion,
    RandomInsertion,
    RandomSwap,
    SynonymReplacement,
    synonym_table,
)

__all__ = [
    # the base and the combinators
    "AugmentationLayer",
    "RandomApply",
    "RandomChoice",
    "SomeOf",
    # the modality subpackages, and their names re-exported
    "audio",
    "image",
    "text",
    "AddNoise",
    "FrequencyMasking",
    "PitchShift",
    "RandomGain",
    "TimeMasking",
    "TimeShift",
    "TimeStretch",
    "ColorJitter",
    "GaussianNoise",
    "RandAugment",
    "RandomFlipRotation",
    "TrivialAugment",
    "image_recipe",
    "RandomDeletion",
    "RandomInsertion",
    "RandomSwap",
    "SynonymReplacement",
    "synonym_table",
]
