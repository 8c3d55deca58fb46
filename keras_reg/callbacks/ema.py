"""Exponential moving average of the weights, with warmup."""

import keras

from keras_reg import _validation
from keras_reg._compat import training as _compat
from keras_reg.callbacks import _arguments, _averaging, _config, _ema_source
from keras_reg.callbacks._swap import AverageSwap
from keras_reg.optimizers.ema_optimizer import SCHEDULE_ARGUMENTS, EMAOptimizer


@keras.saving.register_keras_serializable(package="keras_reg")
class ExponentialMovingAverage(_config.ArgumentsConfig, keras.callbacks.Callback):
    """Keep an exponential moving average (EMA) of the weights; evaluate and
    finish with it.

    After every optimizer update the average moves towards the weights:
    ``ema ← d_k·ema + (1 − d_k)·w``. ``k = 1, 2, …`` numbers the updates
    after the first ``start_step``; update 1 copies the weights (``d_1 = 0``),
    as does every update before it. With ``warmup`` the decay grows with
    ``k`` as in timm's ``ModelEmaV3``,

        d_k = min(decay, 1 − (1 + (k − 1)/γ)^(−p)),

    so early averages are not dominated by the initial weights; without it
    ``d_k = decay`` for ``k >= 2``. Batches that only accumulate gradients
    (``gradient_accumulation_steps``) and steps skipped by loss scaling
    (mixed precision) are not updates. With ``steps_per_execution = n`` the
    average sees the weights once per ``n`` updates and applies the decay
    ``n`` times.

    ``average_non_trainable=True`` (the default, as in timm) also averages
    the non-trainable float weights — BatchNormalization's moving mean and
    variance — so that the averaged model uses statistics averaged over the
    same horizon as its weights; with ``False`` the average model uses the
    training model's current statistics (Keras's ``use_ema``).

    Validation during ``fit`` runs on the averaged weights (as with
    ``keras.callbacks.SwapEMAWeights``). With ``swap_on_epoch=True`` the model
    also holds them at the end of each epoch, so that the callbacks listed
    **after** this one — keras_reg's ``EarlyStopping``, ``ModelCheckpoint`` —
    see, keep and restore the averaged weights; training resumes from the
    training weights at the next epoch. When ``fit`` ends the model holds the
    averaged weights, so ``model.save``, ``predict`` and
    ``keras_reg.uncertainty.mc_predict`` use them. The next ``fit`` with
    this callback continues the training weights and the average where they
    were (unless the model's weights were changed in between, e.g. by
    ``EarlyStopping`` restoring an epoch: then training continues from them).

    The update runs at the start of the next batch (and before validation
    and at the end of each epoch) as one compiled call over all the averaged
    weights, without a host sync; the average lives in memory, not in the
    model or optimizer, so saved files are unchanged. It is not saved by
    ``BackupAndRestore``: after a resume the average restarts from the
    resumed weights.

    **Inside the train step.** That call costs a fixed 0.1–1.5 ms per batch
    on a CPU, 2–24 % of a small CNN's step. Compile the model with
    ``ema.wrap_optimizer(optimizer)`` (a ``keras_reg.optimizers.EMAOptimizer``
    with this callback's settings) and the trainable weights are averaged by
    the optimizer, inside the step ``fit`` compiles; this callback finds it,
    reads the averages from it and does the rest as above, updating itself
    only the non-trainable weights (when ``average_non_trainable`` and the
    model has any: an optimizer never sees them). The averages then count
    the optimizer's updates from its first, are saved with the optimizer
    (``model.save``), and ``update_every`` must be 1.

    Args:
        decay: the decay ``d`` in ``[0, 1)``, e.g. 0.999 (a horizon of about
            ``1/(1 − d)`` updates).
        warmup: whether the decay follows the warmup above.
        warmup_gamma: ``γ > 0`` of the warmup.
        warmup_power: ``p > 0`` of the warmup (timm: 2/3 for runs of about
            a million steps, 3/4 for shorter ones).
        start_step: optimizer updates to leave out before averaging (>= 0).
        update_every: take the weights in every this many batches (>= 1);
            the updates in between are applied as ``n`` updates with these
            weights (the decay ``n`` times). 1 (exact) costs one compiled
            update per batch: see the docs for what that is on each backend.
        average_non_trainable: also average non-trainable float weights.
        swap_on_epoch: hold the averaged weights at each epoch's end.

    Example:

    ```python
    ema = keras_reg.callbacks.ExponentialMovingAverage(0.999, swap_on_epoch=True)
    stop = keras_reg.callbacks.EarlyStopping("val_loss", patience=5)
    model.fit(x, y, validation_split=0.1, epochs=50, callbacks=[ema, stop])
    ```

    Reference:
        Polyak & Juditsky, "Acceleration of stochastic approximation by
        averaging", SIAM J. Control Optim. 1992; the warmup from timm
        (Wightman, pytorch-image-models, ``timm.utils.ModelEmaV3``).
    """

    def __init__(self, decay=0.999, warmup=True, warmup_gamma=1.0, warmup_power=2.0 / 3.0,
                 start_step=0, update_every=1, average_non_trainable=True,
                 swap_on_epoch=False):
        super().__init__()
        self.decay = _validation.check_rate(decay, name="decay")
        self.warmup = bool(warmup)
        self.warmup_gamma = _arguments.check_positive(warmup_gamma, "warmup_gamma")
        self.warmup_power = _arguments.check_positive(warmup_power, "warmup_power")
        self.start_step = _arguments.check_count(start_step, "start_step")
        self.update_every = _validation.check_positive_int(update_every, "update_every")
        self.average_non_trainable = bool(average_non_trainable)
        self.swap_on_epoch = bool(swap_on_epoch)
        self._swap = None  # the averaged variables (AverageSwap)
        self._source = None  # the EMAOptimizer averaging the trainable ones, if any
        self._own = []  # the variables this callback averages itself
        self._bound = False  # within a fit, after on_train_begin
        # (averages, scalars) while no compiled update holds them.
        self._state = None
        self._update = None  # the compiled update (_compat.AveragingUpdate)
        self._bound_to = None  # what it was made for: variables, counter, steps
        self._placed = False  # fit ended with the averages put in the model
        self._pending = 0  # batches run since the last update
        self._for_test = False

    # -- where the averages come from -------------------------------------------------

    def wrap_optimizer(self, optimizer):
        """``optimizer`` wrapped in an ``EMAOptimizer`` with this callback's
        settings: the trainable weights are then averaged inside the train
        step (see the class docstring)."""
        return EMAOptimizer(optimizer, **self._schedule_settings())

    def _schedule_settings(self):
        return {name: getattr(self, name) for name in SCHEDULE_ARGUMENTS}

    def _start(self, model, source):
        """Begin a new average from the model's current weights."""
        own = [] if source is not None else model.trainable_weights
        if self.average_non_trainable:
            own = own + [v for v in model.non_trainable_weights if _averaging.is_float(v)]
        from_source = source.averaged_variables if source is not None else []
        self._swap = AverageSwap(from_source + own)
        self._source, self._own = source, own
        averages = [keras.ops.cast(keras.ops.copy(v.value), _averaging.averaged_dtype(v))
                    for v in own]
        self._state = (averages, None)
        self._update = self._bound_to = None
        self._placed = False

    def _current_averages(self):
        own = self._state[0] if self._update is None else self._update.averages
        if self._source is None:
            return own
        if self._source.updates_counted == 0:  # no average yet: the weights
            return [v.value for v in self._source.averaged_variables] + list(own)
        return [a.value for a in self._source.averages] + list(own)

    def _bind(self, model):
        """The compiled update for this fit: the one of the last fit if the
        model, its optimizer's counter and accumulation are the same."""
        counter, steps = _compat.update_counter(model.optimizer)
        variables = self._own
        bound_to = ([id(v) for v in variables], id(counter), steps)
        if self._update is not None and bound_to == self._bound_to:
            self._update.refresh(model)
            return
        if not variables:  # all averaged by the EMAOptimizer
            self._bound_to = bound_to
            return
        if self._update is not None:
            self._state = (self._update.averages, self._update.scalars)
        averages, scalars = self._state
        # A copy: the counter's own buffer is updated in place (or donated).
        last_updates = keras.ops.floor_divide(keras.ops.copy(counter.value), steps)
        if scalars is None:  # the first fit: count the updates from now, or
            # from where the EMAOptimizer's count is (one warmup for both).
            counted = 0 if self._source is None else self._source.updates_counted
            scalars = [last_updates, keras.ops.zeros_like(last_updates) + counted]
        elif self._bound_to is None or bound_to[1] != self._bound_to[1]:
            # A new optimizer: count its updates from now, continuing the count.
            scalars = [last_updates, keras.ops.cast(scalars[1], last_updates.dtype)]
        schedule = _averaging.EMASchedule(self.decay, self.warmup, self.warmup_gamma,
                                          self.warmup_power, self.start_step, steps)
        self._update = _compat.AveragingUpdate(schedule, averages, scalars, variables, counter,
                                               model)
        self._state, self._bound_to = None, bound_to

    def _advance(self):
        if self._update is not None:
            self._update()
        self._pending = 0

    def _flush(self):
        if self._pending:
            self._advance()

    @property
    def averages(self):
        """The averaged weights as NumPy arrays, in the order of
        ``variables``, or None before training."""
        if self._swap is None:
            return None
        return [keras.ops.convert_to_numpy(a) for a in self._current_averages()]

    @property
    def variables(self):
        """The model variables that are averaged (None before training)."""
        return None if self._swap is None else list(self._swap.variables)

    def _continue_training_weights(self):
        """At a later fit: put the training weights back if the model still
        holds the averages this callback left in it (or swapped in before a
        fit that did not end normally)."""
        if self._swap.holds_average:
            if not self._placed or self._swap.still_holds(self._current_averages()):
                self._swap.take_out()
            else:  # changed since: training continues from the new weights
                self._swap = AverageSwap(self._swap.variables)
        self._placed = False

    # -- callback hooks ----------------------------------------------------------

    def on_train_begin(self, logs=None):
        model = self.model
        if not model.built:
            raise ValueError(
                "ExponentialMovingAverage needs the model's weights at the start of `fit`, "
                "and this model is not built yet (TensorFlow builds it in the first step): "
                "give it an input shape (`keras.Input(shape)`) or call `model.build(...)`."
            )
        source = _ema_source.find_source(model, self._schedule_settings(), self.update_every)
        known = {id(v) for v in model.weights}
        same_variables = self._swap is not None and all(
            id(v) in known for v in self._swap.variables)
        if same_variables:
            self._continue_training_weights()
        if not same_variables or source is not self._source:
            # A new model, or a new optimizer (recompiled): a new average.
            self._start(model, source)
        self._bind(model)
        self._check_start_within_run()
        self._pending = 0
        self._bound = True
        if source is not None:  # this callback puts the averages in at the end
            source._places_averages = False

    def _check_start_within_run(self):
        """Raise, before any training, if ``start_step`` lies beyond the
        updates this fit can make (when the number of batches is known)."""
        batches = self.params.get("steps") if self.params else None
        if not self.start_step or not batches:
            return
        if self._source is not None:
            done = self._source.updates_counted
        else:
            done = int(keras.ops.convert_to_numpy(self._update.scalars[1]))
        run = self.params["epochs"] * batches // self._bound_to[2]
        if self.start_step >= done + run:
            raise ValueError(
                f"Argument `start_step` must be below the number of optimizer updates "
                f"({done} so far + at most {run} in this fit): the average would never "
                f"start. Received: start_step={self.start_step}."
            )

    def on_train_batch_begin(self, batch, logs=None):
        if self._pending >= self.update_every:
            self._advance()
        self._pending += 1

    def on_test_begin(self, logs=None):
        if not self._bound:
            return
        self._flush()
        if not self._swap.holds_average:
            self._swap.put(self._current_averages())
            self._for_test = True

    def on_test_end(self, logs=None):
        if self._for_test:
            self._swap.take_out()
            self._for_test = False

    def on_epoch_end(self, epoch, logs=None):
        self._flush()
        if self.swap_on_epoch and not self._swap.holds_average:
            self._swap.put(self._current_averages())

    def on_epoch_begin(self, epoch, logs=None):
        if self._swap.holds_average:
            self._swap.take_out()

    def on_train_end(self, logs=None):
        self._flush()
        # Again if the model holds them: a callback listed before this one
        # may have written the weights since the epoch ended; the last one
        # to write wins.
        self._swap.put(self._current_averages())
        self._placed = True
        self._bound = False
        if self._source is not None:
            self._source._places_averages = True

