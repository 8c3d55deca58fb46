"""Losses for the targets that regularization produces: soft labels from
label mixing and label smoothing for class ids."""

from keras_reg.losses.soft_target_crossentropy import SoftTargetCrossentropy
from keras_reg.losses.sparse_categorical_crossentropy import SparseCategoricalCrossentropy

__all__ = ["SoftTargetCrossentropy", "SparseCategoricalCrossentropy"]
