"""Figures: learning curves with early-stopping marks (matplotlib optional)."""


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
