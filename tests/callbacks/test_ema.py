import keras
import numpy as np
import pytest

import keras_reg
from keras_reg.callbacks import EarlyStopping, ExponentialMovingAverage, _averaging
from tests.callbacks import _averaging_support as support
from tests.callbacks._support import CrashAt
from tests.helpers import save_and_load, to_numpy


def reference_decay(k, decay, warmup, gamma=1.0, power=2.0 / 3.0):
    """timm ModelEmaV3.get_decay for update k (1-based, after start_step)."""
    if k <= 1:
        return 0.0
    if not warmup:
        return decay
    return min(decay, 1.0 - (1.0 + (k - 1) / gamma) ** (-power))


def reference_ema(snapshots, start_step=0, **decay_args):
    """The EMA recurrence in float64 over the weights after each update."""
    average = [w.astype("float64") for w in snapshots[0]]
    for update, weights in enumerate(snapshots[1:], start=1):
        d = reference_decay(update - start_step, **decay_args)
        average = [d * a + (1.0 - d) * w for a, w in zip(average, weights)]
    return average


def in_order_of(ema, model, values):
    """``values`` (in the order of ``model.weights``) in the order of
    ``ema.variables``, as ``ema.averages`` lists them."""
    index = {id(v): i for i, v in enumerate(model.weights)}
    return [values[index[id(v)]] for v in ema.variables]


def fit(model, callbacks, epochs=1, batch_size=4, x=None, y=None, **kwargs):
    if x is None:
        x, y = support.data()
    return model.fit(x, y, batch_size=batch_size, epochs=epochs, verbose=0, shuffle=False,
                     callbacks=callbacks, **kwargs)


@pytest.mark.parametrize("warmup", [True, False])
def test_rate_is_one_minus_the_warmup_decay(warmup):
    k = np.arange(-2, 60)
    rates = to_numpy(_averaging.ema_rate(k, 1.0 - 0.99, warmup, gamma=2.0, power=0.75))
    expected = [1.0 - reference_decay(i, 0.99, warmup, gamma=2.0, power=0.75) for i in k]
    np.testing.assert_allclose(rates, expected, rtol=1e-6)


# The settings of the 50-step recurrence tests (here and for the update
# inside the train step).
RECURRENCE_CASES = pytest.mark.parametrize(
    "kwargs", [{"decay": 0.9, "warmup": True, "start_step": 7, "warmup_gamma": 3.0,
                "warmup_power": 0.75},
               {"decay": 0.8, "warmup": False, "start_step": 0}],
    ids=["warmup-start7", "constant"],
)


def expected_recurrence(snapshots, kwargs):
    """``reference_ema`` of ``snapshots`` for one of RECURRENCE_CASES."""
    kwargs = dict(kwargs)
    start_step = kwargs.pop("start_step")
    shape = {"gamma": kwargs.pop("warmup_gamma", 1.0), "power": kwargs.pop("warmup_power", 2 / 3)}
    return reference_ema(snapshots, start_step, **kwargs, **shape)


@RECURRENCE_CASES
def test_average_equals_the_numpy_recurrence_over_50_steps(kwargs):
    # 200 samples in batches of 4: 50 updates. The BatchNormalization
    # statistics are averaged too (average_non_trainable=True).
    recorder = support.UpdateRecorder()
    ema = ExponentialMovingAverage(**kwargs)
    model = support.bn_model()
    fit(model, [ema, recorder])
    assert len(recorder.snapshots) == 51
    expected = expected_recurrence(recorder.snapshots, kwargs)
    assert support.max_difference(support.weights(model), expected) < 1e-5
    assert support.max_difference(ema.averages, in_order_of(ema, model, expected)) < 1e-5
    # The BatchNorm moving mean moved and was averaged, not copied.
    assert support.max_difference([expected[4]], [recorder.snapshots[-1][4]]) > 1e-4

    # Without a callback that syncs the state at every batch (JAX keeps it
    # out of the variables during an epoch), the same average.
    model = support.bn_model()
    fit(model, [ExponentialMovingAverage(**kwargs)])
    assert support.max_difference(support.weights(model), expected) < 1e-5


def test_update_every_takes_the_weights_every_k_batches():
    # With k = 3 the average takes in the weights after updates 3, 6, ...,
    # 48 and, at the end of the epoch, 50; each time applying the decay once
    # per update since the last (exact for a constant decay).
    recorder = support.UpdateRecorder()
    model = support.bn_model()
    fit(model, [ExponentialMovingAverage(0.8, warmup=False, update_every=3), recorder])
    taken = list(range(3, 50, 3)) + [50]
    average, previous = [w.astype("float64") for w in recorder.snapshots[0]], 0
    for update in taken:
        d = 0.0 if previous == 0 else 0.8 ** (update - previous)
        average = [d * a + (1 - d) * w for a, w in zip(average, recorder.snapshots[update])]
        previous = update
    assert support.max_difference(support.weights(model), average) < 1e-5


def test_batch_norm_statistics_not_averaged_when_disabled():
    recorder = support.UpdateRecorder()
    model = support.bn_model()
    ema = ExponentialMovingAverage(0.9, average_non_trainable=False)
    fit(model, [ema, recorder])
    expected = reference_ema(recorder.snapshots, decay=0.9, warmup=True)
    final = support.weights(model)
    trainable = [id(v) for v in model.trainable_weights]
    for variable, value, average, last in zip(
        model.weights, final, expected, recorder.snapshots[-1]
    ):
        if id(variable) in trainable:
            np.testing.assert_allclose(value, average, atol=1e-5)
        else:  # the training model's statistics, as they are
            np.testing.assert_array_equal(value, last)
    assert len(ema.variables) == len(model.trainable_weights)


def test_only_real_updates_count_with_accumulation_and_decoupled_decay():
    # AdamW (keras_reg's DecoupledWeightDecay) accumulating 2 batches per
    # update: 50 batches are 25 updates, and the average moves 25 times.
    optimizer = keras_reg.optimizers.AdamW(0.01, weight_decay=0.1,
                                           gradient_accumulation_steps=2)
    recorder = support.UpdateRecorder()
    model = support.bn_model(optimizer)
    fit(model, [ExponentialMovingAverage(0.9), recorder])
    assert len(recorder.snapshots) == 26
    expected = reference_ema(recorder.snapshots, decay=0.9, warmup=True)
    assert support.max_difference(support.weights(model), expected) < 1e-5


def test_two_fits_continue_like_one():
    # The second fit resumes from the training weights (not the averages
    # the first one ended with) and continues the average: on JAX this is
    # where Keras's use_ema fails ("Attempt to donate the same buffer twice").
    one = support.bn_model(keras.optimizers.Adam(0.01))
    fit(one, [ExponentialMovingAverage(0.9)], epochs=2)
    two = support.bn_model(keras.optimizers.Adam(0.01))
    ema = ExponentialMovingAverage(0.9)
    fit(two, [ema], epochs=1)
    after_first = support.weights(two)
    fit(two, [ema], epochs=1)
    assert support.max_difference(support.weights(two), support.weights(one)) < 1e-6
    assert support.max_difference(after_first, support.weights(two)) > 1e-3


def test_a_later_fit_starts_from_weights_changed_in_between():
    model = support.bn_model()
    ema = ExponentialMovingAverage(0.9)
    fit(model, [ema], x=support.data()[0][:40], y=support.data()[1][:40])
    chosen = [w + 1.0 for w in support.weights(model)]
    model.set_weights(chosen)
    recorder = support.UpdateRecorder()
    fit(model, [recorder, ema], x=support.data()[0][:8], y=support.data()[1][:8], batch_size=8)
    np.testing.assert_allclose(recorder.snapshots[0][0], chosen[0])


def test_a_fit_that_failed_while_the_model_held_the_averages():
    # CrashAt, listed first, raises at epoch 1 before the EMA callback swaps
    # the training weights back in: the next fit starts from them anyway.
    model = support.bn_model()
    ema = ExponentialMovingAverage(0.9, swap_on_epoch=True)
    with pytest.raises(RuntimeError, match="simulated crash"):
        fit(model, [CrashAt(1), ema], epochs=2)
    twin = support.bn_model()
    fit(twin, [], epochs=1)
    recorder = support.UpdateRecorder()
    x, y = support.data()
    fit(model, [ema, recorder], x=x[:8], y=y[:8], batch_size=8)
    assert support.max_difference(recorder.snapshots[0], support.weights(twin)) == 0.0


def test_validation_runs_on_the_average_and_training_on_the_weights():
    x, y = support.data()
    recorder = support.UpdateRecorder()
    model = support.bn_model()
    history = fit(model, [ExponentialMovingAverage(0.9), recorder], epochs=2,
                  validation_data=(x[:50], y[:50]))
    # After fit the model holds the average that validated the last epoch.
    val_loss = model.evaluate(x[:50], y[:50], verbose=0)
    assert history.history["val_loss"][-1] == pytest.approx(val_loss, rel=1e-5)
    # Epoch 2 trained on from the training weights, not the average.
    raw = recorder.snapshots[-1]
    assert support.max_difference(raw, support.weights(model)) > 1e-3


class ScriptedScore(keras.callbacks.Callback):
    """Logs a scripted ``score`` at each epoch end, for EarlyStopping."""

    def __init__(self, values):
        super().__init__()
        self.values = values

    def on_epoch_end(self, epoch, logs=None):
        logs["score"] = self.values[epoch]


class EpochEndWeights(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.seen = []

    def on_epoch_end(self, epoch, logs=None):
        self.seen.append(support.weights(self.model))


def test_early_stopping_after_swap_on_epoch_keeps_the_best_average():
    # Documented order: the EMA callback first, so that EarlyStopping
    # watches, snapshots and restores averaged weights.
    seen = EpochEndWeights()
    stop = EarlyStopping("score", mode="min", patience=10)
    ema = ExponentialMovingAverage(0.9, swap_on_epoch=True)
    model = support.bn_model()
    fit(model, [ema, ScriptedScore([3.0, 1.0, 2.0, 2.5]), seen, stop], epochs=4)
    assert stop.best_epoch == 1
    np.testing.assert_array_equal(np.concatenate([w.ravel() for w in support.weights(model)]),
                                  np.concatenate([w.ravel() for w in seen.seen[1]]))
    # What the later callbacks saw at epoch ends were averages: at the last
    # epoch, the final average.
    assert support.max_difference(in_order_of(ema, model, seen.seen[-1]), ema.averages) == 0.0

    # The other order restores training weights, then the EMA callback
    # replaces them with the final average: the best epoch is lost.
    seen, stop = EpochEndWeights(), EarlyStopping("score", mode="min", patience=10)
    ema = ExponentialMovingAverage(0.9, swap_on_epoch=True)
    model = support.bn_model()
    fit(model, [ScriptedScore([3.0, 1.0, 2.0, 2.5]), seen, stop, ema], epochs=4)
    final = support.weights(model)
    assert support.max_difference(in_order_of(ema, model, final), ema.averages) == 0.0
    assert support.max_difference(final, seen.seen[1]) > 1e-4


def test_save_and_mc_predict_use_the_average(tmp_path):
    model = support.bn_model()
    ema = ExponentialMovingAverage(0.9)
    fit(model, [ema])
    final = in_order_of(ema, model, support.weights(model))
    assert support.max_difference(final, ema.averages) == 0.0
    x = support.data()[0][:16]
    loaded = save_and_load(model, tmp_path)
    np.testing.assert_array_equal(to_numpy(loaded(x)), to_numpy(model(x)))
    mean, std = keras_reg.uncertainty.mc_predict(model, x, samples=2)
    np.testing.assert_allclose(mean, to_numpy(model(x)), rtol=1e-6)
    assert float(std.max()) == 0.0  # no dropout: every pass is the averaged model


@pytest.mark.slow
def test_mixed_precision():
    keras.config.set_dtype_policy("mixed_float16")
    recorder = support.UpdateRecorder()
    model = support.bn_model()  # the optimizer becomes a LossScaleOptimizer
    ema = ExponentialMovingAverage(0.9)
    fit(model, [ema, recorder], batch_size=8)
    assert isinstance(model.optimizer, keras.optimizers.LossScaleOptimizer)
    assert all(str(a.dtype) == "float32" for a in ema.averages)
    expected = reference_ema(recorder.snapshots, decay=0.9, warmup=True)
    assert support.max_difference(support.weights(model), expected) < 1e-5


@pytest.mark.slow
def test_steps_per_execution_applies_the_decay_per_update():
    if keras.backend.backend() == "torch":
        pytest.skip("Keras's torch trainer only runs steps_per_execution=1")
    model = support.bn_model()
    model.compile(keras.optimizers.SGD(0.05), "mse", steps_per_execution=2)
    recorder = support.UpdateRecorder()  # sees every second update
    fit(model, [ExponentialMovingAverage(0.9, warmup=False), recorder])
    expected = reference_ema(recorder.snapshots, decay=0.9, warmup=False)
    assert support.max_difference(support.weights(model), expected) < 1e-5


@pytest.mark.parametrize(
    "kwargs,error",
    [
        ({"decay": 1.0}, ValueError),
        ({"decay": -0.1}, ValueError),
        ({"decay": "0.9"}, TypeError),
        ({"warmup_gamma": 0.0}, ValueError),
        ({"warmup_power": -1.0}, ValueError),
        ({"start_step": -1}, ValueError),
        ({"start_step": 1.5}, ValueError),
        ({"update_every": 0}, ValueError),
    ],
)
def test_bad_arguments(kwargs, error):
    with pytest.raises(error, match=list(kwargs)[0]):
        ExponentialMovingAverage(**kwargs)


def test_start_step_beyond_the_run_fails_before_training():
    model = support.bn_model()
    before = support.weights(model)
    with pytest.raises(ValueError, match="start_step=50"):
        fit(model, [ExponentialMovingAverage(start_step=50)])  # 50 updates in all
    assert support.max_difference(support.weights(model), before) == 0.0


def test_config_round_trip():
    ema = ExponentialMovingAverage(0.95, warmup=False, warmup_gamma=2.0, warmup_power=0.75,
                                   start_step=3, update_every=2, average_non_trainable=False,
                                   swap_on_epoch=True)
    again = ExponentialMovingAverage.from_config(ema.get_config())
    assert again.get_config() == ema.get_config()
    assert keras.saving.get_registered_name(ExponentialMovingAverage) == (
        "keras_reg>ExponentialMovingAverage"
    )
