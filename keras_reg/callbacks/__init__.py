"""Training callbacks."""

from keras_reg.callbacks.early_stopping import EarlyStopping

__all__ = ["EarlyStopping"]
