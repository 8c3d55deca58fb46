"""Decoupled weight decay as two pure functions: how much a step shrinks the
weights, and which variables it shrinks. ``DecoupledWeightDecay`` only
connects them to Keras's update step."""

import re

import keras

DECAY_MODES = ("lr", "schedule", "constant")
_Schedule = keras.optimizers.schedules.LearningRateSchedule


def weight_decay_factor(decay_mode, weight_decay, learning_rate, step, base_learning_rate=None):
    """The shrink ``c_t`` of one decoupled weight-decay step, ``w ← w − c_t·w``.

    Loshchilov & Hutter decouple the decay from the gradient update and scale
    it by the schedule multiplier ``η_t``; libraries differ in what stands for
    ``η_t``, hence three modes:

        "lr":        c_t = lr_t · λ_t           (torch.optim.AdamW, keras.optimizers.AdamW)
        "schedule":  c_t = (lr_t / lr_0) · λ_t  (the paper's η_t; λ independent of lr_0)
        "constant":  c_t = λ_t                  (TensorFlow Addons' AdamW and SGDW)

    Args:
        decay_mode: ``"lr"``, ``"schedule"`` or ``"constant"``.
        weight_decay: ``λ``, a float or a
            ``keras.optimizers.schedules.LearningRateSchedule`` evaluated at
            ``step``.
        learning_rate: ``lr_t``, the optimizer's learning rate at this step
            (float or scalar tensor); unused in ``"constant"`` mode.
        step: the update step ``t`` (int or scalar tensor), at which a
            schedule ``λ`` is evaluated.
        base_learning_rate: ``lr_0 > 0``, for ``"schedule"`` mode.

    Returns:
        ``c_t`` as a float32 scalar tensor.

    Example:

    ```python
    float(weight_decay_factor("lr", 0.5, learning_rate=0.25, step=0))  # -> 0.125
    ```
    """
    if decay_mode not in DECAY_MODES:
        raise ValueError(
            f"Argument `decay_mode` must be one of {list(DECAY_MODES)}. "
            f"Received: decay_mode={decay_mode!r}."
        )
    if isinstance(weight_decay, _Schedule):
        lam = keras.ops.cast(weight_decay(step), "float32")
    else:
        lam = keras.ops.convert_to_tensor(weight_decay, "float32")
    if decay_mode == "constant":
        return lam
    lr = keras.ops.cast(learning_rate, "float32")
    if decay_mode == "lr":
        return lr * lam
    return lr / base_learning_rate * lam


def weight_decay_mask(
    variables, exclude=(), exclude_bias_and_norm=True, var_names=(), var_list=()
):
    """Which of ``variables`` decoupled weight decay shrinks: one bool each.

    A variable decays unless any rule excludes it:

    * ``exclude_bias_and_norm``: its rank is <= 1 (biases, normalization
      scales and offsets);
    * ``exclude``: a regex found (``re.search``) in its **path**
      (``"dense_1/kernel"``), so one layer can be excluded alone;
    * ``var_names``: a regex found in its **name** (``"kernel"``), the rule of
      Keras's ``Optimizer.exclude_from_weight_decay(var_names=...)``;
    * ``var_list``: it is one of these variables (by identity).

    Args:
        variables: the variables (anything with ``shape``, ``name`` and,
            optionally, ``path``; a ``tf.Variable`` has no path and is
            matched by name).
        exclude: regex strings matched against paths.
        exclude_bias_and_norm: exclude every variable of rank <= 1.
        var_names: regex strings matched against names.
        var_list: variables to exclude.

    Returns:
        A list of bools, ``True`` where the variable decays.

    Example:

    ```python
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="head")])
    weight_decay_mask(model.trainable_variables)  # -> [True, False]
    ```
    """
    paths = [re.compile(p) for p in exclude]
    names = [re.compile(n) for n in var_names]
    excluded = {id(v) for v in var_list}

    def decays(variable):
        if id(variable) in excluded:
            return False
        if exclude_bias_and_norm and len(variable.shape) <= 1:
            return False
        path = getattr(variable, "path", variable.name)
        if any(p.search(path) for p in paths):
            return False
        return not any(n.search(variable.name) for n in names)

    return [decays(v) for v in variables]
