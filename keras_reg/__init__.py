"""keras_reg: regularization add-ons for Keras 3 (TensorFlow, JAX, PyTorch).

Subpackages: ``layers`` (dropout family), ``augment`` (augmentation
layers for images, text and audio), ``regularizers`` (weight
penalties), ``optimizers`` (decoupled weight decay), ``callbacks`` (early
stopping, weight averaging), ``models`` (sharpness-aware minimization),
``uncertainty`` (MC dropout) and ``plot`` (figures; needs matplotlib,
imported on first use).
"""

from keras_reg import augment, callbacks, layers, models, optimizers, regularizers, uncertainty

__version__ = "0.1.0"

__all__ = [
    "augment",
    "callbacks",
    "layers",
    "models",
    "optimizers",
    "regularizers",
    "uncertainty",
    "__version__",
]
