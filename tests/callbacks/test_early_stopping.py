import math
import os
import warnings

import keras
import numpy as np
import pytest

from keras_reg.callbacks import EarlyStopping
from tests.helpers import to_numpy

NAN, INF = float("nan"), float("inf")


def tiny_model():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.compile("sgd", "mse")
    return model


def drive(es, values, monitor="val_loss"):
    """Run the callback over a scripted monitor sequence, without fit. The
    model's kernel is set to the epoch number at each epoch, so the restored
    weights tell which epoch they come from."""
    model = tiny_model()
    es.set_model(model)
    es.on_train_begin()
    for epoch, value in enumerate(values):
        es.on_epoch_begin(epoch)
        model.layers[0].kernel.assign(np.full((3, 2), float(epoch), "float32"))
        es.on_epoch_end(epoch, {monitor: value, "loss": 0.0})
        if model.stop_training:
            break
    es.on_train_end()
    return float(to_numpy(model.layers[0].kernel)[0, 0])


@pytest.mark.parametrize(
    "kwargs,values,best_epoch,stopped_epoch",
    [
        ({"patience": 3}, [1.0, 0.9, 0.95, 0.96, 0.97, 0.5], 1, 4),
        ({"patience": 2, "min_delta": 0.05}, [1.0, 0.97, 0.94, 0.93, 0.80], 4, None),
        (
            {"patience": 2, "min_delta": 0.1, "min_delta_mode": "relative"},
            [10.0, 9.5, 8.9, 8.5, 8.0, 7.9],
            4,
            None,
        ),
        ({"patience": 2, "smoothing": 0.5}, [1.0, 0.6, 1.0, 0.6, 1.2, 1.2], 3, 5),
        ({"patience": 2}, [1.0, 0.6, 1.0, 0.6, 1.2, 1.2], 1, 3),  # the same, raw
        ({"patience": 2, "baseline": 0.75}, [1.0, 0.9, 0.8, 0.7], 1, 1),
        ({"patience": 2, "start_from_epoch": 2}, [0.1, 0.2, 1.0, 1.1, 1.2], 2, 4),
        ({"patience": 0}, [1.0, 1.1, 0.5], 0, 1),
        ({"patience": 2}, [NAN, 1.0, 0.9, NAN, NAN], 2, 4),
        ({"patience": 2}, [INF, 2.0, -INF, 2.5], 1, 3),
    ],
    ids=[
        "patience", "abs-delta", "rel-delta", "smoothing", "raw", "baseline",
        "start-from", "patience-0", "nan", "inf",
    ],
)
def test_scripted_sequences(kwargs, values, best_epoch, stopped_epoch):
    es = EarlyStopping(**kwargs)
    restored = drive(es, values)
    assert es.best_epoch == best_epoch
    assert es.stopped_epoch == stopped_epoch
    assert restored == best_epoch  # the weights of the best epoch
    assert math.isfinite(es.best)


def test_smoothed_best_value():
    es = EarlyStopping(patience=5, smoothing=0.5)
    drive(es, [1.0, 0.6, 1.0, 0.6])
    assert es.best == pytest.approx(0.75)  # s = 1.0, 0.8, 0.9, 0.75


def test_max_mode_auto_for_accuracy():
    es = EarlyStopping(monitor="val_accuracy", patience=2)
    drive(es, [0.5, 0.6, 0.55, 0.58], monitor="val_accuracy")
    assert (es.best_epoch, es.stopped_epoch) == (1, 3)


def test_all_nan_restores_nothing_and_warns():
    es = EarlyStopping(patience=5)
    with pytest.warns(UserWarning, match="no epoch had a finite"):
        restored = drive(es, [NAN, NAN, NAN])
    assert es.best_epoch is None and es.best is None
    assert restored == 2.0  # the last epoch's weights, untouched


def test_restores_best_even_without_stopping():
    es = EarlyStopping(patience=10)
    assert drive(es, [3.0, 1.0, 2.0]) == 1.0
    assert es.stopped_epoch is None


def test_missing_monitor_raises_with_available_keys():
    model = tiny_model()
    x, y = np.ones((8, 3), "float32"), np.ones((8, 2), "float32")
    with pytest.raises(ValueError, match=r"val_loss.*Available keys: \['loss'\]"):
        model.fit(x, y, epochs=3, verbose=0, callbacks=[EarlyStopping()])


# -- with a real fit --------------------------------------------------------------------


class ScriptedMonitor(keras.callbacks.Callback):
    """Writes a scripted value into the logs and records each epoch's weights."""

    def __init__(self, values):
        super().__init__()
        self.values, self.weights = values, {}

    def on_epoch_end(self, epoch, logs=None):
        logs["val_score"] = self.values[epoch]
        self.weights[epoch] = [np.array(w) for w in self.model.get_weights()]


class CrashAt(keras.callbacks.Callback):
    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.epoch:
            raise RuntimeError(f"simulated crash at epoch {epoch}")


VALUES = [1.0, 0.8, 0.85, 0.7, 0.75, 0.72, 0.71, 0.9, 0.95, 0.96, 0.97, 0.98]


def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 3)).astype("float32")
    return x, (x @ rng.normal(size=(3, 2))).astype("float32")


def fresh_model():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), keras.layers.Dense(2)])
    model.compile(keras.optimizers.Adam(0.01), "mse")
    return model


def fit(model, callbacks):
    x, y = data()
    model.fit(x, y, batch_size=8, epochs=len(VALUES), shuffle=False, verbose=0,
              callbacks=callbacks)


def test_fit_restores_the_best_epoch_weights(tmp_path):
    scripted = ScriptedMonitor(VALUES)
    es = EarlyStopping("val_score", patience=3, smoothing=0.3)
    model = fresh_model()
    fit(model, [scripted, es])
    # s: 1.0, 0.86, 0.853, 0.746, 0.7488, 0.7286, 0.7156, 0.8447, ...
    assert (es.best_epoch, es.stopped_epoch) == (6, 9)
    for restored, recorded in zip(model.get_weights(), scripted.weights[6]):
        np.testing.assert_array_equal(restored, recorded)


def test_snapshot_on_disk_equals_memory(tmp_path):
    runs = {}
    for snapshot in ("memory", str(tmp_path / "best.weights.h5")):
        model = fresh_model()
        es = EarlyStopping("val_score", patience=2, snapshot=snapshot)
        fit(model, [ScriptedMonitor(VALUES), es])
        runs[snapshot] = (es.best_epoch, es.stopped_epoch, model.get_weights())
    (a_best, a_stop, a_w), (b_best, b_stop, b_w) = runs.values()
    assert (a_best, a_stop) == (b_best, b_stop) == (3, 5)
    for a, b in zip(a_w, b_w):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("crash_epoch", [1, 4, 7])
def test_crash_and_resume_matches_uninterrupted_run(tmp_path, crash_epoch):
    config = {"monitor": "val_score", "patience": 3, "smoothing": 0.3}

    model = fresh_model()
    reference = EarlyStopping(**config)
    fit(model, [ScriptedMonitor(VALUES), reference])
    expected = model.get_weights()

    backup = str(tmp_path / "backup")
    model = fresh_model()
    with pytest.raises(RuntimeError, match="simulated crash"):
        fit(model, [ScriptedMonitor(VALUES), EarlyStopping(**config, backup_dir=backup),
                    keras.callbacks.BackupAndRestore(backup), CrashAt(crash_epoch)])
    assert any(n.startswith("keras_reg_early_stopping") for n in os.listdir(backup))

    model = fresh_model()  # a new process would start from scratch too
    resumed = EarlyStopping(**config, backup_dir=backup)
    fit(model, [ScriptedMonitor(VALUES), resumed, keras.callbacks.BackupAndRestore(backup)])

    assert (resumed.best_epoch, resumed.stopped_epoch) == (
        reference.best_epoch, reference.stopped_epoch
    )
    assert resumed.best == reference.best and resumed.wait == reference.wait
    for a, b in zip(model.get_weights(), expected):
        np.testing.assert_array_equal(a, b)
    assert not os.path.exists(backup)  # cleaned up after a normal end


def test_resume_prefers_the_generation_matching_the_resume_epoch(tmp_path):
    # EarlyStopping listed first saved epoch k's state, then the process died
    # before BackupAndRestore saved epoch k: the previous generation is used.
    backup = str(tmp_path / "b")
    es = EarlyStopping(patience=5, backup_dir=backup)
    drive_partial(es, [1.0, 0.5, 0.7])  # state generations for next_epoch 2 and 3
    resumed = EarlyStopping(patience=5, backup_dir=backup)
    resumed.set_model(tiny_model())
    resumed.on_train_begin()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        resumed.on_epoch_begin(2)
    assert (resumed.best_epoch, resumed.wait) == (1, 0)


def drive_partial(es, values):
    model = tiny_model()
    es.set_model(model)
    es.on_train_begin()
    for epoch, value in enumerate(values):
        es.on_epoch_begin(epoch)
        es.on_epoch_end(epoch, {"val_loss": value})


# -- configuration ----------------------------------------------------------------------


def test_config_round_trip(tmp_path):
    es = EarlyStopping("val_auc", patience=7, min_delta=0.01, min_delta_mode="relative",
                       smoothing=0.2, snapshot=str(tmp_path / "w.weights.h5"),
                       backup_dir=str(tmp_path))
    clone = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(es))
    assert isinstance(clone, EarlyStopping)
    assert clone.get_config() == es.get_config()


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"mode": "up"}, "mode"),
        ({"patience": -1}, "patience"),
        ({"min_delta": -0.1}, "min_delta"),
        ({"smoothing": 1.0}, "smoothing"),
        ({"smoothing": -0.2}, "smoothing"),
        ({"min_delta_mode": "percent"}, "min_delta_mode"),
        ({"snapshot": "/no/such/dir/best.weights.h5"}, "does not exist"),
        ({"snapshot": "best.h5"}, "weights.h5"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        EarlyStopping(**kwargs)


def test_unwritable_snapshot_dir(tmp_path, monkeypatch):
    # chmod cannot make a directory unwritable for root (CI runs as root), so
    # the permission check is made to answer "no".
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    with pytest.raises(ValueError, match="not writable"):
        EarlyStopping(snapshot=str(tmp_path / "w.weights.h5"))
