"""Augmentation as preprocessing layers, usable in tf.data and inside models.

``AugmentationLayer`` is the public base (the protocol: per-sample random
parameters drawn once by ``get_random_transformation``, then applied to the
data and its labels by deterministic ``transform_*`` methods);
``RandomApply``, ``RandomChoice`` and ``SomeOf`` combine any preprocessing
layers per sample; ``paired`` adapts a layer to ``(x, y)`` datasets and
``consistency_views`` stacks augmented views for consistency losses. The
layers are grouped by modality in ``image``, ``text`` (EDA on token ids) and
``audio`` (waveforms and spectrograms), each with its deterministic
transforms in a ``functional`` module; every name of the three is also
available here, e.g. ``keras_reg.augment.RandomSwap`` is
``keras_reg.augment.text.RandomSwap`` (names are unique across modalities).
"""

from keras_reg.augment import audio, image, text
from keras_reg.augment._base import AugmentationLayer
from keras_reg.augment._paired import paired
from keras_reg.augment._views import consistency_views
from keras_reg.augment.audio import *  # noqa: F403  (re-exported: the rule above)
from keras_reg.augment.combinators import RandomApply, RandomChoice, SomeOf
from keras_reg.augment.image import *  # noqa: F403
from keras_reg.augment.text import *  # noqa: F403

__all__ = [
    # the base, the combinators and the (x, y) adapter
    "AugmentationLayer",
    "RandomApply",
    "RandomChoice",
    "SomeOf",
    "paired",
    "consistency_views",
    # the modality subpackages, and their names re-exported
    "audio",
    "image",
    "text",
    *audio.__all__,
    *image.__all__,
    *text.__all__,
]
