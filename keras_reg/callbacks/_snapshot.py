"""Where the best epoch's weights are kept between epochs: host memory or a
Keras weights file. Both strategies capture, restore, and export a copy to
(or import one from) the crash-recovery backup, validating what they import:
the arrays must match the model and be finite."""

import os

import keras
import numpy as np

from keras_reg.callbacks import _files


def _non_finite(array):
    # Not np.issubdtype(..., np.inexact): bfloat16 (ml_dtypes) is not one.
    return array.dtype.kind not in "biu" and not np.all(np.isfinite(array))


class MemorySnapshot:
    """The best weights as NumPy arrays (``model.get_weights()``); the
    backup copy is an ``.npz`` of them (exact bits)."""

    extension = ".npz"

    def __init__(self):
        self.weights = None

    def capture(self, model):
        self.weights = model.get_weights()

    def restore(self, model):
        model.set_weights(self.weights)

    def release(self):
        self.weights = None

    def export(self, path):
        _files.write_arrays_atomic(path, self.weights)

    def import_copy(self, path, model):
        arrays = _files.read_arrays(path)
        variables = model.weights
        if len(arrays) != len(variables):
            raise _files.BrokenFile(
                path, f"holds {len(arrays)} arrays; the model has {len(variables)} weights"
            )
        for i, (array, variable) in enumerate(zip(arrays, variables)):
            if array.dtype.kind == "V":
                # NumPy saves dtypes it does not know (bfloat16, float8) as raw
                # bytes; read them back as the variable's dtype.
                dtype = keras.ops.convert_to_numpy(variable).dtype
                if dtype.itemsize == array.dtype.itemsize:
                    array = arrays[i] = array.view(dtype)
            expected = (tuple(variable.shape), keras.backend.standardize_dtype(variable.dtype))
            if (array.shape, str(array.dtype)) != expected:
                raise _files.BrokenFile(
                    path, f"holds an array of shape {array.shape} and dtype {array.dtype} "
                    f"where the model's {variable.path!r} has {expected[0]} and {expected[1]}"
                )
            if _non_finite(array):
                raise _files.BrokenFile(path, f"holds non-finite values for {variable.path!r}")
        self.weights = arrays


class DiskSnapshot:
    """The best weights in a ``.weights.h5`` file at ``path`` (Keras's
    format, nothing held in RAM); the backup copy is a copy of that file."""

    extension = ".weights.h5"

    def __init__(self, path):
        self.path = path

    def capture(self, model):
        _files.save_weights_atomic(model, self.path)

    def restore(self, model):
        model.load_weights(self.path)

    def release(self):
        pass  # the file stays: it is the user's

    def export(self, path):
        _files.copy_atomic(self.path, path)

    def import_copy(self, path, model):
        if not os.path.isfile(path):
            raise _files.BrokenFile(path, "is missing")
        self._check_loads(path, model)
        _files.copy_atomic(path, self.path)

    def _check_loads(self, path, model):
        """Load ``path`` into the model to check it, then put back what the
        model held (training continues from it). Keras loads a mismatching
        file partly before it raises, so the model's state goes through a
        file too."""
        held = self.path[: -len(self.extension)] + ".held" + self.extension
        model.save_weights(held)
        try:
            try:
                model.load_weights(path)
            except _files.READ_ERRORS as error:
                raise _files.BrokenFile(
                    path, f"does not load into the model ({str(error).splitlines()[0]})"
                ) from None
            for variable in model.weights:
                if _non_finite(keras.ops.convert_to_numpy(variable)):
                    raise _files.BrokenFile(
                        path, f"holds non-finite values for {variable.path!r}"
                    )
        finally:
            model.load_weights(held)
            os.remove(held)


def make_snapshot(snapshot):
    """The strategy for the ``snapshot`` argument: "memory" or a path."""
    return MemorySnapshot() if snapshot == "memory" else DiskSnapshot(snapshot)
