"""Damaged crash-recovery backups: each is found when the backup is read, the
other generation is tried first, and when nothing usable is left the error
names the broken files and what to delete. Non-finite weights are never
restored, and the model's own weights (BackupAndRestore's) stay as they are."""

import json
import os
import pathlib
import re

import keras
import numpy as np
import pytest

from keras_reg.callbacks import EarlyStopping
from tests.callbacks import _support as support

STATE = "keras_reg_early_stopping.json"
RESUMED_KERNEL = 7.0  # stands for the weights BackupAndRestore loaded


def write_backup(directory, values, snapshot="memory"):
    """A backup as a run killed after len(values) epochs leaves it."""
    support.drive(EarlyStopping(patience=5, backup_dir=directory, snapshot=snapshot),
                  values, end=False)


def resume(directory, epoch, snapshot="memory"):
    """A new process: fresh model holding 'BackupAndRestore's weights', then
    EarlyStopping's on_train_begin and first on_epoch_begin."""
    model = support.tiny_model()
    model.layers[0].kernel.assign(np.full((3, 2), RESUMED_KERNEL, "float32"))
    es = EarlyStopping(patience=5, backup_dir=directory, snapshot=snapshot)
    es.set_model(model)
    es.on_train_begin()
    es.on_epoch_begin(epoch)
    return es, model


def assert_unusable(error, directory, broken):
    message = str(error.value)
    assert f"cannot be used:\n  - {os.path.join(directory, broken)}: " in message
    # What to delete: every file of ours that is there, by name.
    ours = sorted(n for n in os.listdir(directory) if n.startswith("keras_reg_early_stopping"))
    assert f"Delete EarlyStopping's files there ({', '.join(ours)})" in message
    assert f"or delete the directory {directory!r}" in message


def rewrite_npz(path, *arrays, **named):
    with open(path, "wb") as f:  # np.savez would append .npz to a str path
        np.savez(f, *arrays, **named)


def write_npy(path, array):
    with open(path, "wb") as f:  # np.save would append .npy to a str path
        np.save(f, array)


def truncate(path, keep):
    data = pathlib.Path(path).read_bytes()
    pathlib.Path(path).write_bytes(data[: int(len(data) * keep)])


def write_bytes(path, data):
    pathlib.Path(path).write_bytes(data)


def write_text(path, text):
    pathlib.Path(path).write_text(text)


RNG_BYTES = np.random.default_rng(0).bytes(300)

STATE_DAMAGE = {
    "truncated": lambda p: truncate(p, 0.5),
    "random-bytes": lambda p: write_bytes(p, RNG_BYTES),
    "not-a-dict": lambda p: write_text(p, "[1, 2]"),
    "no-generations": lambda p: write_text(p, '{"states": []}'),
    "empty-generations": lambda p: write_text(p, '{"generations": []}'),
    "bad-field": lambda p: edit_state(p, wait=-1),
    "missing-field": lambda p: edit_state(p, drop="best"),
    "foreign-path": lambda p: edit_state(p, weights_file="../elsewhere.npz"),
    "nan-best": lambda p: edit_state(p, best=float("nan")),
}


def edit_state(path, drop=None, **fields):
    data = json.loads(pathlib.Path(path).read_text())
    for generation in data["generations"]:
        generation.update(fields)
        generation.pop(drop, None)
    write_text(path, json.dumps(data))


@pytest.mark.parametrize("damage", list(STATE_DAMAGE))
def test_damaged_state_file(tmp_path, damage):
    directory = str(tmp_path)
    write_backup(directory, [1.0, 0.5, 0.7])
    STATE_DAMAGE[damage](os.path.join(directory, STATE))
    with pytest.raises(ValueError) as error:
        resume(directory, 3)  # raises in on_train_begin, before any training
    assert_unusable(error, directory, STATE)


def wrong_arrays(path, model_weights):
    kernel, bias = model_weights
    return {
        "one-array": lambda: rewrite_npz(path, kernel),
        "shape": lambda: rewrite_npz(path, kernel.T, bias),
        "dtype": lambda: rewrite_npz(path, kernel.astype("float64"), bias),
        "nan": lambda: rewrite_npz(path, np.full_like(kernel, np.nan), bias),
        "inf": lambda: rewrite_npz(path, kernel, np.full_like(bias, -np.inf)),
        "foreign-names": lambda: rewrite_npz(path, kernel=kernel, bias=bias),
        "single-npy": lambda: write_npy(path, kernel),
        "truncated-half": lambda: truncate(path, 0.5),
        "truncated-tail": lambda: truncate(path, 0.95),
        "random-bytes": lambda: write_bytes(path, RNG_BYTES),
        "missing": lambda: os.remove(path),
    }


DAMAGES = list(wrong_arrays("", [np.zeros((3, 2)), np.zeros(2)]))


@pytest.mark.parametrize("damage", DAMAGES)
def test_damaged_weights_shared_by_both_generations(tmp_path, damage):
    directory = str(tmp_path)
    write_backup(directory, [1.0, 0.5, 0.7])  # both states: best epoch 1
    name = "keras_reg_early_stopping_best_1.npz"
    path = os.path.join(directory, name)
    wrong_arrays(path, support.tiny_model().get_weights())[damage]()
    with pytest.raises(ValueError) as error:
        resume(directory, 3)
    assert_unusable(error, directory, name)


@pytest.mark.parametrize("damage", ["nan", "truncated-half", "missing", "shape"])
def test_damaged_newest_weights_fall_back_to_the_other_generation(tmp_path, damage):
    directory = str(tmp_path)
    write_backup(directory, [1.0, 0.5, 0.4])  # states for epoch 2 (best 1), 3 (best 2)
    path = os.path.join(directory, "keras_reg_early_stopping_best_2.npz")
    wrong_arrays(path, support.tiny_model().get_weights())[damage]()
    expected = f"resuming epoch 3 from the state saved for epoch 2.\n  skipped: {path}"
    with pytest.warns(UserWarning, match=re.escape(expected)):
        es, model = resume(directory, 3)
    assert (es.best_epoch, es.best, es.wait) == (1, 0.5, 0)
    assert support.kernel_value(model) == RESUMED_KERNEL  # untouched until the end
    es.on_train_end()
    assert support.kernel_value(model) == 1.0  # epoch 1's weights, finite


def test_the_advice_works_deleting_the_listed_files(tmp_path):
    directory = str(tmp_path)
    write_backup(directory, [1.0, 0.5, 0.7])
    rewrite_npz(os.path.join(directory, "keras_reg_early_stopping_best_1.npz"), np.zeros(1))
    with pytest.raises(ValueError, match=r"Delete EarlyStopping's files there \((.*)\)") as error:
        resume(directory, 3)
    names = re.search(r"files there \((.*?)\)", str(error.value)).group(1).split(", ")
    for name in names:
        os.remove(os.path.join(directory, name))
    es, model = resume(directory, 3)  # starts afresh, keeping the model's weights
    assert es.best_epoch is None and support.kernel_value(model) == RESUMED_KERNEL


def test_seed_states_that_do_not_fit_the_model(tmp_path):
    directory = str(tmp_path)
    write_backup(directory, [1.0, 0.5, 0.7])
    edit_state(os.path.join(directory, STATE), seed_states=[[1, 2]])  # the model has none
    with pytest.raises(ValueError, match="holds 1 seed-generator states; the model has 0"):
        resume(directory, 3)


# -- the disk snapshot: its backup copy is a .weights.h5 file ---------------------------


def nan_weights_file(path):
    model = support.tiny_model()
    model.layers[0].kernel.assign(np.full((3, 2), np.nan, "float32"))
    model.save_weights(path)


def foreign_weights_file(path):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(5)])
    model.save_weights(path)


H5_DAMAGES = {
    "truncated": lambda p: truncate(p, 0.5),
    "random-bytes": lambda p: write_bytes(p, RNG_BYTES),
    "nan": nan_weights_file,
    "foreign": foreign_weights_file,
    "missing": os.remove,
}


@pytest.mark.parametrize("damage", list(H5_DAMAGES))
def test_damaged_disk_snapshot_copy(tmp_path, damage):
    directory, snapshot = str(tmp_path / "backup"), str(tmp_path / "best.weights.h5")
    write_backup(directory, [1.0, 0.5, 0.7], snapshot=snapshot)
    before = pathlib.Path(snapshot).read_bytes()
    name = "keras_reg_early_stopping_best_1.weights.h5"
    H5_DAMAGES[damage](os.path.join(directory, name))
    with pytest.raises(ValueError) as error:
        _, model = resume(directory, 3, snapshot=snapshot)
    assert_unusable(error, directory, name)
    assert pathlib.Path(snapshot).read_bytes() == before  # not overwritten by the damaged copy


def test_damaged_disk_copy_leaves_the_model_as_it_was(tmp_path):
    # Checking a copy loads it into the model; what the model held comes back.
    directory, snapshot = str(tmp_path / "backup"), str(tmp_path / "best.weights.h5")
    write_backup(directory, [1.0, 0.5, 0.4], snapshot=snapshot)
    nan_weights_file(os.path.join(directory, "keras_reg_early_stopping_best_2.weights.h5"))
    with pytest.warns(UserWarning, match="non-finite values"):
        es, model = resume(directory, 3, snapshot=snapshot)
    assert support.kernel_value(model) == RESUMED_KERNEL
    assert not any(".held." in n for n in os.listdir(tmp_path))
    es.on_train_end()
    assert support.kernel_value(model) == 1.0


def bf16_model():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, dtype="bfloat16")])
    model.compile("sgd", "mse")
    return model


def resume_bf16(directory):
    model, es = bf16_model(), EarlyStopping(patience=5, backup_dir=directory)
    es.set_model(model)
    es.on_train_begin()
    es.on_epoch_begin(3)
    return es, model


def test_bfloat16_weights_come_back_as_bfloat16(tmp_path):
    # np.savez writes bfloat16 as raw 2-byte records; the copy is read back
    # as the model's dtype, not rejected or restored as bytes.
    directory = str(tmp_path)
    write = EarlyStopping(patience=5, backup_dir=directory)
    support.drive(write, [1.0, 0.5, 0.7], model=bf16_model(), end=False)
    es, model = resume_bf16(directory)
    es.on_train_end()
    assert support.kernel_value(model) == 1.0
    assert keras.backend.standardize_dtype(model.layers[0].kernel.dtype) == "bfloat16"


def test_bfloat16_nan_weights_are_refused(tmp_path):
    directory = str(tmp_path)
    write = EarlyStopping(patience=5, backup_dir=directory)
    model = support.drive(write, [1.0, 0.5, 0.7], model=bf16_model(), end=False)
    kernel, bias = model.get_weights()
    name = "keras_reg_early_stopping_best_1.npz"
    rewrite_npz(os.path.join(directory, name), np.full_like(kernel, np.nan), bias)
    with pytest.raises(ValueError, match="holds non-finite values") as error:
        resume_bf16(directory)
    assert_unusable(error, directory, name)
