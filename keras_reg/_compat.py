"""The one place where keras_reg relies on Keras internals or branches on
the backend (only where Keras offers no public op).

Everything here is exercised by the test suite: on the newest Keras on all
three backends (``make test``) and on the oldest Keras that
``pyproject.toml`` admits on JAX (``make test-keras-min``), so a change in
Keras shows up as a failing test rather than as a bug in a user's run.
"""

import contextlib

import keras


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


def install_weight_decay_hook(optimizer, select, coefficient):
    """Make ``optimizer`` apply ``w ← w − c·w`` to ``select(variables)``.

    Keras calls the private hook ``_apply_weight_decay(variables)`` from every
    backend's apply path at exactly the right moment: on update steps only
    (after gradient accumulation), before the gradient update (so decay uses
    the pre-update weight), inside JAX's stateless apply, and on TensorFlow
    once per step in cross-replica context. Replacing it on the instance gives
    keras_reg's decay all of that without re-implementing the apply loop.

    ``coefficient()`` returns the scalar ``c`` of the current step. The
    TensorFlow and torch branches exist because Keras offers no public op for
    them (a cross-replica update; an in-place multiply).
    """
    if keras.backend.backend() == "tensorflow":

        def hook(variables):
            import tensorflow as tf

            chosen = select(variables)
            if not chosen:
                return

            def decay_all(distribution, chosen):
                c = coefficient()

                def decay(var):
                    var.assign_sub(var * tf.cast(c, var.dtype))

                for v in chosen:
                    # tf.distribute updates the underlying tf.Variable once
                    # per step, whatever the number of replicas.
                    distribution.extended.update(v.value, decay, group=False)

            tf.__internal__.distribute.interim.maybe_merge_call(
                decay_all, optimizer._distribution_strategy, chosen
            )

    elif keras.backend.backend() == "torch":

        def hook(variables):
            import torch

            chosen = select(variables)
            if not chosen:
                return
            # Keras has no in-place multiply op; like Keras's own torch
            # optimizer, shrink all variables in one fused in-place pass
            # (an assign of w - c*w costs two extra passes over memory).
            with torch.no_grad():
                factor = 1.0 - keras.ops.convert_to_tensor(coefficient())
                torch._foreach_mul_([v.value for v in chosen], factor)

    else:

        def hook(variables):
            chosen = select(variables)
            if not chosen:
                return
            c = coefficient()
            for v in chosen:
                v.assign(v - v * keras.ops.cast(c, v.dtype))

    object.__setattr__(optimizer, "_apply_weight_decay", hook)


def register_regularizer_names(classes):
    """Let ``keras.regularizers.get("keras_reg>L2")`` find keras_reg classes.

    For strings, Keras's ``regularizers.get`` only consults its private table
    of built-ins (not the serialization registry), so the registered names
    are added to that table.
    """
    from keras.src import regularizers as keras_regularizers

    for cls in classes:
        name = f"keras_reg>{cls.__name__}"
        keras_regularizers.ALL_OBJECTS_DICT[name] = cls


def per_replica_seed(generator):
    """The seed a dropout layer should draw from: ``generator`` itself, or,
    inside a ``tf.distribute`` replica context with several replicas, a view
    of it that folds in the replica id.

    Every replica of a MirroredStrategy reads the same SeedGenerator state, so
    without this all replicas would draw the same mask (measured: identical
    masks on both replicas of a 2-CPU MirroredStrategy, for Keras's own
    Dropout too). JAX's ``keras.distribution`` jit-compiles one global program
    and needs nothing.
    """
    if keras.backend.backend() != "tensorflow":
        return generator
    import tensorflow as tf

    context = tf.distribute.get_replica_context()
    if context is None or context.num_replicas_in_sync == 1:
        return generator
    return _ReplicaFoldedSeed(generator, context.replica_id_in_sync_group)


class _ReplicaFoldedSeed(keras.random.SeedGenerator):
    """A view of a SeedGenerator with the replica id folded into its key.

    A subclass so that ``keras.random`` accepts it as a seed; the base
    ``__init__`` is not called, so no second state variable is created.
    """

    def __init__(self, base, replica_id):
        self._base = base
        self._replica_id = replica_id

    def next(self, ordered=True):
        seed = self._base.next(ordered=ordered)
        # A large odd multiplier moves each replica's key far from the
        # others'; the second word stays the step counter.
        offset = keras.ops.cast(self._replica_id, seed.dtype) * 1_000_003
        return seed + keras.ops.stack([offset, keras.ops.zeros_like(offset)])


# --- augmentation layers -------------------------------------------------
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


def next_seed_state(seed):
    """``seed.next()`` (the state, then advance the counter), traceable by
    ``torch.compile``.

    Keras's ``SeedGenerator.next`` builds its increment with ``np.array``,
    which torch.compile cannot trace: each dropout layer then splits the
    compiled graph in two (measured: a 3.2 M-element Dropout forward took
    78 ms instead of 7 ms under torch.compile). The same update is written
    here with tensor ops; other seed objects (e.g. the replica-folded view
    below) keep their own ``next``.
    """
    if type(seed) is not keras.random.SeedGenerator:
        return seed.next()
    # `* 1` copies: torch's assign writes in place into the same storage.
    state = seed.state.value * 1
    step = keras.ops.cast(keras.ops.arange(2) == 1, state.dtype)  # [0, 1]
    seed.state.assign(state + step)
    return state


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
