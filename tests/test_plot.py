import builtins

import numpy as np
import pytest

from keras_reg import plot
from keras_reg.callbacks import EarlyStopping
from tests.helpers import assert_raises_each


def test_learning_curves_marks_best_and_stop():
    history = {"loss": [1.0, 0.6, 0.4, 0.3], "val_loss": [1.1, 0.8, 0.9, 1.0]}
    es = EarlyStopping(patience=2)
    es.best_epoch, es.stopped_epoch = 1, 3
    fig = plot.learning_curves(history, es)
    ax = fig.axes[0]
    labels = [line.get_label() for line in ax.lines]
    assert labels == ["train loss", "validation loss", "best epoch (2)", "stopped (4)"]
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), history["val_loss"])
    assert ax.lines[2].get_xdata()[0] == 2


def test_unknown_metric():
    with pytest.raises(ValueError, match="accuracy"):
        plot.learning_curves({"loss": [1.0]}, metrics=("accuracy",))


def test_missing_matplotlib_names_the_extra(monkeypatch):
    real_import = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name.startswith("matplotlib"):
            raise ImportError("No module named 'matplotlib'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    with pytest.raises(ImportError, match=r"keras-reg\[examples\]"):
        plot.learning_curves({"loss": [1.0]})


def test_augmentation_grid_shows_originals_and_versions():
    from keras_reg import augment

    images = np.random.default_rng(0).uniform(0, 255, size=(2, 8, 8, 3)).astype("float32")
    fig = plot.augmentation_grid(augment.ColorJitter(0.5, seed=0), images, n=3)
    assert len(fig.axes) == 2 * 4
    shown = fig.axes[0].images[0].get_array()
    np.testing.assert_allclose(shown, images[0] / 255, atol=1e-6)
    assert not np.allclose(fig.axes[1].images[0].get_array(), shown)
    with pytest.raises(ValueError, match="`n`"):
        plot.augmentation_grid(augment.ColorJitter(0.5), images, n=0)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def test_learning_curves_into_given_axes_with_log_scale_and_keras_callback():
    import keras
    import matplotlib.pyplot as plt

    history = {"loss": [1.0, 0.5], "val_loss": [1.2, 0.9], "accuracy": [0.5, 0.7],
               "val_accuracy": [0.4, 0.6]}
    fig, axes = plt.subplots(1, 2)
    keras_stop = keras.callbacks.EarlyStopping()
    keras_stop.best, keras_stop.best_epoch, keras_stop.stopped_epoch = 0.9, 1, 0
    out = plot.learning_curves(history, keras_stop, metrics=["loss", "accuracy"], axes=axes,
                               yscale="log")
    assert out is fig and len(fig.axes) == 2
    assert [ax.get_yscale() for ax in axes] == ["log", "log"]
    # Keras's stopped_epoch == 0 means it never stopped: only the best epoch is marked.
    assert [line.get_label() for line in axes[1].lines][2:] == ["best epoch (2)"]
    single = plot.learning_curves(history, axes=axes[0])
    assert single is fig


def test_learning_curves_hostile_arguments():
    cases = [
        ({"history": None}, TypeError, r"`history`.*Received: history=None"),
        ({"history": "loss"}, TypeError, "`history`"),
        ({"history": {"loss": ["a", "b"]}}, ValueError, r"history\['loss'\].*numbers"),
        ({"history": {"loss": []}}, ValueError, r"history\['loss'\].*non-empty"),
        ({"history": {"loss": [1.0, 0.5], "val_loss": [1.0]}}, ValueError, "validation_freq"),
        ({"metrics": ()}, ValueError, "`metrics`"),
        ({"metrics": [3]}, ValueError, r"`metrics`: \[3\]"),
        ({"early_stopping": "best"}, TypeError, "`early_stopping`"),
        ({"yscale": "cubic"}, ValueError, "`yscale`"),
        ({"axes": [None, None]}, ValueError, "`axes`.*one matplotlib Axes per metric"),
    ]
    base = {"history": {"loss": [1.0, 0.5]}}
    assert_raises_each(
        [(lambda k=k: plot.learning_curves(**{**base, **k}), e, m) for k, e, m in cases]
    )


def test_augmentation_grid_seed_value_range_and_grey_levels():
    import keras

    # The layer's random state is restored after drawing: the same call draws
    # the same grid (before, each call advanced the layer's SeedGenerator).
    layer = keras.layers.RandomBrightness(0.5, value_range=(0, 1))
    grey = np.full((1, 4, 4, 1), 0.5, "float32")
    arrays = [
        [ax.images[0].get_array() for ax in plot.augmentation_grid(layer, grey, n=2, seed=3,
                                                                   value_range=(0, 1)).axes]
        for _ in range(2)
    ]
    np.testing.assert_array_equal(arrays[0], arrays[1])
    # Grey images keep their level on the display scale (fixed 0..1 limits),
    # so a brightness change stays visible.
    fig = plot.augmentation_grid(layer, grey, n=2, seed=3, value_range=(0, 1))
    assert fig.axes[0].images[0].get_clim() == (0, 1)
    levels = {float(ax.images[0].get_array().mean()) for ax in fig.axes}
    assert len(levels) == 3


def test_augmentation_grid_hostile_arguments():
    from keras_reg import augment

    cases = [
        ({"layer": "flip"}, TypeError, "`layer`"),
        ({"images": np.zeros((0, 4, 4, 3))}, ValueError, r"non-empty.*\(0, 4, 4, 3\)"),
        ({"images": np.zeros((1, 4, 4, 2))}, ValueError, r"c = 1, 3 or 4.*\(1, 4, 4, 2\)"),
        ({"n": True}, TypeError, "`n`"),
        ({"seed": "0"}, TypeError, "`seed`"),
        ({"value_range": (1, 1)}, ValueError, r"`value_range`.*low < high"),
        ({"value_range": (0, float("inf"))}, ValueError, "finite"),
        ({"value_range": 255}, ValueError, "`value_range`"),
    ]
    base = {"layer": augment.ColorJitter(0.5), "images": np.zeros((1, 4, 4, 3))}
    assert_raises_each(
        [(lambda k=k: plot.augmentation_grid(**{**base, **k}), e, m) for k, e, m in cases]
    )
