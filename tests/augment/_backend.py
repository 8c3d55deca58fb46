"""Running the functional ops in tests the way each backend starts fastest."""

import keras


def compiled(fn):
    """``fn`` under ``jax.jit`` on JAX, as it is elsewhere.

    JAX's eager mode compiles every primitive separately on a first call (18 s
    for one pitch shift, 3.5 s under one ``jax.jit``); TensorFlow and torch
    run the same calls eagerly in about a second. Tests of the layers
    themselves call them eagerly, as a user would.
    """
    if keras.backend.backend() == "jax":
        import jax

        return jax.jit(fn)
    return fn


def eagerly():
    """A context where the control flow of ``keras.ops`` (``map``,
    ``fori_loop``, ``switch``) runs as Python loops and branches, so a test
    can count what runs. TensorFlow and torch do so outside a graph; JAX
    needs ``jax.disable_jit``."""
    if keras.backend.backend() == "jax":
        import jax

        return jax.disable_jit()
    import contextlib

    return contextlib.nullcontext()
