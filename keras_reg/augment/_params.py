"""What the public functional transforms share: the ops for their input,
and per-sample parameters given as numbers or as tensors of shape (batch,)."""

from typing import Any

import keras
import numpy as np

from keras_reg import _validation
from keras_reg._compat import augment as _compat

#: A tensor of any backend (TensorFlow's inside tf.data), or a NumPy array.
Tensor = Any

ops_for = _compat.ops_for


def as_tensor(ops, x, dtype=None):
    """``x`` as a tensor of ``ops``'s backend (in ``dtype`` if given)."""
    x = ops.convert_to_tensor(x)
    return x if dtype is None else ops.cast(x, dtype)


def per_sample(ops, value, x, dtype=None):
    """A parameter for each sample of the batch ``x`` (batch, ...), shaped to
    broadcast against it: a Python number stays a number (one value for the
    batch); a scalar tensor stays a scalar; a (batch,) tensor, or one with
    trailing axes of size 1, becomes (batch, 1, ..., 1)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value) if dtype is None or "float" in str(dtype) else value
    value = as_tensor(ops, value, dtype or x.dtype)
    if len(value.shape) == 0:
        return value
    return ops.reshape(value, (-1,) + (1,) * (len(x.shape) - 1))


def batch_values(ops, value, x, dtype="float32"):
    """A per-sample parameter (a number or (batch,)) as a (batch,) tensor
    for the batch ``x``."""
    value = as_tensor(ops, value, dtype)
    if len(value.shape) == 0:
        value = ops.ones((ops.shape(x)[0],), dtype) * value
    return ops.reshape(value, (-1,))


def known_values(value):
    """``value`` as a NumPy array when its values are known now (numbers,
    NumPy, eager tensors of any backend); ``None`` while they are symbolic
    (tf.data, a jit trace, a functional model)."""
    if isinstance(value, np.ndarray):
        return value
    if keras.backend.is_keras_tensor(value):
        return None
    try:
        if keras.ops.is_tensor(value):
            return np.asarray(keras.ops.convert_to_numpy(value))
        return np.asarray(value)  # e.g. an eager TensorFlow tensor under JAX or torch
    # A jit tracer or a graph tensor: its values exist only when the graph runs.
    except (TypeError, ValueError, NotImplementedError, RuntimeError):
        return None


def value_range(value_range):
    """A checked (low, high) pixel range."""
    return _validation.check_pair(value_range, "value_range", strict=True)
