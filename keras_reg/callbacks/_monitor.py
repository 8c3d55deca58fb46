"""The monitored number of an epoch, read from Keras's logs."""

import numbers

import keras
import numpy as np


def monitored_value(logs, monitor, epoch):
    """``logs[monitor]`` as a float. A value holding one number, of any
    shape (e.g. ``F1Score``'s shape-(1,) array), is that number; a missing
    key, several numbers or a non-number raise, naming the metric."""
    logs = logs or {}
    if monitor not in logs:
        raise ValueError(
            f"EarlyStopping: monitor={monitor!r} is not in the logs of epoch {epoch}. "
            f"Available keys: {sorted(logs)}. (Validation keys such as 'val_loss' need "
            "validation data.)"
        )
    value = logs[monitor]
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return float(value)
    if keras.ops.is_tensor(value):
        value = keras.ops.convert_to_numpy(value)
    array = np.asarray(value)
    if array.dtype.kind not in "iuf":
        raise TypeError(
            f"EarlyStopping: monitor={monitor!r} logged a non-numeric value "
            f"{value!r} (dtype {array.dtype}) at epoch {epoch}; it needs a number."
        )
    if array.size != 1:
        raise ValueError(
            f"EarlyStopping: monitor={monitor!r} logged {array.size} values (shape "
            f"{array.shape}) at epoch {epoch}; it can watch only one number. Monitor a "
            "metric that averages them (e.g. F1Score(average='macro')) or log the one "
            "to watch under its own name."
        )
    return float(array.reshape(()))
