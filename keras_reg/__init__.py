"""keras_reg: regularization add-ons for Keras 3 (TensorFlow, JAX, PyTorch).

Subpackages, each an attribute after ``import keras_reg``: ``layers``
(dropout family), ``ops`` (the dropout family as functions), ``losses``
(cross-entropy for soft and smoothed targets), ``augment``
(augmentation layers for images, text and audio), ``regularizers`` (weight
penalties), ``optimizers`` (decoupled weight decay), ``callbacks`` (early
stopping, weight averaging), ``models`` (sharpness-aware minimization),
``uncertainty`` (MC dropout), ``recipes`` (training recipes assembled from
these) and ``plot`` (figures). ``plot`` needs matplotlib only when a figure is
drawn: importing keras_reg does not load it.

Namespace rule: every public name lives in the ``__all__`` of its
subpackage, and a subpackage that groups others (``augment``: ``image``,
``text``, ``audio``) also re-exports all their names, as ``keras.layers``
gathers its layers in one place.
"""

from keras_reg import (
    augment,
    callbacks,
    layers,
    losses,
    models,
    ops,
    optimizers,
    plot,
    recipes,
    regularizers,
    uncertainty,
)

__version__ = "0.1.0"

__all__ = [
    "augment",
    "callbacks",
    "layers",
    "losses",
    "models",
    "ops",
    "optimizers",
    "plot",
    "recipes",
    "regularizers",
    "uncertainty",
    "__version__",
]
