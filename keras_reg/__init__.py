"""keras_reg: regularization add-ons for Keras 3 (TensorFlow, JAX, PyTorch).

Subpackages: ``layers`` (dropout family), ``ops`` (the dropout family as
functions), ``augment`` (augmentation layers for images, text and audio),
``regularizers`` (weight penalties), ``optimizers`` (decoupled weight decay),
``callbacks`` (early stopping), ``uncertainty`` (MC dropout) and ``plot``
(figures; needs matplotlib, imported on first use).
"""

from keras_reg import augment, callbacks, layers, ops, optimizers, regularizers, uncertainty

__version__ = "0.1.0"

__all__ = [
    "augment",
    "callbacks",
    "layers",
    "ops",
    "optimizers",
    "regularizers",
    "uncertainty",
    "__version__",
]
