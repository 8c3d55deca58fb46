"""Decoupled weight decay as a wrapper around any Keras optimizer."""

import math
import re

import keras

from keras_reg import _validation
from keras_reg._compat import optimizers as _compat

DECAY_MODES = ("lr", "schedule", "constant")
_Schedule = keras.optimizers.schedules.LearningRateSchedule


def _check_weight_decay(weight_decay):
    if isinstance(weight_decay, _Schedule):
        return weight_decay
    return _validation.check_non_negative(weight_decay, "weight_decay")


def _check_exclude(exclude):
    if exclude is None:
        return []
    if isinstance(exclude, str):
        exclude = [exclude]
    patterns = list(exclude)
    for p in patterns:
        if not isinstance(p, str):
            raise TypeError(
                "Argument `exclude` must be a list of regex strings matched "
                f"against variable paths. Received an element {p!r} "
                f"(type {type(p).__name__})."
            )
        try:
            re.compile(p)
        except re.error as e:
            raise ValueError(
                f"Argument `exclude` has an invalid regex {p!r}: {e}."
            ) from None
    return patterns


def _initial_learning_rate(optimizer):
    lr = optimizer._learning_rate
    if isinstance(lr, _Schedule):
        return float(keras.ops.convert_to_numpy(lr(0)))
    return float(keras.ops.convert_to_numpy(optimizer.learning_rate))


@keras.saving.register_keras_serializable(package="keras_reg")
class DecoupledWeightDecay(keras.optimizers.Optimizer):
    """Add decoupled weight decay to any Keras optimizer.

    At every update step, before the wrapped optimizer applies its gradient
    update, each decayed variable shrinks towards zero (Loshchilov & Hutter,
    "Decoupled Weight Decay Regularization", ICLR 2019, Algorithm 2):

        decay_mode="lr":        w ← w − lr_t · λ_t · w          (torch.optim.AdamW, Keras)
        decay_mode="schedule":  w ← w − (lr_t / lr_0) · λ_t · w (the paper's η_t)
        decay_mode="constant":  w ← w − λ_t · w                 (TensorFlow Addons)

    ``lr_t`` is the wrapped optimizer's learning rate at step ``t`` (schedules
    included), ``lr_0`` its learning rate at step 0, and ``λ_t`` is
    ``weight_decay`` (a float, or a ``LearningRateSchedule`` evaluated at the
    step). The decay uses the weight from before the step's gradient update.
    "schedule" mode makes ``λ`` independent of the base learning rate.

    Which variables decay: with ``exclude_bias_and_norm=True`` (default) no
    variable of rank <= 1 — biases, BatchNorm/LayerNorm scales and offsets —
    as in timm and most transformer recipes (Keras decays them). ``exclude``
    lists regexes searched in each variable's **path** (``"dense_1/kernel"``,
    ``"embedding"``), so one layer can be excluded without excluding every
    variable sharing its leaf name.

    The decay runs through Keras's own weight-decay hook, so it happens only
    on real update steps with ``gradient_accumulation_steps``, composes with
    ``use_ema``, ``LossScaleOptimizer`` (wrap this optimizer in it, as
    ``mixed_float16`` does automatically) and ``tf.distribute`` (once per
    step, not once per replica), and works in jit-compiled ``fit`` on every
    backend. The wrapped optimizer's own ``weight_decay`` must be unset.

    Args:
        optimizer: the ``keras.optimizers.Optimizer`` to wrap.
        weight_decay: ``λ >= 0``, or a ``LearningRateSchedule`` giving ``λ_t``.
        decay_mode: ``"lr"``, ``"schedule"`` or ``"constant"`` (see above).
        exclude: regex string(s) matched (``re.search``) against variable
            paths; matching variables are not decayed.
        exclude_bias_and_norm: skip variables of rank <= 1.
        base_learning_rate: ``lr_0`` for ``"schedule"`` mode; defaults to the
            wrapped optimizer's learning rate at step 0 (recorded at
            construction, so a later ``ReduceLROnPlateau`` change counts).
        name: optimizer name.

    Example:

    >>> opt = keras_reg.optimizers.DecoupledWeightDecay(
    ...     keras.optimizers.Lion(1e-4), weight_decay=1e-2, exclude=["embedding"])
    >>> model.compile(optimizer=opt, loss="mse")
    """

    def __init__(
        self,
        optimizer,
        weight_decay,
        decay_mode="lr",
        exclude=None,
        exclude_bias_and_norm=True,
        base_learning_rate=None,
        name=None,
        **kwargs,
    ):
        if not isinstance(optimizer, keras.optimizers.Optimizer):
            raise TypeError(
                "Argument `optimizer` must be a keras.optimizers.Optimizer "
                f"instance. Received: optimizer={optimizer!r}."
            )
        if getattr(optimizer, "weight_decay", None):
            raise ValueError(
                "The wrapped optimizer already applies weight decay "
                f"(weight_decay={optimizer.weight_decay}). Set it to None and "
                "pass the value to DecoupledWeightDecay instead."
            )
        if kwargs:
            raise ValueError(
                "DecoupledWeightDecay takes no optimizer arguments "
                f"({', '.join(sorted(kwargs))}); set them on the wrapped optimizer."
            )
        # Validate everything before the base constructor creates variables.
        weight_decay = _check_weight_decay(weight_decay)
        decay_mode = _validation.check_choice(decay_mode, "decay_mode", DECAY_MODES)
        exclude = _check_exclude(exclude)
        if base_learning_rate is None:
            base_learning_rate = _initial_learning_rate(optimizer)
        base_learning_rate = float(base_learning_rate)
        if decay_mode == "schedule" and not (
            math.isfinite(base_learning_rate) and base_learning_rate > 0
        ):
            raise ValueError(
                'decay_mode="schedule" divides by the initial learning rate, '
                f"which must be > 0. Received: base_learning_rate={base_learning_rate}."
            )
        super().__init__(learning_rate=0.0, name=name or f"{optimizer.name}_decoupled_wd")
        # Set after the base constructor, which resets `weight_decay` to None.
        self.weight_decay = weight_decay
        self.decay_mode = decay_mode
        self.exclude = exclude
        self.exclude_bias_and_norm = bool(exclude_bias_and_norm)
        self.base_learning_rate = base_learning_rate
        self.inner_optimizer = optimizer
        self._decayed_ids = frozenset()
        _compat.install_weight_decay_hook(optimizer, self._select, self._coefficient)

    # -- which variables, how much -------------------------------------------------

    def decays(self, variable):
        """Whether ``variable`` is decayed under this optimizer's rules."""
        if self.exclude_bias_and_norm and len(variable.shape) <= 1:
            return False
        path = getattr(variable, "path", variable.name)
        return not any(re.search(p, path) for p in self.exclude)

    def _select(self, variables):
        return [v for v in variables if id(v) in self._decayed_ids]

    def _coefficient(self):
        step = self.inner_optimizer.iterations
        if isinstance(self.weight_decay, _Schedule):
            lam = keras.ops.cast(self.weight_decay(step), "float32")
        else:
            lam = keras.ops.convert_to_tensor(self.weight_decay, "float32")
        if self.decay_mode == "constant":
            return lam
        lr = keras.ops.cast(self.inner_optimizer.learning_rate, "float32")
        if self.decay_mode == "lr":
            return lr * lam
        return lr / self.base_learning_rate * lam

    # -- delegation to the wrapped optimizer ------------------------------------------

    def build(self, var_list):
        self.inner_optimizer.build(var_list)
        self._decayed_ids = frozenset(id(v) for v in var_list if self.decays(v))
        super().build(var_list)

    @property
    def variables(self):
        # The wrapper's own base-class variables (iterations, learning rate)
        # are never used; all state lives in the wrapped optimizer.
        return self.inner_optimizer.variables

    def apply(self, grads, trainable_variables=None):
        if not self.built:
            if trainable_variables is None:
                raise ValueError(
                    "Pass `trainable_variables` on the first call or build the "
                    "optimizer first."
                )
            trainable_variables = list(trainable_variables)
            with keras.name_scope(self.name, caller=self):
                self.build(trainable_variables)
            self.built = True
        self.inner_optimizer.apply(grads, trainable_variables)

    def stateless_apply(self, optimizer_variables, grads, trainable_variables):
        return self.inner_optimizer.stateless_apply(
            optimizer_variables, grads, trainable_variables
        )

    @property
    def learning_rate(self):
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, learning_rate):
        # E.g. ReduceLROnPlateau: the wrapped optimizer owns the rate.
        self.inner_optimizer.learning_rate = learning_rate

    @property
    def iterations(self):
        return self.inner_optimizer.iterations

    def finalize_variable_values(self, var_list):
        self.inner_optimizer.finalize_variable_values(var_list)

    def _decay_config(self):
        decay = self.weight_decay
        if isinstance(decay, _Schedule):
            decay = keras.saving.serialize_keras_object(decay)
        return {
            "weight_decay": decay,
            "decay_mode": self.decay_mode,
            "exclude": list(self.exclude),
            "exclude_bias_and_norm": self.exclude_bias_and_norm,
            "base_learning_rate": self.base_learning_rate,
        }

    def get_config(self):
        return {
            "name": self.name,
            "optimizer": keras.saving.serialize_keras_object(self.inner_optimizer),
            **self._decay_config(),
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config["optimizer"] = keras.saving.deserialize_keras_object(
            config["optimizer"], custom_objects=custom_objects
        )
        if isinstance(config["weight_decay"], dict):
            config["weight_decay"] = keras.saving.deserialize_keras_object(
                config["weight_decay"], custom_objects=custom_objects
            )
        return cls(**config)
