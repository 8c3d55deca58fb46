"""The arithmetic of weight averaging as pure functions: the EMA's per-update
rate and factor (``keras.ops``, compiled by the callback), SWA's running mean
and learning-rate schedule (NumPy and Python, once per epoch)."""

import dataclasses
import math

import keras
import numpy as np


def ema_rate(k, floor, warmup, gamma, power):
    """``1 − d_k``, the weight of the new weights in EMA update ``k``.

    ``k`` (a tensor) counts the updates after the first ``start_step``; the
    first (``k = 1``) copies the weights, as do all before it (``k <= 0``).
    With ``warmup`` (timm's ``ModelEmaV3``): ``d_k = min(decay, 1 −
    (1 + (k − 1)/γ)^−p)``, so ``1 − d_k = max(1 − decay, (1 + (k − 1)/γ)^−p)``,
    written in that form because ``1 − d`` loses digits in float32 when ``d``
    is close to 1. Without warmup ``d_k = decay`` for ``k >= 2``. ``floor``
    is ``1 − decay``; ``floor``, ``warmup``, ``gamma`` and ``power`` are
    Python numbers.
    """
    k = keras.ops.cast(k, "float32")
    if warmup:
        since_first = keras.ops.maximum(k - 1.0, 0.0)
        rate = keras.ops.maximum(floor, keras.ops.power(1.0 + since_first / gamma, -power))
    else:
        rate = keras.ops.full_like(k, floor)
    return keras.ops.where(k <= 1.0, keras.ops.ones_like(rate), rate)


def step_factor(count, new, start_step, floor, warmup, gamma, power):
    """The factor of an update that happens at most once per call (inside
    the train step): ``1 − d_k`` for ``k = count − start_step`` when ``new``
    is 1, 0 when it is 0 (a batch that only accumulated gradients).

    ``ema_rate`` in fewer operations (they are dispatched one by one where
    the step runs eagerly, as torch's ``fit`` does): with warmup its ``k <=
    1`` case needs no ``where``, since ``(1 + max(k − 1, 0)/γ)^−p`` is then 1.
    """
    k = keras.ops.cast(count - start_step, "float32")
    if warmup:
        since_first = keras.ops.maximum(k - 1.0, 0.0)
        rate = keras.ops.maximum(floor, keras.ops.power(1.0 + since_first * (1.0 / gamma), -power))
    else:
        rate = keras.ops.where(k <= 1.0, 1.0, floor)
    return rate * keras.ops.cast(new, "float32")


@dataclasses.dataclass(frozen=True)
class EMASchedule:
    """The factor of each EMA update, from the optimizer's update counter.

    Called as ``schedule((last_updates, count), counter)``, a pure function
    of tensors, it returns ``(factor, (last_updates, count))``: the update
    is ``average ← average + factor·(weights − average)``. Its settings are
    constants (the instance is hashable: one compiled function per setting).

    ``counter // steps`` is the optimizer's number of real updates; ``n``
    of them happened since ``last_updates`` was taken: none after a batch
    that only accumulated gradients or that the loss scale skipped (factor
    0: the averages stay as they are), several when ``steps_per_execution >
    1`` ran them between two calls (then the decay of the last is applied
    ``n`` times — exact for a constant decay, as if the weights had not
    changed in between — and a copy among them makes it a copy). ``count``
    counts all updates seen; the EMA update index is ``k = count −
    start_step``.
    """

    decay: float
    warmup: bool
    gamma: float
    power: float
    start_step: int
    steps: int  # increments of the counter per real update

    def __call__(self, scalars, counter):
        last_updates, count = scalars
        # A new tensor even for steps = 1: torch updates the counter in place.
        updates = keras.ops.cast(keras.ops.floor_divide(counter, self.steps), count.dtype)
        new = updates - last_updates
        first = count + (1 - self.start_step)  # the index k of the first new update
        count = count + new
        rate = ema_rate(count - self.start_step, 1.0 - self.decay, self.warmup, self.gamma,
                        self.power)
        n = keras.ops.cast(new, "float32")
        # 1 − d^n, exactly 0 when n = 0 (the averages do not move) and 1 when
        # one of the n updates was a copy (k <= 1).
        factor = keras.ops.where(n == 1.0, rate, 1.0 - keras.ops.power(1.0 - rate, n))
        factor = keras.ops.where((n > 0.0) & (first <= 1), keras.ops.ones_like(factor), factor)
        return factor, [updates, count]


def running_mean(average, value, count):
    """The mean of ``count + 1`` arrays from the mean ``average`` of the
    first ``count`` and the next ``value``, in float64, returned in the
    dtype of ``value`` (so that a resumed run continues from the same bits)."""
    if count == 0:
        return np.array(value, copy=True)
    mean = average.astype("float64") + (value.astype("float64") - average) / (count + 1)
    return mean.astype(value.dtype)


def swa_learning_rate(epoch, initial, swa, start_epoch, anneal_epochs, strategy):
    """The learning rate of ``epoch`` under SWA's schedule, or None where SWA
    leaves it alone (the epochs before annealing starts).

    The rate moves from ``initial`` to ``swa`` over the ``anneal_epochs``
    epochs before ``start_epoch`` — at epoch ``start_epoch − a + i``
    (``i = 0 … a − 1``) it is ``initial + (swa − initial)·α((i + 1)/(a + 1))``
    with ``α(t) = t`` ("linear") or ``(1 − cos πt)/2`` ("cos") — and is
    ``swa`` from ``start_epoch`` on, while the weights are averaged.
    """
    begin = start_epoch - anneal_epochs
    if epoch < begin:
        return None
    if epoch >= start_epoch:
        return float(swa)
    t = (epoch - begin + 1) / (anneal_epochs + 1)
    alpha = t if strategy == "linear" else (1.0 - math.cos(math.pi * t)) / 2.0
    return float(initial + (swa - initial) * alpha)


_LOW_PRECISION = ("float16", "bfloat16")


def averaged_dtype(variable):
    """The dtype an average of ``variable`` is kept in: float32 for float16
    and bfloat16 weights (an average of weights that move by 1e-4 per step
    does not move in float16)."""
    dtype = keras.backend.standardize_dtype(variable.dtype)
    return "float32" if dtype in _LOW_PRECISION else dtype


def is_float(variable):
    return keras.backend.is_float_dtype(keras.backend.standardize_dtype(variable.dtype))
