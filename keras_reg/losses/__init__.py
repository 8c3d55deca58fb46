"""Losses for the targets that regularization produces: soft labels from
label mixing, label smoothing for class ids, and AugMix's consistency loss."""

from keras_reg.losses.jensen_shannon import JensenShannonCrossentropy
from keras_reg.losses.soft_target_crossentropy import SoftTargetCrossentropy
from keras_reg.losses.sparse_categorical_crossentropy import SparseCategoricalCrossentropy

__all__ = [
    "JensenShannonCrossentropy",
    "SoftTargetCrossentropy",
    "SparseCategoricalCrossentropy",
]
