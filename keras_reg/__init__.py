"""keras_reg: regularization add-ons for Keras 3 (TensorFlow, JAX, PyTorch)."""

from keras_reg import layers, optimizers, regularizers, uncertainty

__version__ = "0.1.0"

__all__ = ["layers", "optimizers", "regularizers", "uncertainty", "__version__"]
