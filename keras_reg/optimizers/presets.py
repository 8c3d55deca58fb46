"""AdamW and SGDW: DecoupledWeightDecay around Adam and SGD, in one call."""

import keras

from keras_reg.optimizers.decoupled_weight_decay import DECAY_OPTIONS, DecoupledWeightDecay

_Schedule = keras.optimizers.schedules.LearningRateSchedule


class _Preset(DecoupledWeightDecay):
    """A DecoupledWeightDecay whose wrapped optimizer, an ``inner_class``, is
    built from the same flat arguments: the decay options go to the wrapper,
    everything else to the wrapped optimizer. Its config is flat too, so
    ``AdamW.from_config(AdamW(...).get_config())`` works."""

    inner_class = None

    def __init__(self, arguments):
        """``arguments``: the subclass constructor's ``locals()``, its named
        arguments and ``kwargs``, so that no preset re-lists its signature."""
        kwargs = {k: v for k, v in arguments.items() if k not in ("self", "kwargs", "__class__")}
        kwargs.update(arguments.get("kwargs", {}))
        weight_decay, name = kwargs.pop("weight_decay"), kwargs.pop("name")
        decay_options = {k: kwargs.pop(k) for k in DECAY_OPTIONS if k in kwargs}
        # Named after its class, lower-case ("adam", "sgd"), as in 0.1.0.
        inner = self.inner_class(name=self.inner_class.__name__.lower(), **kwargs)
        super().__init__(inner, weight_decay, name=name, **decay_options)

    def get_config(self):
        inner = self.inner_optimizer.get_config()
        inner.pop("weight_decay", None)
        inner.pop("name", None)
        if isinstance(inner.get("learning_rate"), keras.optimizers.schedules.LearningRateSchedule):
            inner["learning_rate"] = keras.saving.serialize_keras_object(inner["learning_rate"])
        return {"name": self.name, **inner, **self._decay_config()}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls._from_decay_config(config, custom_objects)


@keras.saving.register_keras_serializable(package="keras_reg")
class AdamW(_Preset):
    """Adam with decoupled weight decay (Loshchilov & Hutter, ICLR 2019).

    ``DecoupledWeightDecay(keras.optimizers.Adam(...), weight_decay, ...)``:
    each step ``w ← w − c_t·w`` (``c_t`` from ``decay_mode``, see
    :class:`DecoupledWeightDecay`), then the Adam update. Differences from
    ``keras.optimizers.AdamW``: biases and normalization parameters are not
    decayed by default, exclusions match variable paths, the decay may follow
    its own schedule, and ``decay_mode`` selects the convention. Note
    ``epsilon`` defaults to Keras's ``1e-7`` (``torch.optim.AdamW`` uses
    ``1e-8``).

    Args:
        learning_rate: float or ``LearningRateSchedule``.
        weight_decay: ``λ`` (float >= 0 or schedule).
        beta_1: as ``keras.optimizers.Adam``.
        beta_2: as ``keras.optimizers.Adam``.
        epsilon: as ``keras.optimizers.Adam``.
        amsgrad: as ``keras.optimizers.Adam``.
        name: optimizer name.
        **kwargs: the decay options of :class:`DecoupledWeightDecay`
            (``decay_mode``, ``exclude``, ``exclude_bias_and_norm``,
            ``base_learning_rate``) and the other ``keras.optimizers.Adam``
            arguments (``clipnorm``, ``use_ema``,
            ``gradient_accumulation_steps``, ...).

    Example:

    ```python
    opt = keras_reg.optimizers.AdamW(1e-3, weight_decay=0.05, exclude=["embedding"])
    ```
    """

    inner_class = keras.optimizers.Adam

    def __init__(
        self,
        learning_rate: float | _Schedule = 1e-3,
        weight_decay: float | _Schedule = 1e-2,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        amsgrad: bool = False,
        name: str = "adamw",
        **kwargs,
    ):
        super().__init__(locals())


@keras.saving.register_keras_serializable(package="keras_reg")
class SGDW(_Preset):
    """SGD (with momentum) and decoupled weight decay (Loshchilov & Hutter).

    Each step ``w ← w − c_t·w``, then the SGD/momentum update. With
    ``momentum=0`` and ``decay_mode="lr"`` this equals SGD with an L2
    penalty ``(λ/2)·Σw²`` (:class:`keras_reg.regularizers.L2`); with momentum
    the two differ, the decay no longer entering the velocity.

    Args:
        learning_rate: float or ``LearningRateSchedule``.
        momentum: as ``keras.optimizers.SGD``.
        nesterov: as ``keras.optimizers.SGD``.
        weight_decay: ``λ`` (float >= 0 or schedule).
        name: optimizer name.
        **kwargs: the decay options of :class:`DecoupledWeightDecay`
            (``decay_mode``, ``exclude``, ``exclude_bias_and_norm``,
            ``base_learning_rate``) and the other ``keras.optimizers.SGD``
            arguments.

    Example:

    ```python
    opt = keras_reg.optimizers.SGDW(0.1, momentum=0.9, weight_decay=5e-4)
    ```
    """

    inner_class = keras.optimizers.SGD

    def __init__(
        self,
        learning_rate: float | _Schedule = 1e-2,
        momentum: float = 0.9,
        nesterov: bool = False,
        weight_decay: float | _Schedule = 5e-4,
        name: str = "sgdw",
        **kwargs,
    ):
        super().__init__(locals())
