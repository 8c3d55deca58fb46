"""Figures: learning curves with early-stopping marks, augmentation grids.

matplotlib is optional and imported on first use, so ``import keras_reg``
does not load it.
"""

import math
import numbers
from collections.abc import Sequence

__all__ = ["augmentation_grid", "learning_curves"]

_SCALES = ("linear", "log", "symlog", "logit")


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as e:
        raise ImportError(
            "keras_reg.plot needs matplotlib: pip install 'keras-reg[examples]' "
            "(or pip install matplotlib)."
        ) from e
    return plt


def _history_logs(history):
    """The ``{metric: [value per epoch]}`` dict of a History (or the dict)."""
    logs = getattr(history, "history", history)
    if not isinstance(logs, dict):
        raise TypeError(
            "Argument `history` must be the History returned by `fit` or its `.history` "
            "dict {metric: [value per epoch]}. "
            f"Received: history={history!r} (type {type(history).__name__})."
        )
    return logs


def _curve(logs, name):
    import numpy as np

    try:
        values = np.asarray(logs[name], dtype="float64")
    except (TypeError, ValueError):
        values = None
    if values is None or values.ndim != 1 or values.size == 0:
        raise ValueError(
            f"Argument `history`: history[{name!r}] must be a non-empty list of numbers, "
            f"one per epoch. Received: {logs[name]!r}."
        )
    return values


def _epoch_marks(early_stopping):
    """(best epoch, stopped epoch), 0-based or None, of keras_reg's or Keras's
    EarlyStopping (Keras's keeps ``stopped_epoch == 0`` when it never stopped)."""
    import keras

    from keras_reg.callbacks import EarlyStopping

    if early_stopping is None:
        return None, None
    if isinstance(early_stopping, EarlyStopping):
        return early_stopping.best_epoch, early_stopping.stopped_epoch
    if isinstance(early_stopping, keras.callbacks.EarlyStopping):
        # Before any epoch, Keras's `best` is None (and `best_epoch` may not exist).
        trained = getattr(early_stopping, "best", None) is not None
        best = early_stopping.best_epoch if trained else None
        return best, (early_stopping.stopped_epoch or None)
    raise TypeError(
        "Argument `early_stopping` must be a keras_reg (or Keras) EarlyStopping callback, "
        f"or None. Received: early_stopping={early_stopping!r}."
    )


def _check_metrics(metrics, logs):
    if isinstance(metrics, str):
        metrics = (metrics,)
    if not isinstance(metrics, (list, tuple)) or not metrics:
        raise ValueError(
            "Argument `metrics` must be a metric name or a non-empty list of them. "
            f"Received: metrics={metrics!r}."
        )
    missing = [m for m in metrics if not isinstance(m, str) or m not in logs]
    if missing:
        raise ValueError(
            f"Argument `metrics`: {missing} not in the history. Available: {sorted(logs)}."
        )
    return tuple(metrics)


def learning_curves(
    history,
    early_stopping=None,
    metrics: str | Sequence[str] = ("loss",),
    axes=None,
    yscale: str = "linear",
):
    """Train vs validation curves, with the best and stop epochs marked.

    The tutorial's "where does overfitting begin?" picture: for each metric,
    the training curve and its ``val_`` twin per epoch; if an
    ``EarlyStopping`` is given, a dashed line at its best epoch (the weights
    that were restored) and a dotted line at the epoch it stopped.

    Args:
        history: the ``History`` returned by ``fit`` (or its ``.history`` dict).
        early_stopping: a :class:`keras_reg.callbacks.EarlyStopping` (or
            Keras's) after training, or None.
        metrics: names to plot, one panel each (``"loss"``, ``"accuracy"``, ...).
        axes: matplotlib Axes to draw into, one per metric (e.g. one panel of a
            larger figure, to compare several runs side by side); None makes a
            new figure.
        yscale: the y axis scale: ``"linear"``, ``"log"``, ``"symlog"`` or
            ``"logit"``.

    Returns:
        the ``matplotlib.figure.Figure`` drawn into.

    Example:

    ```python
    fig = keras_reg.plot.learning_curves(history, stop, metrics=("loss", "accuracy"))
    fig.savefig("curves.png")
    ```
    """
    logs = _history_logs(history)
    metrics = _check_metrics(metrics, logs)
    best, stopped = _epoch_marks(early_stopping)
    if yscale not in _SCALES:
        raise ValueError(
            f"Argument `yscale` must be one of {_SCALES}. Received: yscale={yscale!r}."
        )
    if axes is None:
        plt = _pyplot()
        fig, grid = plt.subplots(1, len(metrics), figsize=(5 * len(metrics), 3.6), squeeze=False)
        axes = list(grid[0])
    else:
        import numpy as np

        # One Axes, or any sequence or array of them (plt.subplots gives an array).
        axes = [axes] if hasattr(axes, "plot") else list(np.asarray(axes, dtype=object).ravel())
        if len(axes) != len(metrics) or not all(hasattr(ax, "plot") for ax in axes):
            raise ValueError(
                f"Argument `axes` must hold one matplotlib Axes per metric ({len(metrics)}). "
                f"Received: axes={axes!r}."
            )
        fig = None
    from matplotlib.ticker import MaxNLocator

    for ax, name in zip(axes, metrics):
        train = _curve(logs, name)
        epochs = range(1, len(train) + 1)
        ax.plot(epochs, train, label=f"train {name}")
        if f"val_{name}" in logs:
            validation = _curve(logs, f"val_{name}")
            if len(validation) != len(train):
                raise ValueError(
                    f"Argument `history`: {len(validation)} values of 'val_{name}' for "
                    f"{len(train)} epochs of {name!r} (fit(validation_freq=...) > 1?); "
                    "the curves cannot be aligned by epoch."
                )
            ax.plot(epochs, validation, label=f"validation {name}")
        if best is not None:
            ax.axvline(best + 1, color="green", linestyle="--", label=f"best epoch ({best + 1})")
        if stopped is not None:
            ax.axvline(stopped + 1, color="red", linestyle=":", label=f"stopped ({stopped + 1})")
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel(name)
        ax.set_yscale(yscale)
        ax.legend(fontsize="small")
        ax.grid(alpha=0.3)
    if fig is None:
        return axes[0].figure
    fig.tight_layout()
    return fig


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
    plt = _pyplot()
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
