"""The exponential moving average of the weights, updated inside the train
step by the optimizer that updates them."""

import keras

from keras_reg import _validation
from keras_reg._compat import optimizers as _compat
from keras_reg._compat import training as _compat_training
from keras_reg.callbacks import _arguments as _callback_arguments
from keras_reg.callbacks import _averaging
from keras_reg.optimizers._wrapper import OptimizerWrapper

SCHEDULE_ARGUMENTS = ("decay", "warmup", "warmup_gamma", "warmup_power", "start_step")


@keras.saving.register_keras_serializable(package="keras_reg")
class EMAOptimizer(OptimizerWrapper):
    """Any Keras optimizer that also keeps an exponential moving average of
    the weights it updates, inside the compiled train step.

    After each update of the wrapped optimizer the average of every
    trainable variable moves towards it, ``ema ← d_k·ema + (1 − d_k)·w``,
    with the decay of ``keras_reg.callbacks.ExponentialMovingAverage``
    (update ``k = 1`` after the first ``start_step`` copies the weights, as do
    all before it; with ``warmup``, ``d_k = min(decay, 1 − (1 + (k −
    1)/γ)^(−p))``). ``k`` counts the wrapped optimizer's real updates since
    this wrapper was built: batches that only accumulate gradients and steps
    that loss scaling skips are not updates.

    It is the fast path of that callback: the callback's own update is one
    compiled call per batch (+2 to +24 % of a small CNN's step on a CPU),
    while this one runs inside the step that ``fit`` compiles (+1 to +5 %).
    Build it from the callback, ``ema.wrap_optimizer(optimizer)``, so both
    hold the same settings; the callback then reads the averages from here
    and keeps doing the rest (validation on the averages, ``swap_on_epoch``,
    the model holding them after ``fit``, and, with
    ``average_non_trainable``, averaging BatchNormalization statistics,
    which an optimizer never sees). Without the callback, the model's
    trainable weights are replaced by their averages when ``fit`` ends, as
    Keras's ``use_ema`` does (a later ``fit`` then continues from them).

    The averages are optimizer variables (float32 for float16 or bfloat16
    weights): ``model.save`` keeps them (the model's weights in the file are
    then the averages the callback put in, the training weights are not
    saved — as with ``use_ema``), and they survive any number of ``fit``
    calls on every backend. ``LossScaleOptimizer`` goes outside
    (``compile`` puts it there under ``mixed_float16``);
    ``DecoupledWeightDecay`` may be wrapped.

    Args:
        optimizer: the optimizer that computes the updates.
        decay: the decay ``d`` in ``[0, 1)``.
        warmup: whether the decay follows the warmup above.
        warmup_gamma: ``γ > 0`` of the warmup.
        warmup_power: ``p > 0`` of the warmup.
        start_step: updates to leave out before averaging (>= 0).
        name: the optimizer's name.

    Example:

    ```python
    ema = keras_reg.callbacks.ExponentialMovingAverage(0.999)
    model.compile(optimizer=ema.wrap_optimizer(keras.optimizers.AdamW(1e-3)),
                  loss="sparse_categorical_crossentropy")
    model.fit(x, y, validation_split=0.1, epochs=20, callbacks=[ema])
    ```

    Reference:
        Polyak & Juditsky, "Acceleration of stochastic approximation by
        averaging", SIAM J. Control Optim. 1992; the warmup from timm
        (``timm.utils.ModelEmaV3``).
    """

    def __init__(self, optimizer, decay=0.999, warmup=True, warmup_gamma=1.0,
                 warmup_power=2.0 / 3.0, start_step=0, name=None, **kwargs):
        optimizer = _check_optimizer(optimizer)
        if kwargs:
            raise ValueError(
                f"EMAOptimizer takes no optimizer arguments ({', '.join(sorted(kwargs))}); "
                "set them on the wrapped optimizer."
            )
        decay = _validation.check_rate(decay, name="decay")
        warmup_gamma = _callback_arguments.check_positive(warmup_gamma, "warmup_gamma")
        warmup_power = _callback_arguments.check_positive(warmup_power, "warmup_power")
        start_step = _callback_arguments.check_count(start_step, "start_step")
        super().__init__(optimizer, name=name or f"{optimizer.name}_ema")
        self.decay, self.warmup = decay, bool(warmup)
        self.warmup_gamma, self.warmup_power = warmup_gamma, warmup_power
        self.start_step = start_step
        self._averaged = []  # the variables averaged, in the order of `averages`
        self._averages = []
        self._counted = None  # real updates of the wrapped optimizer since build
        self._places_averages = True  # at the end of the next fit (the callback: no)

    @property
    def schedule_settings(self):
        """The averaging settings, by argument name."""
        return {name: getattr(self, name) for name in SCHEDULE_ARGUMENTS}

    def build(self, var_list):
        if self.built:  # e.g. by the callback, then by LossScaleOptimizer
            return
        super().build(var_list)
        self._averaged = list(var_list)
        # Updated in replica context under tf.distribute, where every replica
        # holds the same weights: the first replica's value stands.
        for variable in self._averaged:
            self._averages.append(self.add_variable(
                shape=variable.shape, dtype=_averaging.averaged_dtype(variable),
                aggregation="only_first_replica",
                name=f"{variable.name}_average",
            ))
        counter, _ = _compat_training.update_counter(self.inner_optimizer)
        self._counted = self.add_variable(shape=(), dtype=counter.dtype,
                                          aggregation="only_first_replica",
                                          name="updates_counted")

    @property
    def variables(self):
        return self.inner_optimizer.variables + self._averages + [self._counted]

    def apply(self, grads, trainable_variables=None):
        counter, steps = _compat_training.update_counter(self.inner_optimizer)
        # Before and after this call (a new tensor: torch updates the counter
        # in place): 1 after a real update, 0 after a batch that only
        # accumulated gradients. No state from earlier calls is needed, so an
        # assign made while TensorFlow builds the optimizer in a discarded
        # first trace cannot leave it wrong.
        before = keras.ops.floor_divide(counter.value, steps)
        super().apply(grads, trainable_variables)
        new = keras.ops.floor_divide(counter.value, steps) - before
        count = self._counted.value + new
        factor = _averaging.step_factor(count, new, self.start_step, 1.0 - self.decay,
                                        self.warmup, self.warmup_gamma, self.warmup_power)
        _compat.move_towards(self._averages, self._averaged, factor)
        self._counted.assign(count)

    @property
    def averages(self):
        """The averages (optimizer variables), in the order of
        ``averaged_variables``: none before the optimizer is built, zeros
        until its first counted update."""
        return list(self._averages)

    @property
    def averaged_variables(self):
        """The model variables that are averaged."""
        return list(self._averaged)

    @property
    def updates_counted(self):
        """Real updates of the wrapped optimizer since this one was built (an
        int; ``k = updates_counted − start_step`` numbers the last average)."""
        return 0 if self._counted is None else int(
            keras.ops.convert_to_numpy(self._counted.value))

    def finalize_variable_values(self, var_list):
        super().finalize_variable_values(var_list)
        # One fit at a time: the callback turns placing off for its fit only,
        # even if that fit ends in an exception (JAX finalizes in `finally`).
        places, self._places_averages = self._places_averages, True
        # Only once an average exists (the first counted update copies).
        if places and self.updates_counted > self.start_step:
            for variable, average in zip(self._averaged, self._averages):
                # A copy: on JAX a variable sharing its buffer with another
                # fails the next fit, which donates both ("Attempt to donate
                # the same buffer twice" — Keras's use_ema after two fits).
                variable.assign(keras.ops.copy(keras.ops.cast(average.value, variable.dtype)))

    def get_config(self):
        return self._wrapper_config(self.schedule_settings)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        optimizer, config = cls._split_wrapper_config(config, custom_objects)
        return cls(optimizer, **config)


def _check_optimizer(optimizer):
    if not isinstance(optimizer, keras.optimizers.Optimizer):
        raise TypeError(
            "Argument `optimizer` must be a keras.optimizers.Optimizer instance. "
            f"Received: optimizer={optimizer!r}."
        )
    if isinstance(optimizer, (keras.optimizers.LossScaleOptimizer, EMAOptimizer)) or getattr(
            optimizer, "use_ema", False):
        raise ValueError(
            f"Argument `optimizer` must not be a {type(optimizer).__name__} or use "
            "`use_ema=True`: LossScaleOptimizer goes outside EMAOptimizer, and one average "
            f"is enough. Received: optimizer={optimizer.name!r}."
        )
    return optimizer

