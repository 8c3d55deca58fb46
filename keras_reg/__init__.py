"""keras_reg: regularization add-ons for Keras 3 (TensorFlow, JAX, PyTorch)."""

from keras_reg import layers, uncertainty

__version__ = "0.1.0"

__all__ = ["layers", "uncertainty", "__version__"]
