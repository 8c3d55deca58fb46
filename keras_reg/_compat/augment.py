"""Augmentation layers: Keras's private tf.data layer base, and backend-specific ops."""

import keras

# Keras runs its preprocessing layers inside tf.data under any backend by
# switching a layer's ops to TensorFlow while tracing the pipeline. The base
# that does this is private and was renamed: TFDataLayer (Keras 3.8) became
# DataLayer (later releases). keras_reg.augment builds on whichever exists.
# (noqa: re-exported for keras_reg.augment; `ruff --fix` would delete them.)
try:
    from keras.src.layers.preprocessing.data_layer import DataLayer  # noqa: F401
except ImportError:  # Keras < 3.10
    from keras.src.layers.preprocessing.tf_data_layer import (  # noqa: F401
        TFDataLayer as DataLayer,
    )


class BackendOps:
    """``keras.ops``-style names resolved on the backend a DataLayer runs on.

    ``keras.ops.multiply`` always dispatches to the configured backend; inside
    a tf.data pipeline under JAX or torch the tensors are TensorFlow's, so an
    augmentation layer calls ``self.ops.multiply`` instead, which this class
    looks up in the active backend's ``core``, ``numpy``, ``math``, ``nn``,
    ``image`` and ``linalg`` modules (where ``keras.ops`` itself dispatches).
    """

    _MODULES = ("core", "numpy", "math", "nn", "image", "linalg")

    def __init__(self, dynamic_backend):
        self._backend = dynamic_backend

    @property
    def backend_name(self):
        return self._backend.name

    def __getattr__(self, name):
        for module in self._MODULES:
            fn = getattr(getattr(self._backend, module), name, None)
            if fn is not None:
                return fn
        return getattr(self._backend, name)


def searchsorted(backend_ops, sorted_sequence, values, side="left"):
    """``searchsorted`` that also works on tensors of unknown length.

    Keras 3.8's TensorFlow ``searchsorted`` calls ``len()`` on its input,
    which raises TypeError inside a tf.data pipeline (unknown batch size);
    there, and only there, TensorFlow's own op is called.
    """
    try:
        return backend_ops.searchsorted(sorted_sequence, values, side=side)
    except TypeError:
        import tensorflow as tf

        return tf.searchsorted(sorted_sequence, values, side=side, out_type=tf.int32)


def native_affine_transform(backend_ops):
    """Whether ``affine_transform`` is a native kernel on the backend of
    ``backend_ops`` (a ``BackendOps`` or ``keras.ops``).

    Only TensorFlow's is (ImageProjectiveTransformV3, 5x faster than a
    gather); Keras's torch version loops over samples and channels in Python
    and its JAX version vmaps ``map_coordinates``, both slower than the
    vectorized gather in ``augment.image._functional``.
    """
    name = getattr(backend_ops, "backend_name", None) or keras.backend.backend()
    return name == "tensorflow"
