"""Argument checks shared by keras_reg's public classes.

Every check raises at construction (or ``build``) with a message that names
the argument, the value received and what is allowed, so that a mis-set
argument never surfaces later as a backend trace in the middle of ``fit``.
"""

import math
import numbers
import os

import keras


def _number(value, name, expected, kind=numbers.Real, received=None):
    """``value`` if it is a ``kind`` (a bool is not a number here), else a
    TypeError saying that ``name`` must be ``expected``; ``received``
    describes the value (default ``name=value``)."""
    if isinstance(value, bool) or not isinstance(value, kind):
        raise TypeError(
            f"Argument `{name}` must be {expected}. "
            f"Received: {received or f'{name}={value!r}'} (type {type(value).__name__})."
        )
    return value


def _out_of_range(name, value, expected, received=None):
    return ValueError(
        f"Argument `{name}` must be {expected}. Received: {received or f'{name}={value!r}'}."
    )


def check_rate(rate, name="rate", upper_inclusive=False):
    """Return ``rate`` as a float in ``[0, 1)`` (or ``[0, 1]``), else raise."""
    expected = "a float in [0, 1]" if upper_inclusive else "a float in [0, 1)"
    rate = float(_number(rate, name, expected))
    if math.isnan(rate) or rate < 0 or (rate > 1 if upper_inclusive else rate >= 1):
        raise _out_of_range(name, rate, expected)
    return rate


def check_non_negative(value, name):
    """Return ``value`` as a finite float >= 0, else raise."""
    value = float(_number(value, name, "a non-negative float"))
    if not math.isfinite(value) or value < 0:
        raise _out_of_range(name, value, "a finite, non-negative float")
    return value


def check_positive_int(value, name):
    value = _number(value, name, "a positive integer", numbers.Integral)
    if value < 1:
        raise _out_of_range(name, value, "an integer >= 1")
    return int(value)


def check_int_in(value, name, low, high, expected, received=None):
    """Return ``value`` as an int in ``[low, high]``, else raise (TypeError
    for a non-integer) saying that ``name`` must be ``expected``;
    ``received`` describes the value when it is not ``name`` itself (an
    entry of a table, say)."""
    _number(value, name, expected, numbers.Integral, received)
    if not low <= value <= high:
        raise _out_of_range(name, value, expected, received)
    return int(value)


def check_choice(value, name, choices):
    if value not in choices:
        raise ValueError(
            f"Argument `{name}` must be one of {sorted(choices)}. "
            f"Received: {name}={value!r}."
        )
    return value


def check_data_format(data_format):
    """Resolve ``None`` to Keras's global image data format, and validate."""
    if data_format is None:
        return keras.config.image_data_format()
    return check_choice(
        data_format, "data_format", ("channels_last", "channels_first")
    )


def check_rank(input_shape, rank, layer_name):
    if len(input_shape) != rank:
        raise ValueError(
            f"{layer_name} expects inputs of rank {rank}. "
            f"Received: input_shape={tuple(input_shape)} (rank {len(input_shape)})."
        )


def check_float_input(inputs, layer_name):
    """Integer or boolean inputs cannot be scaled by 1/(1-p): refuse them."""
    dtype = keras.backend.standardize_dtype(inputs.dtype)
    if not keras.backend.is_float_dtype(dtype):
        raise TypeError(
            f"{layer_name} needs floating-point inputs (float16, bfloat16, "
            f"float32 or float64). Received: inputs with dtype={dtype}."
        )


def check_noise_shape(noise_shape):
    """Validate ``noise_shape``: a sequence of positive ints or ``None``."""
    if noise_shape is None:
        return None
    # ValueError for every malformed value, as keras.layers.Dropout raises.
    if isinstance(noise_shape, str):
        raise ValueError(
            "Argument `noise_shape` must be a tuple of positive integers or "
            f"None entries. Received: noise_shape={noise_shape!r}."
        )
    try:
        noise_shape = tuple(noise_shape)
    except TypeError:
        raise ValueError(
            "Argument `noise_shape` must be a tuple of positive integers or "
            f"None entries. Received: noise_shape={noise_shape!r}."
        ) from None
    for dim in noise_shape:
        if dim is None:
            continue
        if isinstance(dim, bool) or not isinstance(dim, numbers.Integral) or dim < 1:
            raise ValueError(
                "Argument `noise_shape` must contain positive integers or None. "
                f"Received: noise_shape={noise_shape!r}."
            )
    return tuple(None if d is None else int(d) for d in noise_shape)


def check_noise_shape_broadcasts(noise_shape, input_shape, layer_name):
    """Each noise dim must be None, 1, or equal to the input dim."""
    if noise_shape is None:
        return
    if len(noise_shape) != len(input_shape):
        raise ValueError(
            f"{layer_name}: `noise_shape` must have the input's rank "
            f"{len(input_shape)}. Received: noise_shape={noise_shape} for "
            f"input_shape={tuple(input_shape)}."
        )
    for n, d in zip(noise_shape, input_shape):
        if n is None or n == 1 or d is None or n == d:
            continue
        raise ValueError(
            f"{layer_name}: `noise_shape` does not broadcast to the input. "
            f"Each entry must be None, 1 or the input's size on that axis. "
            f"Received: noise_shape={noise_shape} for input_shape={tuple(input_shape)}."
        )


def check_writable_dir(directory, argument, value):
    directory = directory or "."
    if not os.path.isdir(directory):
        raise ValueError(
            f"Argument `{argument}`: directory {directory!r} does not exist. "
            f"Received: {argument}={value!r}."
        )
    if not os.access(directory, os.W_OK | os.X_OK):
        raise ValueError(
            f"Argument `{argument}`: directory {directory!r} is not writable. "
            f"Received: {argument}={value!r}."
        )


# -- ranges and bounds of the augmentation layers ----------------------------------
def _bounds_text(low, high):
    if low is None and high is None:
        return ""
    return f" within [{'-inf' if low is None else low}, {'inf' if high is None else high}]"


def check_finite(value, name, low=None, high=None):
    """Return ``value`` as a finite float inside [low, high] (either may be
    None: unbounded on that side), else raise naming ``name``."""
    expected = f"a finite number{_bounds_text(low, high)}"
    value = float(_number(value, name, expected))
    if (
        not math.isfinite(value)
        or (low is not None and value < low)
        or (high is not None and value > high)
    ):
        raise _out_of_range(name, value, expected)
    return value


def check_magnitude(value, name, upper=None):
    """An augmentation strength: ``None`` means off (0.0); otherwise a finite
    float in [0, upper] (``upper=None``: no upper bound)."""
    if value is None:
        return 0.0
    return check_finite(value, name, low=0.0, high=upper)


def check_pair(value, name, low=None, high=None, strict=False):
    """Return a (low, high) range as a tuple of two finite floats with
    ``a <= b`` (``a < b`` when ``strict``), both inside [low, high]."""
    order = "<" if strict else "<="
    expected = (
        f"Argument `{name}` must be a pair (a, b) of finite numbers with a {order} b"
        f"{_bounds_text(low, high)}. Received: {name}={value!r}"
    )
    if not isinstance(value, (list, tuple)):
        raise TypeError(f"{expected} (type {type(value).__name__}).")
    if len(value) != 2:
        raise ValueError(f"{expected} (length {len(value)}).")
    if any(isinstance(v, bool) or not isinstance(v, numbers.Real) for v in value):
        raise TypeError(f"{expected}.")
    a, b = float(value[0]), float(value[1])
    if (
        not (math.isfinite(a) and math.isfinite(b))
        or (a >= b if strict else a > b)
        or (low is not None and a < low)
        or (high is not None and b > high)
    ):
        raise ValueError(f"{expected}.")
    return (a, b)


# -- the data of the augmentation layers --------------------------------------------
def check_input_dtype(dtype, kind, what, layer_name):
    """Refuse data whose dtype is not of ``kind``: "float", "integer" or
    "number" (integer or float, not bool). ``what`` names the expected data
    in the message, e.g. "float audio"."""
    try:
        dtype = keras.backend.standardize_dtype(dtype)
    except ValueError:  # strings, objects: no Keras dtype at all
        dtype = str(dtype)
    is_float = dtype.startswith(("float", "bfloat"))
    is_integer = dtype.startswith(("int", "uint"))
    accepted = {"float": is_float, "integer": is_integer, "number": is_float or is_integer}
    if not accepted[kind]:
        raise TypeError(f"{layer_name} expects {what}. Received dtype {dtype}.")
    return dtype
