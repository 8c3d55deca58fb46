"""Argument checks of DecoupledWeightDecay and its presets: each names the
argument, the value and what is allowed, before any variable is created."""

import math
import numbers
import re
import types

import keras

from keras_reg import _validation


def check_weight_decay(weight_decay, decay_mode):
    if weight_decay is None:  # Keras's AdamW raises ValueError here too
        raise ValueError(
            "Argument `weight_decay` must be a float >= 0 or a LearningRateSchedule. "
            "Received: weight_decay=None."
        )
    if isinstance(weight_decay, keras.optimizers.schedules.LearningRateSchedule):
        # A schedule's later values cannot be known here; its first is checked.
        initial = float(keras.ops.convert_to_numpy(weight_decay(0)))
    else:
        weight_decay = initial = _validation.check_non_negative(weight_decay, "weight_decay")
    if decay_mode == "constant" and not initial < 1:
        raise ValueError(
            'decay_mode="constant" multiplies every decayed weight by 1 - λ each step, '
            "so λ must be < 1 (λ = 1 zeroes the weights, λ > 1 flips their signs). "
            f"Received: weight_decay={weight_decay!r} (λ = {initial} at step 0). "
            'In "lr" and "schedule" modes λ may be any float >= 0: it is scaled by the '
            "learning rate (by lr_t / lr_0 for \"schedule\")."
        )
    return weight_decay


def check_patterns(patterns, name):
    if patterns is None:
        return []
    if isinstance(patterns, str):
        patterns = [patterns]
    patterns = list(patterns)
    for p in patterns:
        if not isinstance(p, str):
            raise TypeError(
                f"Argument `{name}` must be a list of regex strings. Received an element "
                f"{p!r} (type {type(p).__name__})."
            )
        try:
            re.compile(p)
        except re.error as e:
            raise ValueError(f"Argument `{name}` has an invalid regex {p!r}: {e}.") from None
    return patterns


def check_base_learning_rate(base_learning_rate, decay_mode):
    if isinstance(base_learning_rate, bool) or not isinstance(base_learning_rate, numbers.Real):
        raise TypeError(
            "Argument `base_learning_rate` must be a float (the learning rate at step 0) "
            f"or None. Received: base_learning_rate={base_learning_rate!r} "
            f"(type {type(base_learning_rate).__name__})."
        )
    base_learning_rate = float(base_learning_rate)
    if decay_mode == "schedule" and not (
        math.isfinite(base_learning_rate) and base_learning_rate > 0
    ):
        raise ValueError(
            'decay_mode="schedule" divides by the initial learning rate, which must be a '
            f"finite float > 0. Received: base_learning_rate={base_learning_rate}."
        )
    return base_learning_rate


def exclusions(var_list=None, var_names=None):
    """``exclude_from_weight_decay``'s arguments, read-only. Not a dict or a
    list: Keras's attribute tracking would adopt the excluded variables as
    the optimizer's own."""
    return types.MappingProxyType(
        {"var_list": tuple(var_list or ()), "var_names": tuple(var_names or ())}
    )


def check_optimizer(optimizer):
    if not isinstance(optimizer, keras.optimizers.Optimizer):
        raise TypeError(
            "Argument `optimizer` must be a keras.optimizers.Optimizer instance. "
            f"Received: optimizer={optimizer!r}."
        )
    if hasattr(optimizer, "inner_optimizer"):  # DecoupledWeightDecay, LossScaleOptimizer
        raise ValueError(
            f"Argument `optimizer` must be a plain optimizer, not a "
            f"{type(optimizer).__name__}: wrap the optimizer that computes the update "
            "(LossScaleOptimizer goes outside: LossScaleOptimizer(DecoupledWeightDecay(...)))."
        )
    if getattr(optimizer, "weight_decay", None):
        raise ValueError(
            "The wrapped optimizer already applies weight decay "
            f"(weight_decay={optimizer.weight_decay}). Set it to None and pass the value "
            "to DecoupledWeightDecay instead."
        )
    return optimizer
