import math
import os
import warnings

import keras
import numpy as np
import pytest

from keras_reg.callbacks import (
    StochasticWeightAveraging,
    _averaging,
    recompute_batch_norm_statistics,
)
from tests._tensorflow import tf
from tests.callbacks import _averaging_support as support
from tests.callbacks._support import CrashAt
from tests.helpers import to_numpy

SWA = StochasticWeightAveraging


def dense_model(learning_rate=0.1):
    keras.utils.set_random_seed(1)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="tanh"),
                              keras.layers.Dense(1)])
    model.compile(keras.optimizers.SGD(learning_rate), "mse")
    return model


def learning_rate(model):
    return float(to_numpy(model.optimizer.learning_rate))


class EpochLog(keras.callbacks.Callback):
    """The learning rate each epoch runs at and the weights it ends with."""

    def __init__(self):
        super().__init__()
        self.rates, self.weights = [], {}

    def on_epoch_begin(self, epoch, logs=None):
        self.rates.append(learning_rate(self.model))

    def on_epoch_end(self, epoch, logs=None):
        self.weights[epoch] = self.model.get_weights()


def fit(model, callbacks, epochs, x=None, y=None, **kwargs):
    if x is None:
        x, y = support.data(n=40)
    return model.fit(x, y, batch_size=8, epochs=epochs, verbose=0, shuffle=False,
                     callbacks=callbacks, **kwargs)


def test_schedule_anneals_before_averaging_starts():
    rates = [_averaging.swa_learning_rate(e, 1.0, 0.2, 5, 3, "linear") for e in range(7)]
    assert rates[:2] == [None, None]
    np.testing.assert_allclose(rates[2:], [0.8, 0.6, 0.4, 0.2, 0.2])
    cos = [_averaging.swa_learning_rate(e, 1.0, 0.2, 2, 1, "cos") for e in range(3)]
    assert cos == [None, pytest.approx(0.6), 0.2]  # t = 1/2: (1 - cos(pi/2))/2 = 1/2
    assert _averaging.swa_learning_rate(0, 1.0, 0.2, 0, 0, "linear") == 0.2


def test_average_learning_rates_and_restore_match_numpy():
    # Averaging from epoch 2 every 2 epochs (2, 4, 6), the rate annealed
    # along a half cosine over epochs 0-1 from 0.1 to 0.01.
    log = EpochLog()
    swa = SWA(2, swa_learning_rate=0.01, anneal_epochs=2, anneal_strategy="cos",
              update_every=2)
    model = dense_model(0.1)
    fit(model, [swa, log], epochs=7)
    alpha = [(1 - math.cos(math.pi * t)) / 2 for t in (1 / 3, 2 / 3)]
    expected_rates = [0.1 + (0.01 - 0.1) * a for a in alpha] + [0.01] * 5
    np.testing.assert_allclose(log.rates, expected_rates, rtol=1e-6)
    assert (swa.count, swa.last_update_epoch) == (3, 6)
    expected = [np.mean([log.weights[e][i] for e in (2, 4, 6)], axis=0, dtype="float64")
                for i in range(4)]
    assert support.max_difference(model.get_weights(), expected) < 1e-6
    assert learning_rate(model) == pytest.approx(0.1)  # put back when training ended


def bn_probe_model():
    keras.utils.set_random_seed(2)
    model = keras.Sequential([
        keras.Input((3,)),
        keras.layers.Dropout(0.5),
        keras.layers.BatchNormalization(momentum=0.9),
        keras.layers.Dense(2),
        keras.layers.BatchNormalization(trainable=False),
    ])
    model.build((None, 3))
    return model


def batches_of(x, y):
    for start in range(0, len(x), 8):
        yield x[start:start + 8], y[start:start + 8]


@pytest.mark.parametrize("form", ["array", "tuple", "generator", "tf.data"])
def test_batch_norm_statistics_are_the_mean_of_batch_statistics(form):
    x, y = support.data(n=20)  # batches of 8, 8 and 4, each weighing 1/3
    data = {
        "array": lambda: x,
        "tuple": lambda: (x, y),
        "generator": lambda: batches_of(x, y),
        "tf.data": lambda: tf.data.Dataset.from_tensor_slices(
            (x, y)).batch(8),
    }[form]()
    model = bn_probe_model()
    frozen = [to_numpy(v) for v in model.layers[-1].weights]
    assert recompute_batch_norm_statistics(model, data, batch_size=8) == 3
    bn = model.layers[1]
    parts = [x[0:8], x[8:16], x[16:20]]
    # Dropout stayed off: the statistics are those of x itself.
    np.testing.assert_allclose(to_numpy(bn.moving_mean),
                               np.mean([p.mean(0) for p in parts], axis=0), atol=1e-6)
    np.testing.assert_allclose(to_numpy(bn.moving_variance),
                               np.mean([p.var(0) for p in parts], axis=0), rtol=1e-5)
    assert bn.momentum == 0.9
    for before, after in zip(frozen, model.layers[-1].weights):
        np.testing.assert_array_equal(before, to_numpy(after))


def test_batch_norm_steps_and_empty_data():
    x, _ = support.data(n=20)
    model = bn_probe_model()
    assert recompute_batch_norm_statistics(model, x, batch_size=4, steps=2) == 2
    np.testing.assert_allclose(to_numpy(model.layers[1].moving_mean),
                               (x[:4].mean(0) + x[4:8].mean(0)) / 2, atol=1e-6)
    with pytest.raises(ValueError, match="no batch"):
        recompute_batch_norm_statistics(model, iter([]))
    assert recompute_batch_norm_statistics(dense_model(), x) == 0  # no BatchNorm
    with pytest.raises(ValueError, match="batch_size"):
        recompute_batch_norm_statistics(model, x, batch_size=0)
    with pytest.raises(ValueError, match="steps"):
        recompute_batch_norm_statistics(model, x, steps=0)


def test_crash_and_resume_give_the_same_average(tmp_path):
    def run(callbacks):
        model = support.bn_model()
        x, y = support.data(n=40)
        swa = SWA(2, swa_learning_rate=0.01, anneal_epochs=1, bn_data=x, backup_dir=backup)
        fit(model, [swa, keras.callbacks.BackupAndRestore(backup), *callbacks], epochs=6)
        return model, swa

    backup = str(tmp_path / "backup")
    with pytest.raises(RuntimeError, match="simulated crash"):
        run([CrashAt(4)])
    assert "keras_reg_swa.json" in os.listdir(backup)
    resumed, swa = run([])
    assert (swa.count, swa.last_update_epoch) == (4, 5)
    assert not os.path.exists(backup)  # both callbacks cleaned up
    backup = str(tmp_path / "other")
    uninterrupted, _ = run([])
    for a, b in zip(resumed.get_weights(), uninterrupted.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_a_damaged_backup_is_refused_before_training(tmp_path):
    (tmp_path / "keras_reg_swa.json").write_text("{not json")
    model = dense_model()
    before = model.get_weights()
    with pytest.raises(ValueError, match="keras_reg_swa.json"):
        fit(model, [SWA(1, backup_dir=str(tmp_path))], epochs=3)
    assert support.max_difference(model.get_weights(), before) == 0.0


@pytest.mark.parametrize(
    "make,match",
    [
        (lambda: (dense_model(), SWA(3)), "start_epoch=3 is beyond"),
        (lambda: (support.bn_model(), SWA(1)), "bn_data"),
        (lambda: (_scheduled_model(), SWA(1, swa_learning_rate=0.01)), "LearningRateSchedule"),
    ],
    ids=["start-beyond-run", "batch-norm-without-data", "schedule"],
)
def test_bad_setups_fail_before_training(make, match):
    model, swa = make()
    before = model.get_weights()
    with pytest.raises(ValueError, match=match):
        fit(model, [swa], epochs=3)
    assert support.max_difference(model.get_weights(), before) == 0.0


def _scheduled_model():
    model = dense_model()
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5)
    model.compile(keras.optimizers.SGD(schedule), "mse")
    return model


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"start_epoch": -1}, "start_epoch"),
        ({"start_epoch": 2, "anneal_epochs": 3}, "anneal_epochs"),
        ({"start_epoch": 2, "swa_learning_rate": 0.0}, "swa_learning_rate"),
        ({"start_epoch": 2, "swa_learning_rate": -1.0}, "swa_learning_rate"),
        ({"start_epoch": 2, "anneal_strategy": "step"}, "anneal_strategy"),
        ({"start_epoch": 2, "update_every": 0}, "update_every"),
        ({"start_epoch": 2, "bn_batch_size": 0}, "bn_batch_size"),
        ({"start_epoch": 2, "bn_steps": 0}, "bn_steps"),
        ({"start_epoch": 2, "verbose": -1}, "verbose"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        SWA(**kwargs)


class StopAfterFirstEpoch(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        self.model.stop_training = True


def test_training_that_ends_before_averaging_keeps_its_weights():
    stop = StopAfterFirstEpoch()
    model = dense_model()
    log = EpochLog()
    with pytest.warns(UserWarning, match="ended before epoch 2"):
        fit(model, [log, stop, SWA(2)], epochs=4)
    for a, b in zip(model.get_weights(), log.weights[0]):
        np.testing.assert_array_equal(a, b)


def test_verbose_line(capsys):
    x, _ = support.data(n=40)
    fit(support.bn_model(), [SWA(1, bn_data=x, verbose=1)], epochs=3)
    out = capsys.readouterr().out
    assert "average of 2 epochs' weights (up to epoch 3)" in out
    assert "re-estimated on 2 batches" in out


def test_config_round_trip(tmp_path):
    swa = SWA(4, swa_learning_rate=0.05, anneal_epochs=2, anneal_strategy="cos", update_every=2,
              bn_data=np.zeros((2, 3)), bn_batch_size=16, bn_steps=10,
              backup_dir=str(tmp_path), verbose=1)
    again = SWA.from_config(swa.get_config())
    assert again.get_config() == swa.get_config()
    assert "bn_data" not in swa.get_config() and again.bn_data is None


@pytest.mark.slow
def test_matches_torch_averaged_model_and_update_bn():
    torch = pytest.importorskip("torch")
    from torch.optim import swa_utils

    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 6, 6, 2)).astype("float32")
    y = rng.normal(size=(32, 1)).astype("float32")
    keras.utils.set_random_seed(3)
    model = keras.Sequential([
        keras.Input((6, 6, 2)),
        keras.layers.Conv2D(3, 3),
        keras.layers.BatchNormalization(),
        keras.layers.ReLU(),
        keras.layers.Flatten(),
        keras.layers.Dense(4),
        keras.layers.BatchNormalization(),
        keras.layers.Dense(1),
    ])
    model.compile(keras.optimizers.SGD(0.05), "mse")
    log = EpochLog()
    fit(model, [log, SWA(1, bn_data=x, bn_batch_size=8)], epochs=4, x=x, y=y)

    twin = torch_twin(torch)
    averaged = swa_utils.AveragedModel(twin)
    for epoch in (1, 2, 3):
        twin.load(log.weights[epoch])
        averaged.update_parameters(twin)
    swa_utils.update_bn([torch.from_numpy(x[i:i + 8]) for i in range(0, 32, 8)], averaged)

    conv, bn1, dense, bn2, out = (averaged.module.conv, averaged.module.bn1, averaged.module.dense,
                                  averaged.module.bn2, averaged.module.out)
    keras_conv, keras_bn1, keras_dense, keras_bn2, keras_out = (
        model.layers[i] for i in (0, 1, 4, 5, 6)
    )

    def close(keras_value, torch_value, rtol=1e-5):
        np.testing.assert_allclose(to_numpy(keras_value), torch_value.detach().numpy(),
                                   rtol=rtol, atol=1e-6)

    close(keras_conv.kernel, conv.weight.permute(2, 3, 1, 0))
    close(keras_dense.kernel, dense.weight.T)
    close(keras_out.kernel, out.weight.T)
    close(keras_bn1.gamma, bn1.weight)
    for keras_bn, torch_bn, n in ((keras_bn1, bn1, 8 * 4 * 4), (keras_bn2, bn2, 8)):
        close(keras_bn.moving_mean, torch_bn.running_mean, rtol=1e-4)
        # torch averages the unbiased batch variance, Keras the biased one.
        close(keras_bn.moving_variance * n / (n - 1), torch_bn.running_var, rtol=1e-4)


def torch_twin(torch):
    """The Keras model above in torch.nn (NHWC in, as Keras takes it)."""
    nn = torch.nn

    class Twin(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(2, 3, 3)
            self.bn1 = nn.BatchNorm2d(3, eps=1e-3)
            self.dense = nn.Linear(3 * 4 * 4, 4)
            self.bn2 = nn.BatchNorm1d(4, eps=1e-3)
            self.out = nn.Linear(4, 1)

        def forward(self, x):
            h = torch.relu(self.bn1(self.conv(x.permute(0, 3, 1, 2))))
            h = h.permute(0, 2, 3, 1).flatten(1)  # Keras flattens NHWC
            return self.out(self.bn2(self.dense(h)))

        def load(self, weights):
            (kernel, bias, g1, b1, m1, v1, dense, dense_bias, g2, b2, m2, v2, out,
             out_bias) = [torch.from_numpy(np.asarray(w)) for w in weights]
            with torch.no_grad():
                self.conv.weight.copy_(kernel.permute(3, 2, 0, 1))
                self.conv.bias.copy_(bias)
                self.dense.weight.copy_(dense.T)
                self.dense.bias.copy_(dense_bias)
                self.out.weight.copy_(out.T)
                self.out.bias.copy_(out_bias)
                for bn, g, b, m, v in ((self.bn1, g1, b1, m1, v1), (self.bn2, g2, b2, m2, v2)):
                    bn.weight.copy_(g)
                    bn.bias.copy_(b)
                    bn.running_mean.copy_(m)
                    bn.running_var.copy_(v)

    return Twin()


def test_no_warning_when_averaging_happened():
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        fit(dense_model(), [SWA(0)], epochs=1)
