"""How the current call runs: eagerly, in a TensorFlow graph, or traced by a
compiler. keras_reg's random sources are chosen by it
(``keras_reg/ops/_random_source.py``); each backend answers differently, so
the question is asked here.
"""

import keras

EAGER = "eager"  # op by op: torch eager, TensorFlow eager, JAX outside a trace
GRAPH = "graph"  # a TensorFlow graph (tf.function) that XLA does not compile
XLA = "xla"  # TensorFlow under XLA (tf.function(jit_compile=True), `fit`'s default)
JIT = "jit"  # traced by JAX (jax.jit, jax.grad, ...; every Keras JAX `fit`)
COMPILE = "compile"  # traced by torch.compile (TorchDynamo)
MODES = (EAGER, GRAPH, XLA, JIT, COMPILE)


def execution_mode(tensor):
    """The mode a computation on ``tensor`` runs in now, one of ``MODES``.

    - torch: ``torch.compiler.is_compiling()`` (public), which TorchDynamo
      folds to a constant while it traces.
    - JAX: whether ``tensor`` is a tracer (any transformation: a computation
      on a tracer is staged out, not run op by op).
    - TensorFlow: ``tf.executing_eagerly()`` (public), then whether the
      function being traced, or one it is traced inside, is compiled by XLA.
      TensorFlow has no public query for that; ``tf.function(jit_compile=True)``
      marks the graph it traces in with an XLA control-flow context, which
      ``control_flow_util`` (private) reads. If that import ever fails, a
      graph counts as XLA: the sources chosen for XLA are the fast ones in
      plain graphs too, only not always the fastest.
    """
    backend = keras.backend.backend()
    if backend == "torch":
        import torch

        return COMPILE if torch.compiler.is_compiling() else EAGER
    if backend == "jax":
        import jax

        return JIT if isinstance(tensor, jax.core.Tracer) else EAGER
    if backend == "tensorflow":
        import tensorflow as tf

        if tf.executing_eagerly():
            return EAGER
        return XLA if _in_xla_context(tf) else GRAPH
    return EAGER  # NumPy and other backends run op by op


def _in_xla_context(tf):
    try:
        from tensorflow.python.ops import control_flow_util
    except ImportError:  # pragma: no cover - a TensorFlow that moved it
        return True
    return control_flow_util.GraphOrParentsInXlaContext(tf.compat.v1.get_default_graph())


def on_accelerator(tensor):
    """Whether eager ``tensor`` lives on a GPU or TPU (False for a CPU tensor,
    a NumPy array or anything this cannot tell).

    Eager draws ask this: on an accelerator each eager op is a kernel launch
    and a full pass over memory, so one call of the backend's generator beats
    the counter hash's ~25 (``keras_reg/ops/_random_source.py``). Each backend
    keeps the device differently: torch ``tensor.device.type``, a JAX array
    ``tensor.devices()``, a TensorFlow eager tensor ``tensor.device``.
    """
    backend = keras.backend.backend()
    try:
        if backend == "torch":
            return tensor.device.type not in ("cpu", "meta")
        if backend == "jax":
            return any(d.platform != "cpu" for d in tensor.devices())
        if backend == "tensorflow":
            return any(kind in tensor.device for kind in (":GPU:", ":TPU:"))
    except (AttributeError, TypeError):  # NumPy inputs, tracers, symbolic tensors
        return False
    return False


def computed_once(tensor):
    """``tensor``, made to be computed once, where a compiler would recompute
    it inside the loop of a larger tensor it broadcasts against.

    TorchInductor inlines small element-wise producers into their consumers:
    a ``SpatialDropout2D`` mask of batch x channels got its ~15-op hash
    recomputed for every element of the input (1.3–1.5× a copy of it where a
    plain broadcast multiply runs at the copy's speed). Under
    ``torch.compile`` the tensor goes through a custom op (``torch.library``,
    public) that the compiler cannot see into, so it is materialized; XLA and
    eager modes do not need it and get ``tensor`` back.
    """
    if _opaque_copy is None or execution_mode(tensor) != COMPILE:
        return tensor
    return _opaque_copy(tensor)


def _register_torch_opaque_copy():
    # At import, not on first use: TorchDynamo cannot trace the registration
    # (a first call under torch.compile(fullgraph=True) raised).
    import torch

    @torch.library.custom_op("keras_reg::opaque_copy", mutates_args=())
    def opaque_copy(x: torch.Tensor) -> torch.Tensor:
        return x.clone()

    @opaque_copy.register_fake
    def _(x):
        return torch.empty_like(x)

    # A copy passes its gradient through (no caller needs it today: a mask's
    # factor does not require grad).
    opaque_copy.register_autograd(lambda ctx, grad: grad)
    return opaque_copy


_opaque_copy = _register_torch_opaque_copy() if keras.backend.backend() == "torch" else None
