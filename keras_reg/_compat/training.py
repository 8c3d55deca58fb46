"""Training internals a callback needs between steps: the weights as training
holds them right now, the optimizer's update counter, and a moving-average
update compiled as each backend compiles its train step."""

import keras


class AveragingUpdate:
    """After a batch, ``averages ← averages + f·(weights − averages)`` with
    ``(f, scalars) = schedule(scalars, counter)``, as one call.

    ``averages`` are tensors owned by this object, one per variable of
    ``weights`` (model variables); ``counter`` is a variable of the model's
    optimizer; ``schedule`` a hashable callable of tensors whose settings are
    compiled in as constants, ``scalars`` the list of tensors it threads
    through. The call costs what one dispatch costs on each backend, so it
    is built for that (one per batch, ~60 small operations for a CNN):

    * JAX: one ``jax.jit`` function per ``schedule`` setting for all
      instances; ``weights`` and ``counter`` are read from the in-flight
      training state (``StateReader``), so the call forces no state sync.
    * TensorFlow: a ``tf.function`` without arguments over variables that
      hold the averages and scalars and the captured model variables
      (passing tensors costs ~20 µs each a call), XLA-compiled unless a
      ``tf.distribute`` strategy runs ``fit`` (as Keras decides for its own
      train step on accelerators; here also on CPU, where fusing the
      element-wise ops into one kernel more than halves the call).
    * torch: the schedule eagerly (a dozen scalar ops), the averages updated
      in place by one fused ``torch._foreach_lerp_`` (as Keras's torch
      optimizers update their slots), without recording gradients.
    """

    def __init__(self, schedule, averages, scalars, weights, counter, model):
        self._count = len(averages)
        backend = keras.backend.backend()
        if backend == "tensorflow":
            self._init_tensorflow(schedule, averages, scalars, weights, counter, model)
        elif backend == "jax":
            self._init_jax(schedule, averages, scalars, weights, counter, model)
        else:
            self._init_torch(schedule, averages, scalars, weights, counter)

    def _init_jax(self, schedule, averages, scalars, weights, counter, model):
        self._averages, self._scalars = list(averages), list(scalars)
        self._sources = list(weights) + [counter]
        self.refresh(model)
        jitted = _jitted_average_step()

        def update():
            sources = self._reader.read()
            self._averages, self._scalars = jitted(
                schedule, self._averages, self._scalars, sources[:-1], sources[-1]
            )

        self._update = update

    def _init_tensorflow(self, schedule, averages, scalars, weights, counter, model):
        import tensorflow as tf

        held = [tf.Variable(v, trainable=False) for v in list(averages) + list(scalars)]
        self._tf_averages, self._tf_scalars = held[: self._count], held[self._count :]
        handles = [v.value for v in weights]  # the backing tf.Variables
        counter = counter.value
        jit = not tf.distribute.has_strategy() and (
            model.distribute_strategy is tf.distribute.get_strategy()
        )

        @tf.function(autograph=False, jit_compile=jit)
        def update():
            averages, scalars = average_step(
                schedule, [v.read_value() for v in self._tf_averages],
                [v.read_value() for v in self._tf_scalars],
                [tf.convert_to_tensor(h) for h in handles], tf.convert_to_tensor(counter),
            )
            for variable, value in zip(held, averages + scalars):
                variable.assign(value)

        self._update = update

    def _init_torch(self, schedule, averages, scalars, weights, counter):
        import torch

        # Owned copies: they are updated in place.
        self._averages = [torch.clone(a) for a in averages]
        self._scalars = list(scalars)

        def update():
            with torch.no_grad():
                factor, self._scalars = schedule(self._scalars, counter.value)
                values = [v.value for v in weights]
                values = [w if w.dtype == a.dtype else w.to(a.dtype)
                          for w, a in zip(values, self._averages)]
                factors = {a.dtype: factor.to(a.dtype) for a in self._averages}
                torch._foreach_lerp_(self._averages, values,
                                     [factors[a.dtype] for a in self._averages])

        self._update = update

    def refresh(self, model):
        """Locate the sources again at the start of a ``fit`` (JAX: their
        places in the training state change if trainability did)."""
        if hasattr(self, "_sources"):
            self._reader = StateReader(model, self._sources)

    def __call__(self):
        self._update()

    @property
    def averages(self):
        """The current averages (tensors; not to be written)."""
        if hasattr(self, "_tf_averages"):
            return [v.read_value() for v in self._tf_averages]
        return list(self._averages)

    @property
    def scalars(self):
        if hasattr(self, "_tf_scalars"):
            return [v.read_value() for v in self._tf_scalars]
        return list(self._scalars)


def average_step(schedule, averages, scalars, weights, counter):
    """The update as a pure function: ``(averages, scalars)`` after it."""
    factor, scalars = schedule(scalars, counter)
    averages = [
        a + (keras.ops.cast(w, a.dtype) - a) * keras.ops.cast(factor, a.dtype)
        for a, w in zip(averages, weights)
    ]
    return averages, scalars


_JITTED = []


def _jitted_average_step():
    import jax

    if not _JITTED:
        _JITTED.append(jax.jit(average_step, static_argnums=0))
    return _JITTED[0]


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


def device_copies(values):
    """Copies of ``values`` on their device, e.g. before writing them into
    variables that a JAX train step donates.

    On JAX one compiled call for the list: an eager ``jnp.copy`` is a
    dispatch of ~0.1 ms, and swapping the weights of a small CNN in and out
    of a model took 16 of them per ``fit`` (3 % of a 150 ms epoch). The
    outputs of a ``jax.jit`` call are buffers of their own.
    """
    values = list(values)
    if keras.backend.backend() == "jax" and values:
        return list(_jitted("copies")(values))
    return [keras.ops.copy(v) for v in values]


def all_equal(values, others):
    """Whether each tensor of ``values`` equals the one of ``others``
    elementwise (same dtypes), with one host sync (one call on JAX)."""
    values, others = list(values), list(others)
    if not values:
        return True
    if keras.backend.backend() == "jax":
        return bool(_jitted("all_equal")(values, others))
    equal = [keras.ops.all(keras.ops.equal(a, b)) for a, b in zip(values, others)]
    return bool(keras.ops.all(keras.ops.stack(equal)))


_JITTED_HELPERS = {}


def _jitted(name):
    if name not in _JITTED_HELPERS:
        import jax
        import jax.numpy as jnp

        if name == "copies":
            fn = jax.jit(lambda xs: [jnp.copy(x) for x in xs])
        else:
            fn = jax.jit(lambda xs, ys: jnp.all(jnp.stack(
                [jnp.all(x == y) for x, y in zip(xs, ys)])))
        _JITTED_HELPERS[name] = fn
    return _JITTED_HELPERS[name]
