"""Model internals: every sub-layer, and training mode forced on chosen layers."""

import contextlib


def flatten_layers(model):
    """All sub-layers of ``model``, nested models and layers included."""
    # `_flatten_layers` is private but stable across Keras 3.x; the public
    # `model.layers` lists only the top level.
    return list(model._flatten_layers(include_self=False, recursive=True))


@contextlib.contextmanager
def forced_training(layers):
    """Within the block, each layer in ``layers`` runs with ``training=True``
    whatever ``training`` its caller passes; other layers are untouched.

    Keras resolves ``training`` once at the outer call and passes it down, so
    there is no public switch for "only these layers in training mode". The
    instance attribute shadows the class's ``call`` (``Layer.__call__`` looks
    ``self.call`` up on the instance) and is removed on exit.
    """
    patched = []
    try:
        for layer in layers:
            original = layer.call

            def call(*args, _original=original, **kwargs):
                kwargs["training"] = True
                return _original(*args, **kwargs)

            # object.__setattr__ bypasses Keras's attribute tracking.
            object.__setattr__(layer, "call", call)
            patched.append(layer)
        yield
    finally:
        for layer in patched:
            object.__delattr__(layer, "call")
