"""Atomic file writes: write to a temporary name in the same directory, then
``os.replace`` (atomic on POSIX and Windows), so a crash mid-write leaves the
previous file intact. Reads report a damaged file as ``BrokenFile``."""

import json
import os
import shutil
import zipfile

import numpy as np

# What reading a damaged file raises: truncated or random bytes (OSError from
# h5py, BadZipFile/EOFError from np.load, JSONDecodeError and
# UnicodeDecodeError are ValueErrors), foreign contents (KeyError).
READ_ERRORS = (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile)


class BrokenFile(Exception):
    """A backup file that cannot be used; ``path`` and ``reason`` say why."""

    def __init__(self, path, reason):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def write_json_atomic(path, data):
    tmp = f"{path}.tmp"
    with open(tmp, "w") as f:
        json.dump(data, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def read_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except READ_ERRORS as error:
        raise BrokenFile(path, f"is not readable JSON ({error})") from None


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
    """The arrays ``write_arrays_atomic`` wrote, in order."""
    if not os.path.isfile(path):
        raise BrokenFile(path, "is missing")
    # Opened here, not by np.load, which leaks its handle when the archive
    # is damaged.
    with open(path, "rb") as f:
        try:
            data = np.load(f, allow_pickle=False)
        except READ_ERRORS as error:
            raise BrokenFile(path, f"is not a readable .npz file ({error})") from None
        if not hasattr(data, "files"):  # a lone .npy array
            raise BrokenFile(path, "is a single .npy array, not an .npz archive")
        names = [f"arr_{i}" for i in range(len(data.files))]
        if sorted(data.files) != sorted(names):
            raise BrokenFile(path, f"holds foreign arrays {sorted(data.files)[:5]}")
        try:
            return [data[name] for name in names]
        except READ_ERRORS as error:
            raise BrokenFile(path, f"has a damaged array ({error})") from None


def copy_atomic(src, dst):
    tmp = f"{dst}.tmp"
    shutil.copyfile(src, tmp)
    os.replace(tmp, dst)
