"""Layer internals: marking a stateless layer built when it is created."""

from keras.src.utils import python_utils


def build_at_init(layer):
    """Mark ``layer`` built at the end of its ``__init__``, as Keras does for
    its own stateless layers (``Dropout``, ``GaussianDropout``, ...).

    A built layer can be ``stateless_call``-ed on JAX before it has seen
    data, and ``keras.src.testing.TestCase.run_layer_test`` expects it. As in
    Keras, a subclass that overrides ``build`` is left unbuilt so that its
    ``build`` still runs on the first call.

    Keras >= 3.9 has ``Layer._build_at_init()``; Keras 3.8 set ``built = True``
    by hand in each such layer. The fallback repeats the steps of the newer
    method: on torch, ``_post_build`` registers the seed generator's state as
    a torch parameter, and ``_lock_state`` refuses new state afterwards.
    """
    method = getattr(layer, "_build_at_init", None)
    if method is not None:
        method()
    elif python_utils.is_default(layer.build):
        layer.built = True
        layer._post_build()
        layer._lock_state()
