"""Figures: learning curves with early-stopping marks, augmentation grids
(matplotlib optional)."""


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as e:
        raise ImportError(
            "keras_reg.plot needs matplotlib: pip install 'keras-reg[examples]' "
            "(or pip install matplotlib)."
        ) from e
    return plt


def learning_curves(history, early_stopping=None, metrics=("loss",)):
    """Train vs validation curves, with the best and stop epochs marked.

    The tutorial's "where does overfitting begin?" picture: for each metric,
    the training curve and its ``val_`` twin per epoch; if an
    :class:`keras_reg.callbacks.EarlyStopping` is given, a dashed line at its
    best epoch (the weights that were restored) and a dotted line at the epoch
    it stopped.

    Args:
        history: the ``History`` returned by ``fit`` (or its ``.history`` dict).
        early_stopping: an ``EarlyStopping`` callback after training, or None.
        metrics: names to plot, one panel each (``"loss"``, ``"accuracy"``, ...).

    Returns:
        a ``matplotlib.figure.Figure``.

    Example:

    >>> fig = keras_reg.plot.learning_curves(history, stop, metrics=("loss", "accuracy"))
    >>> fig.savefig("curves.png")
    """
    plt = _pyplot()
    logs = getattr(history, "history", history)
    if isinstance(metrics, str):
        metrics = (metrics,)
    missing = [m for m in metrics if m not in logs]
    if missing:
        raise ValueError(
            f"Argument `metrics`: {missing} not in the history. Available: {sorted(logs)}."
        )
    fig, axes = plt.subplots(1, len(metrics), figsize=(5 * len(metrics), 3.6), squeeze=False)
    for ax, name in zip(axes[0], metrics):
        epochs = range(1, len(logs[name]) + 1)
        ax.plot(epochs, logs[name], label=f"train {name}")
        if f"val_{name}" in logs:
            ax.plot(epochs, logs[f"val_{name}"], label=f"validation {name}")
        if early_stopping is not None and early_stopping.best_epoch is not None:
            ax.axvline(early_stopping.best_epoch + 1, color="green", linestyle="--",
                       label=f"best epoch ({early_stopping.best_epoch + 1})")
        if early_stopping is not None and early_stopping.stopped_epoch is not None:
            ax.axvline(early_stopping.stopped_epoch + 1, color="red", linestyle=":",
                       label=f"stopped ({early_stopping.stopped_epoch + 1})")
        ax.set_xlabel("epoch")
        ax.set_ylabel(name)
        ax.legend(fontsize="small")
        ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def augmentation_grid(layer, images, n=8, seed=0, value_range=(0, 255)):
    """Originals and ``n`` augmented versions of each, one row per image.

    Each version is one call of ``layer`` in training mode on the batch of
    originals, after ``keras.utils.set_random_seed(seed)`` so the figure is
    reproducible for layers without their own seed.

    Args:
        layer: an augmentation layer or ``keras.layers.Pipeline`` taking
            (batch, h, w, c) images in ``value_range``.
        images: array (batch, h, w, c); a handful (each is a row).
        n: augmented versions per image (columns after the original).
        seed: global Keras seed set before drawing.
        value_range: (low, high) of the pixels, used to scale for display.

    Returns:
        a ``matplotlib.figure.Figure``.

    Example:

    >>> fig = keras_reg.plot.augmentation_grid(keras_reg.augment.image_recipe(), photos[:3])
    >>> fig.savefig("augmentation_grid.png")
    """
    import keras
    import numpy as np

    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"Argument `n` must be a positive int. Received: n={n!r}.")
    plt = _pyplot()
    images = np.asarray(images)
    if images.ndim != 4:
        raise ValueError(
            f"Argument `images` must be a batch (batch, h, w, c). Received shape {images.shape}."
        )
    keras.utils.set_random_seed(seed)
    versions = [images] + [
        np.asarray(keras.ops.convert_to_numpy(layer(images, training=True))) for _ in range(n)
    ]
    low, high = value_range
    rows = images.shape[0]
    fig, axes = plt.subplots(rows, n + 1, figsize=(1.3 * (n + 1), 1.3 * rows), squeeze=False)
    for r in range(rows):
        for c, batch in enumerate(versions):
            shown = np.clip((batch[r].astype("float32") - low) / (high - low), 0, 1)
            ax = axes[r][c]
            ax.imshow(shown[..., 0] if shown.shape[-1] == 1 else shown,
                      cmap="gray" if shown.shape[-1] == 1 else None)
            ax.set_xticks([])
            ax.set_yticks([])
            if r == 0:
                ax.set_title("original" if c == 0 else f"#{c}", fontsize=8)
    fig.tight_layout()
    return fig
