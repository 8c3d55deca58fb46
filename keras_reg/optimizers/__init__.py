"""Decoupled weight decay for any Keras optimizer.

``DecoupledWeightDecay`` wraps an optimizer; ``AdamW`` and ``SGDW`` are it
around Adam and SGD. ``weight_decay_factor`` (how much a step shrinks) and
``weight_decay_mask`` (which variables shrink) are the pure functions it is
made of; ``normalized_weight_decay`` turns a normalized λ into a λ.
``EMAOptimizer`` keeps a moving average of the weights inside the train step
(the fast path of ``keras_reg.callbacks.ExponentialMovingAverage``).
"""

from keras_reg.optimizers.decay import weight_decay_factor, weight_decay_mask
from keras_reg.optimizers.decoupled_weight_decay import DecoupledWeightDecay
from keras_reg.optimizers.ema_optimizer import EMAOptimizer
from keras_reg.optimizers.normalized import normalized_weight_decay
from keras_reg.optimizers.presets import SGDW, AdamW

__all__ = [
    "AdamW",
    "DecoupledWeightDecay",
    "EMAOptimizer",
    "SGDW",
    "normalized_weight_decay",
    "weight_decay_factor",
    "weight_decay_mask",
]
