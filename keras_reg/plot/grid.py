"""Augmentation grids: originals and augmented versions side by side."""

import math
import numbers

from keras_reg.plot._matplotlib import pyplot


def _check_value_range(value_range):
    try:
        low, high = value_range
    except (TypeError, ValueError):
        low = high = None
    ok = all(
        isinstance(v, numbers.Real) and not isinstance(v, bool) and math.isfinite(v)
        for v in (low, high)
    )
    if not ok or not low < high:
        raise ValueError(
            "Argument `value_range` must be a pair (low, high) of finite numbers with "
            f"low < high. Received: value_range={value_range!r}."
        )
    return float(low), float(high)


def augmentation_grid(
    layer, images, n: int = 8, seed: int = 0, value_range: tuple[float, float] = (0, 255)
):
    """Originals and ``n`` augmented versions of each, one row per image.

    Each version is one call of ``layer`` in training mode on the batch of
    originals, after ``keras.utils.set_random_seed(seed)``. The layer's
    non-trainable variables (its random state among them) are restored
    afterwards, so drawing the grid does not advance the layer's randomness
    and the same call draws the same figure.

    Args:
        layer: an augmentation layer or ``keras.layers.Pipeline`` taking
            (batch, h, w, c) images in ``value_range``.
        images: array (batch, h, w, c), c = 1 (shown in grey), 3 or 4; a
            handful (each is a row).
        n: augmented versions per image (columns after the original).
        seed: global Keras seed set before drawing (it reaches the layers
            that draw from Keras's global random state).
        value_range: (low, high) of the pixels, used to scale for display.

    Returns:
        a ``matplotlib.figure.Figure``.

    Example:

    ```python
    fig = keras_reg.plot.augmentation_grid(keras_reg.augment.image_recipe(), photos[:3])
    fig.savefig("augmentation_grid.png")
    ```
    """
    import keras
    import numpy as np

    from keras_reg import _validation

    if not callable(layer):
        raise TypeError(
            f"Argument `layer` must be a layer (callable on images). Received: layer={layer!r}."
        )
    n = _validation.check_positive_int(n, "n")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"Argument `seed` must be an int. Received: seed={seed!r}.")
    low, high = _check_value_range(value_range)
    images = np.asarray(images)
    if images.ndim != 4 or images.shape[0] == 0 or images.shape[-1] not in (1, 3, 4):
        raise ValueError(
            "Argument `images` must be a non-empty batch (batch, h, w, c) with c = 1, 3 or 4 "
            f"channels. Received shape {images.shape}."
        )
    plt = pyplot()
    keras.utils.set_random_seed(int(seed))
    state = list(getattr(layer, "non_trainable_variables", []))
    saved = [keras.ops.convert_to_numpy(v) for v in state]
    try:
        versions = [images] + [
            np.asarray(keras.ops.convert_to_numpy(layer(images, training=True)))
            for _ in range(n)
        ]
    finally:
        for variable, value in zip(state, saved):
            variable.assign(value)
    rows = images.shape[0]
    fig, axes = plt.subplots(rows, n + 1, figsize=(1.3 * (n + 1), 1.3 * rows), squeeze=False)
    for r in range(rows):
        for c, batch in enumerate(versions):
            shown = np.clip((batch[r].astype("float32") - low) / (high - low), 0, 1)
            ax = axes[r][c]
            if shown.shape[-1] == 1:
                # Fixed limits: imshow would stretch each grey image to its own
                # min..max and hide brightness and contrast changes.
                ax.imshow(shown[..., 0], cmap="gray", vmin=0, vmax=1)
            else:
                ax.imshow(shown)
            ax.set_xticks([])
            ax.set_yticks([])
            if r == 0:
                ax.set_title("original" if c == 0 else f"#{c}", fontsize=8)
    fig.tight_layout()
    return fig
