"""Atomic file writes: write to a temporary name in the same directory, then
``os.replace`` (atomic on POSIX and Windows), so a crash mid-write leaves the
previous file intact."""

import json
import os
import shutil

import numpy as np


def write_json_atomic(path, data):
    tmp = f"{path}.tmp"
    with open(tmp, "w") as f:
        json.dump(data, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def read_json(path):
    with open(path) as f:
        return json.load(f)


def save_weights_atomic(model, path):
    """``model.save_weights`` to ``path`` (must end in .weights.h5), atomically."""
    tmp = path[: -len(".weights.h5")] + ".tmp.weights.h5"
    model.save_weights(tmp)
    os.replace(tmp, path)


def write_arrays_atomic(path, arrays):
    """A list of arrays as an .npz file (exact bits), atomically."""
    tmp = f"{path}.tmp"
    with open(tmp, "wb") as f:
        np.savez(f, *arrays)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def read_arrays(path):
    with np.load(path) as data:
        return [data[f"arr_{i}"] for i in range(len(data.files))]


def copy_atomic(src, dst):
    tmp = f"{dst}.tmp"
    shutil.copyfile(src, tmp)
    os.replace(tmp, dst)
