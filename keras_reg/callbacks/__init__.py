"""Training callbacks: early stopping and weight averaging."""

from keras_reg.callbacks.batch_norm import recompute_batch_norm_statistics
from keras_reg.callbacks.early_stopping import EarlyStopping
from keras_reg.callbacks.ema import ExponentialMovingAverage
from keras_reg.callbacks.swa import StochasticWeightAveraging

__all__ = [
    "EarlyStopping",
    "ExponentialMovingAverage",
    "StochasticWeightAveraging",
    "recompute_batch_norm_statistics",
]
