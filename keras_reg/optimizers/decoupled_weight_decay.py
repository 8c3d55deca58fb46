"""Decoupled weight decay as a wrapper around any Keras optimizer."""

from collections.abc import Sequence

import keras

from keras_reg import _validation
from keras_reg._compat import optimizers as _compat
from keras_reg.optimizers import _arguments
from keras_reg.optimizers._wrapper import OptimizerWrapper
from keras_reg.optimizers.decay import (
    DECAY_MODES,
    weight_decay_factor,
    weight_decay_mask,
)

_Schedule = keras.optimizers.schedules.LearningRateSchedule

# The decay arguments after `weight_decay`: the presets pass them through.
DECAY_OPTIONS = ("decay_mode", "exclude", "exclude_bias_and_norm", "base_learning_rate")


@keras.saving.register_keras_serializable(package="keras_reg")
class DecoupledWeightDecay(OptimizerWrapper):
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
    ``weight_decay_factor`` computes ``c_t``; ``weight_decay_mask`` decides
    which variables decay.

    Which variables decay: with ``exclude_bias_and_norm=True`` (default) no
    variable of rank <= 1 — biases, BatchNorm/LayerNorm scales and offsets —
    as in timm and most transformer recipes (Keras decays them). ``exclude``
    lists regexes searched in each variable's **path** (``"dense_1/kernel"``,
    ``"embedding"``), so one layer can be excluded without excluding every
    variable sharing its leaf name. Keras's
    ``exclude_from_weight_decay(var_list=..., var_names=...)`` excludes more.

    The decay runs through Keras's own weight-decay hook, so it happens only
    on real update steps with ``gradient_accumulation_steps``, composes with
    ``use_ema``, ``LossScaleOptimizer`` (wrap this optimizer in it, as
    ``mixed_float16`` does automatically) and ``tf.distribute`` (once per
    step, not once per replica), and works in jit-compiled ``fit`` on every
    backend. The wrapped optimizer's own ``weight_decay`` must be unset, and
    it can be wrapped once.

    Args:
        optimizer: the ``keras.optimizers.Optimizer`` to wrap.
        weight_decay: ``λ >= 0``, or a ``LearningRateSchedule`` giving
            ``λ_t``. ``"constant"`` mode needs ``λ < 1`` (a schedule is
            checked at step 0 only).
        decay_mode: ``"lr"``, ``"schedule"`` or ``"constant"`` (see above).
        exclude: regex string(s) matched (``re.search``) against variable
            paths; matching variables are not decayed.
        exclude_bias_and_norm: skip variables of rank <= 1.
        base_learning_rate: ``lr_0`` for ``"schedule"`` mode; defaults to the
            wrapped optimizer's learning rate at step 0 (recorded at
            construction, so a later ``ReduceLROnPlateau`` change counts).
        name: optimizer name.

    Example:

    ```python
    opt = keras_reg.optimizers.DecoupledWeightDecay(
        keras.optimizers.Lion(1e-4), weight_decay=1e-2, exclude=["embedding"])
    model.compile(optimizer=opt, loss="mse")
    ```

    Reference: Loshchilov & Hutter, "Decoupled Weight Decay Regularization",
    ICLR 2019.
    """

    def __init__(
        self,
        optimizer: keras.optimizers.Optimizer,
        weight_decay: float | keras.optimizers.schedules.LearningRateSchedule,
        decay_mode: str = "lr",
        exclude: str | Sequence[str] | None = None,
        exclude_bias_and_norm: bool = True,
        base_learning_rate: float | None = None,
        name: str | None = None,
        **kwargs,
    ):
        optimizer = _arguments.check_optimizer(optimizer)
        if kwargs:
            raise ValueError(
                "DecoupledWeightDecay takes no optimizer arguments "
                f"({', '.join(sorted(kwargs))}); set them on the wrapped optimizer."
            )
        # Everything is checked before the base constructor creates variables.
        decay_mode = _validation.check_choice(decay_mode, "decay_mode", DECAY_MODES)
        weight_decay = _arguments.check_weight_decay(weight_decay, decay_mode)
        exclude = _arguments.check_patterns(exclude, "exclude")
        if base_learning_rate is None:
            base_learning_rate = _compat.initial_learning_rate(optimizer)
        base_learning_rate = _arguments.check_base_learning_rate(base_learning_rate, decay_mode)
        super().__init__(optimizer, name=name or f"{optimizer.name}_decoupled_wd")
        # Set after the base constructor, which resets `weight_decay` to None.
        self.weight_decay = weight_decay
        self.decay_mode = decay_mode
        self.exclude = exclude
        self.exclude_bias_and_norm = bool(exclude_bias_and_norm)
        self.base_learning_rate = base_learning_rate
        self._exclusions = _arguments.exclusions()
        self._decays_by_id = {}
        _compat.install_weight_decay_hook(optimizer, self._decayed, self._factor, self.name)

    # -- which variables, how much -------------------------------------------------

    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Exclude more variables from weight decay, as Keras's optimizers do.

        Each call replaces the previous call's exclusions (``exclude`` and
        ``exclude_bias_and_norm`` stay). ``var_names`` is kept in the config;
        ``var_list`` is not (variables cannot be serialized: after loading,
        call this again).

        Args:
            var_list: variables not to decay.
            var_names: regex strings; a variable whose **name** contains a
                match is not decayed.
        """
        var_names = _arguments.check_patterns(var_names, "var_names")
        self._exclusions = _arguments.exclusions(var_list, var_names)
        self._decays_by_id = {}

    def decays(self, variable):
        """Whether ``variable`` is decayed under this optimizer's rules."""
        return len(self._decayed([variable])) == 1

    def _decayed(self, variables):
        # Called at every step on torch (eager): each variable's regex
        # matching runs once.
        unknown = [v for v in variables if id(v) not in self._decays_by_id]
        mask = weight_decay_mask(
            unknown,
            exclude=self.exclude,
            exclude_bias_and_norm=self.exclude_bias_and_norm,
            **self._exclusions,
        )
        for variable, decays in zip(unknown, mask):
            self._decays_by_id[id(variable)] = decays
        return [v for v in variables if self._decays_by_id[id(v)]]

    def _factor(self):
        inner = self.inner_optimizer
        return weight_decay_factor(
            self.decay_mode,
            self.weight_decay,
            inner.learning_rate,
            inner.iterations,
            self.base_learning_rate,
        )

    # -- config ----------------------------------------------------------------------

    def _decay_config(self):
        decay = self.weight_decay
        if isinstance(decay, _Schedule):
            decay = keras.saving.serialize_keras_object(decay)
        config = {
            "weight_decay": decay,
            "decay_mode": self.decay_mode,
            "exclude": list(self.exclude),
            "exclude_bias_and_norm": self.exclude_bias_and_norm,
            "base_learning_rate": self.base_learning_rate,
        }
        if self._exclusions["var_names"]:  # absent otherwise: configs as in 0.1.0
            config["exclude_var_names"] = list(self._exclusions["var_names"])
        return config

    @classmethod
    def _from_decay_config(cls, config, custom_objects, **arguments):
        config = dict(config)
        var_names = config.pop("exclude_var_names", None)
        for key in ("weight_decay", "learning_rate"):
            if isinstance(config.get(key), dict):
                config[key] = keras.saving.deserialize_keras_object(
                    config[key], custom_objects=custom_objects
                )
        optimizer = cls(**config, **arguments)
        if var_names:
            optimizer.exclude_from_weight_decay(var_names=var_names)
        return optimizer

    def get_config(self):
        return self._wrapper_config(self._decay_config())

    @classmethod
    def from_config(cls, config, custom_objects=None):
        optimizer, config = cls._split_wrapper_config(config, custom_objects)
        return cls._from_decay_config(config, custom_objects, optimizer=optimizer)
