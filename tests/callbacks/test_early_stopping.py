import math
import os
import warnings

import keras
import numpy as np
import pytest

from keras_reg.callbacks import EarlyStopping
from tests.callbacks import _support as support
from tests.callbacks._support import kernel_value

NAN, INF = float("nan"), float("inf")


def drive(es, values, monitor="val_loss"):
    return kernel_value(support.drive(es, values, monitor))


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
    model = support.tiny_model()
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
                    keras.callbacks.BackupAndRestore(backup), support.CrashAt(crash_epoch)])
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
    support.drive(es, [1.0, 0.5, 0.7], end=False)  # state generations for next_epoch 2 and 3
    resumed = EarlyStopping(patience=5, backup_dir=backup)
    resumed.set_model(support.tiny_model())
    resumed.on_train_begin()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        resumed.on_epoch_begin(2)
    assert (resumed.best_epoch, resumed.wait) == (1, 0)


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


@pytest.mark.parametrize("baseline", ["0.5", [0.5], True, object()])
def test_non_numeric_baseline_names_the_argument(baseline):
    with pytest.raises(TypeError, match=r"`baseline` must be a finite number.*Received: baseline="):
        EarlyStopping(baseline=baseline)


@pytest.mark.parametrize("baseline", [NAN, INF, -INF])
def test_non_finite_baseline(baseline):
    with pytest.raises(ValueError, match="`baseline` must be finite"):
        EarlyStopping(baseline=baseline)


def test_numpy_baseline_is_a_float():
    assert EarlyStopping(baseline=np.float32(0.5)).get_config()["baseline"] == 0.5


@pytest.mark.parametrize("verbose", [-1, "1", 0.5, None])
def test_bad_verbose(verbose):
    with pytest.raises(ValueError, match="`verbose` must be 0 or 1"):
        EarlyStopping(verbose=verbose)


# -- every argument's effect ------------------------------------------------------------


@pytest.mark.parametrize("verbose", [0, 1, True])
def test_verbose_prints_when_stopping_and_restoring(capsys, verbose):
    drive(EarlyStopping(patience=1, verbose=verbose), [1.0, 0.5, 0.7, 0.8])
    expected = (
        "Epoch 3: early stopping (best epoch 2, 0.5).\n"
        "Restored the weights of epoch 2, 0.5.\n"
    )
    assert capsys.readouterr().out == (expected if verbose else "")


def test_verbose_goes_to_the_logger_without_interactive_logging(capsys, caplog):
    keras.config.disable_interactive_logging()
    try:
        with caplog.at_level("INFO", logger="keras_reg"):
            drive(EarlyStopping(patience=1, verbose=1), [1.0, 0.5, 0.7])
    finally:
        keras.config.enable_interactive_logging()
    assert capsys.readouterr().out == ""
    assert [r.getMessage() for r in caplog.records] == [
        "Epoch 3: early stopping (best epoch 2, 0.5).",
        "Restored the weights of epoch 2, 0.5.",
    ]


def test_restore_best_weights_false_keeps_the_last_weights(tmp_path):
    es = EarlyStopping(patience=1, restore_best_weights=False, backup_dir=str(tmp_path))
    model = support.drive(es, [3.0, 1.0, 2.0], end=False)
    assert os.listdir(tmp_path) == ["keras_reg_early_stopping.json"]  # no weights copy
    es.on_train_end()
    assert (es.best_epoch, es.stopped_epoch) == (1, 2)
    assert kernel_value(model) == 2.0  # the last epoch's, not the best's


@pytest.mark.parametrize(
    "monitor,mode,best_epoch",
    [("val_accuracy", "min", 1), ("val_accuracy", "auto", 2), ("val_loss", "max", 2),
     ("val_loss", "auto", 1)],
)
def test_explicit_mode_overrides_the_name(monitor, mode, best_epoch):
    es = EarlyStopping(monitor, mode=mode, patience=5)
    assert drive(es, [0.5, 0.4, 0.6], monitor=monitor) == best_epoch
    assert es.best_epoch == best_epoch


# -- backup_dir, checked at construction --------------------------------------------------


def test_backup_dir_that_is_a_file(tmp_path):
    path = tmp_path / "backup"
    path.write_text("")
    with pytest.raises(ValueError, match=r"`backup_dir`.*is a file"):
        EarlyStopping(backup_dir=str(path))
    with pytest.raises(ValueError, match=r"`backup_dir`.*is a file"):
        EarlyStopping(backup_dir=str(path / "below"))


def test_backup_dir_not_writable(tmp_path, monkeypatch):
    # As for `snapshot`: root ignores chmod, so the permission check says "no".
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    with pytest.raises(ValueError, match=r"`backup_dir`.*not writable"):
        EarlyStopping(backup_dir=str(tmp_path / "new"))


def test_backup_dir_is_created_when_first_written(tmp_path):
    path = tmp_path / "a" / "b"
    es = EarlyStopping(backup_dir=path)  # a PathLike is accepted
    assert es.backup_dir == str(path) and not path.exists()
    support.drive(es, [1.0], end=False)
    assert sorted(os.listdir(path)) == [
        "keras_reg_early_stopping.json", "keras_reg_early_stopping_best_0.npz"
    ]


@pytest.mark.parametrize("backup_dir", ["", 3])
def test_backup_dir_not_a_path(backup_dir):
    with pytest.raises(ValueError, match="`backup_dir` must be a directory path"):
        EarlyStopping(backup_dir=backup_dir)
