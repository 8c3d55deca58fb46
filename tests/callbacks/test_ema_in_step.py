"""ExponentialMovingAverage with the trainable weights averaged inside the
train step by ``ema.wrap_optimizer(...)``: the same averages as the callback's
own update (checked against the NumPy recurrence), the callback's behaviour
around them unchanged, and refusals of settings that disagree."""

import keras
import numpy as np
import pytest

import keras_reg
from keras_reg.callbacks import EarlyStopping, ExponentialMovingAverage
from keras_reg.callbacks import ema as ema_module
from keras_reg.optimizers import EMAOptimizer
from tests.callbacks import _averaging_support as support
from tests.callbacks.test_ema import (
    RECURRENCE_CASES,
    EpochEndWeights,
    ScriptedScore,
    expected_recurrence,
    fit,
    in_order_of,
    reference_ema,
)
from tests.helpers import save_and_load, to_numpy


def in_step_model(ema, optimizer=None, seed=1):
    return support.bn_model(ema.wrap_optimizer(optimizer or keras.optimizers.SGD(0.05)), seed)


class NoOwnUpdate:
    """Replaces the callback's compiled update: fails if it is ever made."""

    def __init__(self, *args, **kwargs):
        raise AssertionError("the callback built its own per-batch update")


@RECURRENCE_CASES
def test_average_equals_the_numpy_recurrence_over_50_steps(kwargs):
    # Trainable weights averaged by the optimizer, BatchNorm statistics by
    # the callback: all equal the recurrence, as with the callback alone.
    recorder = support.UpdateRecorder()
    ema = ExponentialMovingAverage(**kwargs)
    model = in_step_model(ema)
    fit(model, [ema, recorder])
    assert len(recorder.snapshots) == 51
    expected = expected_recurrence(recorder.snapshots, kwargs)
    assert support.max_difference(support.weights(model), expected) < 1e-5
    assert support.max_difference(ema.averages, in_order_of(ema, model, expected)) < 1e-5
    assert support.max_difference([expected[4]], [recorder.snapshots[-1][4]]) > 1e-4


def test_without_non_trainable_weights_the_callback_updates_nothing(monkeypatch):
    monkeypatch.setattr(ema_module._compat, "AveragingUpdate", NoOwnUpdate)
    recorder = support.UpdateRecorder()
    ema = ExponentialMovingAverage(0.9, average_non_trainable=False)
    model = in_step_model(ema)
    fit(model, [ema, recorder], epochs=2, validation_data=support.data(40, seed=3))
    expected = reference_ema(recorder.snapshots, decay=0.9, warmup=True)
    trainable = {id(v) for v in model.trainable_weights}
    for variable, value, average, last in zip(model.weights, support.weights(model), expected,
                                              recorder.snapshots[-1]):
        if id(variable) in trainable:
            np.testing.assert_allclose(value, average, atol=1e-5)
        else:
            np.testing.assert_array_equal(value, last)


def test_two_fits_continue_like_one_and_like_the_callback_alone():
    one = in_step_model(ema := ExponentialMovingAverage(0.9), keras.optimizers.Adam(0.01))
    fit(one, [ema], epochs=2)
    two = in_step_model(ema2 := ExponentialMovingAverage(0.9), keras.optimizers.Adam(0.01))
    fit(two, [ema2], epochs=1)
    fit(two, [ema2], epochs=1)
    alone = support.bn_model(keras.optimizers.Adam(0.01))
    fit(alone, [ExponentialMovingAverage(0.9)], epochs=2)
    assert support.max_difference(support.weights(two), support.weights(one)) < 1e-6
    assert support.max_difference(support.weights(two), support.weights(alone)) < 1e-5


def test_accumulation_and_decoupled_decay():
    recorder = support.UpdateRecorder()
    ema = ExponentialMovingAverage(0.9)
    inner = keras_reg.optimizers.AdamW(0.01, weight_decay=0.1, gradient_accumulation_steps=2)
    model = in_step_model(ema, inner)
    fit(model, [ema, recorder])
    assert len(recorder.snapshots) == 26
    expected = reference_ema(recorder.snapshots, decay=0.9, warmup=True)
    assert support.max_difference(support.weights(model), expected) < 1e-5


def test_validation_and_early_stopping_see_the_averages():
    x, y = support.data()
    seen, stop = EpochEndWeights(), EarlyStopping("score", mode="min", patience=10)
    ema = ExponentialMovingAverage(0.9, swap_on_epoch=True)
    model = in_step_model(ema)
    history = fit(model, [ema, ScriptedScore([3.0, 1.0, 2.0]), seen, stop], epochs=3,
                  validation_data=(x[:50], y[:50]))
    assert stop.best_epoch == 1
    # EarlyStopping restored the average of epoch 1, which it had seen.
    assert support.max_difference(support.weights(model), seen.seen[1]) == 0.0
    assert len(history.history["val_loss"]) == 3


def test_save_keeps_the_averaged_model_and_the_optimizer(tmp_path):
    ema = ExponentialMovingAverage(0.9)
    model = in_step_model(ema)
    fit(model, [ema])
    final = in_order_of(ema, model, support.weights(model))
    assert support.max_difference(final, ema.averages) == 0.0
    x = support.data()[0][:16]
    loaded = save_and_load(model, tmp_path)
    np.testing.assert_array_equal(to_numpy(loaded(x)), to_numpy(model(x)))
    assert isinstance(loaded.optimizer, EMAOptimizer)


def test_settings_that_disagree_fail_before_training():
    ema = ExponentialMovingAverage(0.9)
    model = in_step_model(ExponentialMovingAverage(0.99))
    before = support.weights(model)
    with pytest.raises(ValueError, match="wrap_optimizer"):
        fit(model, [ema])
    with pytest.raises(ValueError, match="update_every=4"):
        fit(model, [ExponentialMovingAverage(0.99, update_every=4)])
    assert support.max_difference(support.weights(model), before) == 0.0


@pytest.mark.slow
def test_steps_per_execution_averages_every_update():
    # The callback alone sees the weights once per execution; inside the
    # step every update is averaged: the recurrence over all 50 updates.
    if keras.backend.backend() == "torch":
        pytest.skip("Keras's torch trainer only runs steps_per_execution=1")
    recorder = support.UpdateRecorder()
    fit(support.bn_model(), [recorder])  # the same 50 updates, one per execution
    ema = ExponentialMovingAverage(0.9, average_non_trainable=False)
    model = support.bn_model()
    model.compile(ema.wrap_optimizer(keras.optimizers.SGD(0.05)), "mse", steps_per_execution=2)
    fit(model, [ema])
    expected = reference_ema(recorder.snapshots, decay=0.9, warmup=True)
    trainable = {id(v) for v in model.trainable_weights}
    for variable, value, average in zip(model.weights, support.weights(model), expected):
        if id(variable) in trainable:
            np.testing.assert_allclose(value, average, atol=1e-5)


@pytest.mark.slow
def test_jit_compiled_steps():
    # jit_compile=True: XLA on TensorFlow, jax.jit, torch.compile of the step
    # (torch's dynamo traces the in-place fused update).
    if keras.backend.backend() == "torch":
        pytest.importorskip("torch._dynamo")
    recorder = support.UpdateRecorder()
    ema = ExponentialMovingAverage(0.9, average_non_trainable=False)
    model = support.bn_model()
    model.compile(ema.wrap_optimizer(keras.optimizers.SGD(0.05)), "mse", jit_compile=True)
    x, y = support.data(40)
    fit(model, [ema, recorder], x=x, y=y)
    expected = reference_ema(recorder.snapshots, decay=0.9, warmup=True)
    trainable = {id(v) for v in model.trainable_weights}
    for variable, value, average in zip(model.weights, support.weights(model), expected):
        if id(variable) in trainable:
            np.testing.assert_allclose(value, average, atol=1e-5)


def test_an_optimizer_that_updated_before_it_was_wrapped():
    # The count starts at the wrapper: its first update copies the weights
    # (TensorFlow builds it inside a first trace that it discards).
    sgd = keras.optimizers.SGD(0.05)
    model = support.bn_model(sgd)
    x, y = support.data(24)
    fit(model, [], x=x[:16], y=y[:16])  # 4 updates
    optimizer = EMAOptimizer(sgd, decay=0.9)
    model.compile(optimizer, "mse")
    recorder = support.UpdateRecorder()
    fit(model, [recorder], x=x[16:], y=y[16:], batch_size=8)  # 1 update
    assert optimizer.updates_counted == 1
    assert support.max_difference(support.weights(model), recorder.snapshots[-1]) < 1e-6


def test_recompiling_between_fits_keeps_the_training_weights():
    x, y = support.data(40)
    ema = ExponentialMovingAverage(0.9)
    model = in_step_model(ema)
    fit(model, [ema], x=x, y=y)
    twin = support.bn_model()
    fit(twin, [], x=x, y=y)
    model.compile(ema.wrap_optimizer(keras.optimizers.SGD(0.01)), "mse")  # a new rate
    recorder = support.UpdateRecorder()
    fit(model, [ema, recorder], x=x[:8], y=y[:8], batch_size=8)
    assert support.max_difference(recorder.snapshots[0], support.weights(twin)) == 0.0


def test_a_fit_without_a_real_update_keeps_the_weights():
    ema = ExponentialMovingAverage(0.9)
    model = in_step_model(ema, keras.optimizers.SGD(0.05, gradient_accumulation_steps=4))
    before = support.weights(model)
    x, y = support.data(8)
    history = fit(model, [ema], x=x, y=y, validation_data=(x, y))  # 2 batches, no update
    assert support.max_difference(support.weights(model), before) == 0.0
    assert history.history["val_loss"][0] == pytest.approx(
        model.evaluate(x, y, verbose=0), rel=1e-5)


def test_a_model_without_weights_at_the_start_of_fit():
    ema = ExponentialMovingAverage(0.9)
    model = keras.Sequential([keras.layers.Dense(1)])  # no input shape
    model.compile(ema.wrap_optimizer(keras.optimizers.SGD(0.05)), "mse")
    x, y = support.data(16)
    try:
        fit(model, [ema], x=x, y=y)
    except ValueError as error:  # TensorFlow builds the model in the first step
        assert keras.backend.backend() == "tensorflow"
        assert "keras.Input" in str(error)
    else:  # JAX and torch build it before the callbacks start
        assert keras.backend.backend() != "tensorflow"
        assert len(ema.averages) == 2


def test_alone_again_after_a_fit_with_the_callback():
    # The callback turns the optimizer's own placement off for its fit only.
    ema = ExponentialMovingAverage(0.9)
    model = in_step_model(ema)
    x, y = support.data(40)
    fit(model, [ema], x=x, y=y)
    fit(model, [], x=x, y=y)  # alone: ends with the averages in the model
    optimizer = model.optimizer
    averages = [to_numpy(a) for a in optimizer.averages]
    trained = [to_numpy(v) for v in optimizer.averaged_variables]
    assert support.max_difference(trained, averages) == 0.0


def test_use_ema_inside_is_refused():
    with pytest.raises(ValueError, match="use_ema"):
        EMAOptimizer(keras.optimizers.SGD(use_ema=True))
