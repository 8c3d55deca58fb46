"""``consistency_views``: the batch layout of consistency losses (AugMix's
Jensen–Shannon term): the clean images and augmented views in one batch."""

from keras_reg.augment._params import ops_for


def consistency_views(layer, num_splits: int = 3):
    """Map ``(x, y)`` batches to ``num_splits`` views of each image stacked
    along the batch: ``[x; layer(x); …; layer(x)]`` and ``y`` repeated,
    the layout ``keras_reg.losses.JensenShannonCrossentropy`` reads.

    Each view draws its own augmentation. ``layer=None`` stacks copies of
    ``x`` (for validation data: the divergence is 0 there).

    Args:
        layer: an augmentation layer (called on the images with
            ``training=True``), or None.
        num_splits: number of views, ``>= 2``, the clean images included.

    Returns:
        a function ``(x, y) -> (x_views, y_views)`` for ``tf.data``'s
        ``map`` under any backend, or for backend tensors.

    Example:

    ```python
    ds = ds.batch(32).map(keras_reg.augment.consistency_views(
        keras_reg.augment.AugMix(seed=0)))      # batches of 96
    ```
    """
    if isinstance(num_splits, bool) or not isinstance(num_splits, int) or num_splits < 2:
        raise ValueError(f"Argument `num_splits` must be an int >= 2. "
                         f"Received: num_splits={num_splits!r}.")
    if layer is not None and not callable(layer):
        raise TypeError(f"Argument `layer` must be a layer or None. Received: layer={layer!r}.")

    def views(x, y):
        ops = ops_for(x)
        augmented = [x if layer is None else layer(x, training=True)
                     for _ in range(num_splits - 1)]
        # The clean images in the views' dtype (float for an integer input).
        stacked = ops.concatenate([ops.cast(x, augmented[0].dtype)] + augmented, axis=0)
        return stacked, ops.concatenate([y] * num_splits, axis=0)

    return views
