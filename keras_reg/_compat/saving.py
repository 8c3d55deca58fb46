"""Optimizers in saved files under their public class.

On torch, ``keras.optimizers.SGD`` (and every built-in optimizer) is a
torch-specific subclass, and Keras serializes it under that class's private
module (``keras.src.backend.torch.optimizers.torch_sgd``). A file that names
it loads on JAX or TensorFlow, but the torch class then fails at its first
update (it calls ``torch._foreach_*`` on the other backend's arrays). The
public class, ``keras.optimizers.SGD``, is the right optimizer on every
backend.
"""

import keras

_BACKEND_MODULES = "keras.src.backend."


def _public_class(config):
    """The public ``keras.optimizers`` class a backend-specific config names."""
    if not isinstance(config, dict):
        return None
    if not str(config.get("module", "")).startswith(_BACKEND_MODULES):
        return None
    public = getattr(keras.optimizers, str(config.get("class_name")), None)
    return public if isinstance(public, type) else None


def _with_public_class(config):
    return {**config, "module": "keras.optimizers", "registered_name": None}


def serialize_optimizer(optimizer):
    """``keras.saving.serialize_keras_object(optimizer)``, naming a built-in
    optimizer by its public class on every backend."""
    config = keras.saving.serialize_keras_object(optimizer)
    public = _public_class(config)
    if public is not None and isinstance(optimizer, public):
        config = _with_public_class(config)
    return config


def deserialize_optimizer(config, custom_objects=None):
    """``keras.saving.deserialize_keras_object(config)``, reading a built-in
    optimizer saved under a backend-specific class (keras_reg 0.1.0 on torch)
    as its public class, i.e. the current backend's."""
    if _public_class(config) is not None:
        config = _with_public_class(config)
    return keras.saving.deserialize_keras_object(config, custom_objects=custom_objects)
