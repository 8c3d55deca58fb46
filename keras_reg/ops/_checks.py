"""Argument checks of the dropout family's functions (and layers)."""

import numbers
from collections.abc import Sequence

import keras

from keras_reg import _validation

# The annotations the dropout family's functions share.
Seed = int | keras.random.SeedGenerator | None
NoiseShape = Sequence[int | None] | None

# The seeds every backend's SeedGenerator state can hold: JAX keeps it as
# uint32 and torch as int32.
MAX_SEED = (1 << 31) - 1


def check_seed(seed, allow_generator=True):
    """Return ``seed`` (an int in ``[0, MAX_SEED]``, ``None`` or, where
    allowed, a ``keras.random.SeedGenerator``); raise ``ValueError`` otherwise,
    the class Keras's ``SeedGenerator`` and ``keras.random`` raise."""
    if seed is None or (allow_generator and isinstance(seed, keras.random.SeedGenerator)):
        return seed
    allowed = f"an int in [0, {MAX_SEED}]"
    allowed += ", a keras.random.SeedGenerator or None" if allow_generator else " or None"
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise ValueError(
            f"Argument `seed` must be {allowed}. "
            f"Received: seed={seed!r} (type {type(seed).__name__})."
        )
    if not 0 <= seed <= MAX_SEED:
        raise ValueError(f"Argument `seed` must be {allowed}. Received: seed={seed!r}.")
    return int(seed)


def check_inputs(inputs, name):
    """A concrete floating-point backend tensor (NumPy arrays, lists and
    scalars converted)."""
    if isinstance(inputs, keras.KerasTensor):
        raise TypeError(
            f"{name} draws random numbers, so it needs a concrete tensor, not a "
            f"symbolic one. Received: inputs={inputs!r}. In a functional model, "
            "call it inside a layer's `call` (or use the keras_reg layer)."
        )
    if not keras.ops.is_tensor(inputs):
        inputs = keras.ops.convert_to_tensor(inputs)
    _validation.check_float_input(inputs, name)
    return inputs


def check_min_rank(shape, rank, name, axes):
    """``len(shape) >= rank``; ``axes`` says what the axes are."""
    if len(shape) < rank:
        raise ValueError(
            f"{name} needs inputs of rank >= {rank} ({axes}). "
            f"Received: inputs with shape {tuple(shape)} (rank {len(shape)})."
        )


def check_call(name, inputs, rate, seed, noise_shape=None):
    """The checks every function makes; returns ``(inputs, rate, seed,
    noise_shape)`` validated (``noise_shape`` against the input too)."""
    rate = _validation.check_rate(rate)
    seed = check_seed(seed)
    noise_shape = _validation.check_noise_shape(noise_shape)
    inputs = check_inputs(inputs, name)
    _validation.check_noise_shape_broadcasts(noise_shape, inputs.shape, name)
    return inputs, rate, seed, noise_shape
