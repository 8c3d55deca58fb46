"""``paired``: an augmentation layer for ``(x, y)`` datasets."""

from collections.abc import Callable

import keras


def paired(layer: keras.layers.Layer, training: bool = True) -> Callable:
    """Wrap ``layer`` for ``ds.map`` on a dataset of ``(x, y)`` pairs.

    ``ds.map(layer)`` on such a dataset would call ``layer(x, y)``: ``y``
    lands in the ``training`` argument. ``paired(layer)`` calls ``layer``
    on the dict ``{layer.data_key: x, "labels": y}`` and returns the pair
    ``(x', y')``, so the labels go through the layer's ``transform_labels``
    with the same random parameters as ``x`` (unchanged class labels for
    every layer that does not mix samples). A layer without ``data_key``
    (Keras's image preprocessing layers) takes ``"images"``.

    Args:
        layer: a keras_reg augmentation layer (or any layer that takes
            Keras's ``{"images": ..., "labels": ...}`` dicts).
        training: passed to the layer (true: augment).

    Returns:
        a function ``(x, y) -> (x', y')``, usable in ``tf.data`` under any
        backend and on backend tensors.

    Example:

    ```python
    augment = keras_reg.augment.paired(keras_reg.augment.TrivialAugment(seed=0))
    ds = tf.data.Dataset.from_tensor_slices((images, labels)).batch(64).map(augment)
    ```
    """
    if not callable(layer):
        raise TypeError(f"Argument `layer` must be a layer. Received: layer={layer!r}.")
    key = getattr(layer, "data_key", "images")

    def augment_pair(x, y):
        out = layer({key: x, "labels": y}, training=training)
        return out[key], out["labels"]

    return augment_pair
