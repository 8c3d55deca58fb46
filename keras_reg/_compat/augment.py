"""Augmentation: Keras's private tf.data layer base behind keras_reg's names,
and the backend ops for a tensor.

Keras runs its preprocessing layers inside ``tf.data`` under any backend by
switching a layer's ops to TensorFlow while a pipeline is traced. The base
that does it is private and was renamed: ``TFDataLayer`` (Keras 3.8) became
``DataLayer`` (later releases). Its contract (a ``DynamicBackend`` in
``self.backend``, ``seed``/``generator`` attributes read by
``_get_seed_generator``) is used only here; ``keras_reg.augment`` sees the
methods of ``PipelineLayer`` below.
"""

import importlib
import sys

import keras

try:
    from keras.src.layers.preprocessing.data_layer import DataLayer
except ImportError:  # Keras < 3.10
    from keras.src.layers.preprocessing.tf_data_layer import TFDataLayer as DataLayer
from keras.src.utils import backend_utils, jax_utils

from keras_reg._compat import random as _random


class BackendOps:
    """``keras.ops``-style names resolved in one backend's modules.

    ``keras.ops.multiply`` always dispatches to the configured backend;
    inside a tf.data pipeline under JAX or torch the tensors are
    TensorFlow's, so the augmentation code looks its ops up here, in the
    ``core``, ``numpy``, ``math``, ``nn``, ``image`` and ``linalg`` modules
    of the backend the tensors belong to (where ``keras.ops`` dispatches).
    """

    _MODULES = ("core", "numpy", "math", "nn", "image", "linalg")

    def __init__(self, backend_name):
        self.backend_name = backend_name
        self._module = importlib.import_module(f"keras.src.backend.{backend_name}")

    def __getattr__(self, name):
        for module in self._MODULES:
            fn = getattr(getattr(self._module, module), name, None)
            if fn is not None:
                break
        else:
            fn = getattr(self._module, name)
        setattr(self, name, fn)  # found once per name
        return fn


class _SymbolicOps:
    """``keras.ops`` for KerasTensors (symbolic shapes and dtypes)."""

    backend_name = None

    def __getattr__(self, name):
        fn = getattr(keras.ops, name, None) or getattr(keras.ops.image, name)
        setattr(self, name, fn)
        return fn


_OPS = {}
_SYMBOLIC_OPS = _SymbolicOps()


def backend_ops(backend_name):
    """The ``BackendOps`` of ``backend_name`` (one instance per backend)."""
    if backend_name not in _OPS:
        _OPS[backend_name] = BackendOps(backend_name)
    return _OPS[backend_name]


def is_tf_tensor(x):
    """Whether ``x`` is a TensorFlow tensor (eager or in a traced graph)."""
    tf = sys.modules.get("tensorflow")
    return tf is not None and isinstance(x, (tf.Tensor, tf.Variable))


def ops_for(x):
    """The ops for tensors like ``x``: TensorFlow's for a TensorFlow tensor
    (a tf.data pipeline under any backend), ``keras.ops`` for a KerasTensor,
    else the configured backend's. Python numbers and NumPy arrays take the
    configured backend."""
    name = keras.backend.backend()
    if name != "tensorflow" and is_tf_tensor(x):
        return backend_ops("tensorflow")
    if keras.backend.is_keras_tensor(x):
        return _SYMBOLIC_OPS
    return backend_ops(name)


def _in_traced_tf_graph(sample):
    """DataLayer's test: a TensorFlow graph (tf.data, tf.function) that is
    not a symbolic Keras call and not a JAX trace."""
    return (
        not isinstance(sample, keras.KerasTensor)
        and backend_utils.in_tf_graph()
        and not jax_utils.is_in_jax_tracing_scope(sample)
    )


class PipelineLayer(DataLayer):
    """DataLayer with the contract behind keras_reg's own names.

    * ``running_ops()`` / ``running_random()``: the ops and the random
      module of the backend this call runs on (TensorFlow's inside tf.data);
    * ``running_seed()``: the layer's seed generator for that backend;
    * ``data_key``: set by subclasses; in a traced TensorFlow graph the
      entry under it is converted to the compute dtype as DataLayer converts
      every input, while targets (labels) keep their own dtype (DataLayer
      would turn integer class labels into floats there and only there).
    """

    data_key = None

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        # Read by DataLayer._get_seed_generator.
        self.seed = seed
        self.generator = keras.random.SeedGenerator(seed)

    def running_ops(self):
        return backend_ops(self.backend.name)

    def running_random(self):
        return self.backend.random

    def running_seed(self):
        generator = self._get_seed_generator(self.backend.name)
        if self.backend.name != keras.backend.backend():
            # In a tf.data pipeline: per process by construction (seed it per
            # process, see docs/scaling.md).
            return generator
        # In the model: each replica or torch.distributed process draws its own.
        return _random.per_replica_seed(generator)

    def __call__(self, data, *args, **kwargs):
        if not isinstance(data, dict) or not _in_traced_tf_graph(keras.tree.flatten(data)[0]):
            return super().__call__(data, *args, **kwargs)
        # DataLayer.__call__'s tf.data branch, with the targets' dtypes kept.
        self.backend.set_backend("tensorflow")
        convert = self.backend.convert_to_tensor
        data = {
            key: convert(value, dtype=self.compute_dtype) if key == self.data_key
            else keras.tree.map_structure(convert, value)
            for key, value in data.items()
        }
        converts = self._convert_input_args
        self._convert_input_args = False
        try:
            return keras.layers.Layer.__call__(self, data, *args, **kwargs)
        finally:
            self.backend.reset()
            self._convert_input_args = converts


class running_like:
    """Context: ``layers`` (DataLayers called from ``parent``'s ``call``
    without their own ``__call__``) run on ``parent``'s backend."""

    def __init__(self, parent, layers):
        self.name = parent.backend.name
        self.layers = [layer for layer in layers if isinstance(layer, DataLayer)]

    def __enter__(self):
        for layer in self.layers:
            layer.backend.set_backend(self.name)

    def __exit__(self, *exc):
        for layer in self.layers:
            layer.backend.reset()


def searchsorted(ops, sorted_sequence, values, side="left"):
    """``searchsorted`` that also works on tensors of unknown length.

    Keras 3.8's TensorFlow ``searchsorted`` calls ``len()`` on its input,
    which raises TypeError inside a tf.data pipeline (unknown batch size);
    there, and only there, TensorFlow's own op is called.
    """
    try:
        return ops.searchsorted(sorted_sequence, values, side=side)
    except TypeError:
        import tensorflow as tf

        return tf.searchsorted(sorted_sequence, values, side=side, out_type=tf.int32)


def map_each(ops, fn, elems, like):
    """``ops.map(fn, elems)`` for an ``fn`` whose outputs are the rows of
    ``like`` in shape and dtype.

    Keras's TensorFlow ``map`` learns the output's type by calling ``fn`` on
    the first elements (``xs[0]``): a second trace of ``fn`` in a graph, a
    second run on the first element eagerly, and an error on an empty batch;
    here TensorFlow is given the type instead. Keras's torch ``map`` fails
    on an empty batch too: it gets ``like``'s empty rows.
    """
    if (ops.backend_name or keras.backend.backend()) != "tensorflow":
        if like.shape[0] == 0:
            return like
        return ops.map(fn, elems)
    import tensorflow as tf

    signature = tf.TensorSpec(like.shape[1:], like.dtype)
    return tf.map_fn(fn, elems, fn_output_signature=signature)
