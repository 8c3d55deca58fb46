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
