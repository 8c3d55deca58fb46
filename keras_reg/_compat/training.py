"""Training internals a callback needs between steps: the weights as training
holds them right now, the optimizer's update counter, and an update compiled
as each backend compiles its train step."""

import keras


class CompiledUpdate:
    """``state ← step(state, sources)`` after a batch, as one compiled call.

    ``step(state, sources)`` is a pure function of a structure of tensors
    (``state``, which it returns updated) and of the current values of
    ``sources``, variables of ``model`` or of its optimizer. Each backend
    runs it the way its train step runs:

    * JAX: ``jax.jit`` (cached per ``step`` across instances); the sources
      are read from the in-flight training state (``StateReader``), the state
      is a structure of arrays.
    * TensorFlow: a ``tf.function`` that reads the sources and the state,
      both captured as variables, and writes the state back: no call
      arguments (passing ~25 tensors costs ~1 ms a call in TensorFlow; the
      capture halves it).
    * torch: eagerly, without recording gradients.
    """

    def __init__(self, step, state, sources, model):
        self._structure = state
        values = keras.tree.flatten(state)
        backend = keras.backend.backend()
        if backend == "tensorflow":
            self._init_tensorflow(step, values, sources)
        elif backend == "jax":
            self._values = values
            self._sources = list(sources)
            self.refresh(model)
            jitted = _jit(step)

            def update():
                new = jitted(self._pack(self._values), self._reader.read())
                self._values = keras.tree.flatten(new)

            self._update = update
        else:
            import torch

            self._values = values

            def update():
                with torch.no_grad():
                    new = step(self._pack(self._values), [v.value for v in sources])
                self._values = keras.tree.flatten(new)

            self._update = update

    def _init_tensorflow(self, step, values, sources):
        import tensorflow as tf

        state = [tf.Variable(v, trainable=False) for v in values]
        handles = [v.value for v in sources]  # the backing tf.Variables

        @tf.function(autograph=False)
        def update():
            new = step(self._pack([v.read_value() for v in state]),
                       [tf.convert_to_tensor(h) for h in handles])
            for variable, value in zip(state, keras.tree.flatten(new)):
                variable.assign(value)

        self._tf_state = state
        self._update = update

    def refresh(self, model):
        """Locate the sources again at the start of a ``fit`` (JAX: their
        places in the training state change if trainability did)."""
        if hasattr(self, "_sources"):
            self._reader = StateReader(model, self._sources)

    def _pack(self, values):
        return keras.tree.pack_sequence_as(self._structure, values)

    def __call__(self):
        self._update()

    @property
    def state(self):
        """The current state, a structure of tensors like the initial one."""
        if hasattr(self, "_tf_state"):
            return self._pack([v.read_value() for v in self._tf_state])
        return self._pack(self._values)


_JITTED = {}


def _jit(step):
    import jax

    if step not in _JITTED:
        _JITTED[step] = jax.jit(step)
    return _JITTED[step]


class StateReader:
    """Reads the current values of chosen model and optimizer variables
    during ``fit``, without forcing a state sync.

    On JAX, ``fit`` keeps the training state in ``model._jax_state`` between
    steps and writes it back to the variables only at the end of an epoch
    (or when a callback reads ``callback.model``, which costs an assignment
    of every model, optimizer and metric variable: ~0.4 ms per batch for a
    small CNN). The values are taken from there while that state is ahead of
    the variables, and from the variables otherwise (other backends, and
    between epochs). Positions are computed once per ``fit``.
    """

    _GROUPS = ("trainable_variables", "non_trainable_variables", "optimizer_variables")

    def __init__(self, model, variables):
        self.model = model
        self.variables = list(variables)
        groups = {
            "trainable_variables": model.trainable_variables,
            "non_trainable_variables": model.non_trainable_variables,
            "optimizer_variables": model.optimizer.variables,
        }
        where = {}
        for group in self._GROUPS:
            for index, variable in enumerate(groups[group]):
                where.setdefault(id(variable), (group, index))
        missing = [v.path for v in self.variables if id(v) not in where]
        if missing:
            raise ValueError(
                f"Variables {missing} belong neither to the model nor to its optimizer."
            )
        self._positions = [where[id(v)] for v in self.variables]

    def read(self):
        state = getattr(self.model, "_jax_state", None)
        if state and not getattr(self.model, "_jax_state_synced", True):
            return [state[group][index] for group, index in self._positions]
        return [v.value for v in self.variables]


def update_counter(optimizer):
    """``(variable, steps)``: the optimizer's number of real updates is
    ``variable // steps``.

    With gradient accumulation ``optimizer.iterations`` is computed from a
    private per-batch counter, and a step skipped by ``LossScaleOptimizer``
    (non-finite gradients) leaves the inner optimizer's counter unchanged;
    the counter of the innermost optimizer (``inner_optimizer`` of
    LossScaleOptimizer and keras_reg's DecoupledWeightDecay) counts exactly
    the updates applied to the weights.
    """
    iterations = optimizer.iterations
    if isinstance(iterations, keras.Variable):
        return iterations, 1
    inner = optimizer
    while getattr(inner, "inner_optimizer", None) is not None:
        inner = inner.inner_optimizer
    return inner._iterations, int(inner.gradient_accumulation_steps or 1)
