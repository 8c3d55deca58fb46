import builtins

import numpy as np
import pytest

from keras_reg import plot
from keras_reg.callbacks import EarlyStopping


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
