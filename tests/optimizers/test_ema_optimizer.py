"""EMAOptimizer on its own: against Keras's ``use_ema`` (the same average
without warmup), the NumPy recurrence of the warmup over 50 steps of ``fit``,
real updates only, files, bad input."""

import keras
import numpy as np
import pytest

import keras_reg
from keras_reg.optimizers import EMAOptimizer
from tests.callbacks import _averaging_support as support
from tests.callbacks.test_ema import reference_ema
from tests.helpers import save_and_load, to_numpy


def two_variables(seed=3):
    rng = np.random.default_rng(seed)
    return [keras.Variable(rng.normal(size=s).astype("float32")) for s in [(3, 2), (2,)]]


def apply_steps(optimizer, variables, steps):
    rng = np.random.default_rng(4)
    for _ in range(steps):
        grads = [keras.ops.convert_to_tensor(rng.normal(size=v.shape).astype("float32"))
                 for v in variables]
        optimizer.apply(grads, variables)


def trainable_part(model, values):
    trainable = {id(v) for v in model.trainable_weights}
    return [x for v, x in zip(model.weights, values) if id(v) in trainable]


def test_equals_keras_use_ema_without_warmup():
    # Keras's use_ema copies the weights at its first step and then moves
    # with a constant momentum: EMAOptimizer with warmup=False, start_step=0.
    ours_vars, keras_vars = two_variables(), two_variables()
    ours = EMAOptimizer(keras.optimizers.Adam(0.1), decay=0.8, warmup=False)
    theirs = keras.optimizers.Adam(0.1, use_ema=True, ema_momentum=0.8)
    apply_steps(ours, ours_vars, 7)
    apply_steps(theirs, keras_vars, 7)
    for a, b in zip(ours_vars, keras_vars):  # the training weights: plain Adam
        np.testing.assert_allclose(to_numpy(a), to_numpy(b), rtol=1e-6)
    ours.finalize_variable_values(ours_vars)
    theirs.finalize_variable_values(keras_vars)
    for a, b in zip(ours_vars, keras_vars):
        np.testing.assert_allclose(to_numpy(a), to_numpy(b), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("start_step", [0, 7])
def test_fit_ends_with_the_numpy_recurrence_of_the_warmup(start_step):
    recorder = support.UpdateRecorder()
    optimizer = EMAOptimizer(keras.optimizers.SGD(0.05), decay=0.9, warmup_gamma=2.0,
                             warmup_power=0.75, start_step=start_step)
    model = support.bn_model(optimizer)
    x, y = support.data()
    model.fit(x, y, batch_size=4, epochs=1, verbose=0, shuffle=False, callbacks=[recorder])
    assert len(recorder.snapshots) == 51 and optimizer.updates_counted == 50
    expected = reference_ema(recorder.snapshots, start_step, decay=0.9, warmup=True,
                             gamma=2.0, power=0.75)
    final = support.weights(model)
    # Trainable weights replaced by their averages, BatchNorm statistics as trained.
    assert support.max_difference(trainable_part(model, final),
                                  trainable_part(model, expected)) < 1e-5
    assert support.max_difference([final[4]], [recorder.snapshots[-1][4]]) == 0.0


def test_only_real_updates_count_with_accumulation_and_decoupled_decay():
    inner = keras_reg.optimizers.AdamW(0.01, weight_decay=0.1, gradient_accumulation_steps=2)
    optimizer = EMAOptimizer(inner, decay=0.9)
    recorder = support.UpdateRecorder()
    model = support.bn_model(optimizer)
    x, y = support.data()
    model.fit(x, y, batch_size=4, epochs=1, verbose=0, shuffle=False, callbacks=[recorder])
    assert len(recorder.snapshots) == 26 and optimizer.updates_counted == 25
    expected = reference_ema(recorder.snapshots, decay=0.9, warmup=True)
    assert support.max_difference(trainable_part(model, support.weights(model)),
                                  trainable_part(model, expected)) < 1e-5


@pytest.mark.slow
def test_mixed_precision_goes_inside_loss_scaling():
    keras.config.set_dtype_policy("mixed_float16")
    recorder = support.UpdateRecorder()
    optimizer = EMAOptimizer(keras.optimizers.SGD(0.05), decay=0.9)
    model = support.bn_model(optimizer)
    assert isinstance(model.optimizer, keras.optimizers.LossScaleOptimizer)
    x, y = support.data()
    model.fit(x, y, batch_size=8, epochs=1, verbose=0, shuffle=False, callbacks=[recorder])
    assert all(str(a.dtype) == "float32" for a in optimizer.averages)
    expected = reference_ema(recorder.snapshots, decay=0.9, warmup=True)
    assert optimizer.updates_counted == len(recorder.snapshots) - 1
    assert support.max_difference(trainable_part(model, support.weights(model)),
                                  trainable_part(model, expected)) < 1e-5


def test_saved_with_the_model_and_training_continues(tmp_path):
    optimizer = EMAOptimizer(keras.optimizers.Adam(0.01), decay=0.95, start_step=2)
    model = support.bn_model(optimizer)
    x, y = support.data()
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    loaded = save_and_load(model, tmp_path)  # safe_mode=True
    np.testing.assert_array_equal(to_numpy(loaded(x[:16])), to_numpy(model(x[:16])))
    assert isinstance(loaded.optimizer, EMAOptimizer)
    assert loaded.optimizer.get_config() == optimizer.get_config()
    for a, b in zip(loaded.optimizer.averages, optimizer.averages):
        np.testing.assert_array_equal(to_numpy(a), to_numpy(b))
    assert loaded.optimizer.updates_counted == optimizer.updates_counted == 25
    # A second fit on each continues the count and gives the same weights.
    for m in (model, loaded):
        m.fit(x, y, batch_size=8, epochs=1, verbose=0, shuffle=False)
    assert loaded.optimizer.updates_counted == 50
    assert support.max_difference(support.weights(loaded), support.weights(model)) < 1e-6


def test_config_round_trip():
    optimizer = EMAOptimizer(keras_reg.optimizers.AdamW(0.01, weight_decay=0.1), decay=0.9,
                             warmup=False, warmup_gamma=2.0, warmup_power=0.5, start_step=3,
                             name="averaged")
    again = EMAOptimizer.from_config(optimizer.get_config())
    assert again.get_config() == optimizer.get_config()
    assert again.schedule_settings == {"decay": 0.9, "warmup": False, "warmup_gamma": 2.0,
                                       "warmup_power": 0.5, "start_step": 3}


@pytest.mark.parametrize(
    "make,error,match",
    [
        (lambda: EMAOptimizer("adam"), TypeError, "optimizer"),
        (lambda: EMAOptimizer(keras.optimizers.LossScaleOptimizer(keras.optimizers.SGD())),
         ValueError, "LossScaleOptimizer goes outside"),
        (lambda: EMAOptimizer(EMAOptimizer(keras.optimizers.SGD())), ValueError,
         "one average"),
        (lambda: EMAOptimizer(keras.optimizers.SGD(), decay=1.0), ValueError, "decay"),
        (lambda: EMAOptimizer(keras.optimizers.SGD(), warmup_gamma=0.0), ValueError,
         "warmup_gamma"),
        (lambda: EMAOptimizer(keras.optimizers.SGD(), warmup_power=-1.0), ValueError,
         "warmup_power"),
        (lambda: EMAOptimizer(keras.optimizers.SGD(), start_step=-2), ValueError,
         "start_step"),
        (lambda: EMAOptimizer(keras.optimizers.SGD(), learning_rate=0.1), ValueError,
         "learning_rate"),
    ],
)
def test_bad_arguments(make, error, match):
    with pytest.raises(error, match=match):
        make()
