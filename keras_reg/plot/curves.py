"""Learning curves: train and validation per epoch, best and stop epochs marked."""

from collections.abc import Sequence

from keras_reg.plot._matplotlib import pyplot

_SCALES = ("linear", "log", "symlog", "logit")


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
        plt = pyplot()
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
