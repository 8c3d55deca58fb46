"""Decoupled weight decay for any Keras optimizer."""

from keras_reg.optimizers.decoupled_weight_decay import DecoupledWeightDecay
from keras_reg.optimizers.normalized import normalized_weight_decay
from keras_reg.optimizers.presets import SGDW, AdamW

__all__ = ["AdamW", "DecoupledWeightDecay", "SGDW", "normalized_weight_decay"]
