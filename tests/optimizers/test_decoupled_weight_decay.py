import math

import keras
import numpy as np
import pytest

from keras_reg import optimizers, regularizers
from keras_reg.optimizers import DecoupledWeightDecay
from tests.helpers import save_and_load, to_numpy

RNG = np.random.default_rng(0)


def variable(value, name="kernel"):
    return keras.Variable(np.asarray(value, "float32"), name=name)


def run_zero_grad_steps(opt, var, steps):
    zeros = np.zeros(var.shape, "float32")
    for _ in range(steps):
        opt.apply([keras.ops.convert_to_tensor(zeros)], [var])
    return to_numpy(var)


# -- decay modes -------------------------------------------------------------------------


def test_constant_mode_is_geometric_shrink():
    w0 = RNG.normal(size=(3, 4))
    var = variable(w0)
    opt = DecoupledWeightDecay(keras.optimizers.SGD(0.5), 0.01, decay_mode="constant")
    np.testing.assert_allclose(run_zero_grad_steps(opt, var, 25), (0.99**25) * w0, rtol=1e-5)


def test_lr_mode_uses_lr_times_lambda():
    w0 = RNG.normal(size=(3, 4))
    var = variable(w0)
    opt = DecoupledWeightDecay(keras.optimizers.SGD(0.1), 0.2, decay_mode="lr")
    np.testing.assert_allclose(run_zero_grad_steps(opt, var, 10), (1 - 0.02) ** 10 * w0, rtol=1e-5)


def test_schedule_mode_follows_lr_ratio():
    lr = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.8)
    w0 = RNG.normal(size=(3, 4))
    var = variable(w0)
    lam = 0.05
    opt = DecoupledWeightDecay(keras.optimizers.SGD(lr), lam, decay_mode="schedule")
    out = run_zero_grad_steps(opt, var, 8)
    # Step t (from 0) uses lr_t / lr_0 = 0.8**t.
    expected = np.prod([1 - 0.8**t * lam for t in range(8)]) * w0
    np.testing.assert_allclose(out, expected, rtol=1e-5)


def test_weight_decay_schedule():
    wd = keras.optimizers.schedules.PiecewiseConstantDecay([3], [0.1, 0.0])
    w0 = RNG.normal(size=(2, 2))
    var = variable(w0)
    opt = DecoupledWeightDecay(keras.optimizers.SGD(1.0), wd, decay_mode="constant")
    # Steps 0..3 decay by 0.1 (Keras's piecewise boundary is inclusive), then none.
    np.testing.assert_allclose(run_zero_grad_steps(opt, var, 7), 0.9**4 * w0, rtol=1e-5)


@pytest.mark.parametrize(
    "make",
    [
        lambda: keras.optimizers.SGD(0.1, momentum=0.9),
        lambda: keras.optimizers.Adam(0.1),
        lambda: keras.optimizers.RMSprop(0.1),
        lambda: keras.optimizers.Nadam(0.1),
        lambda: keras.optimizers.Lion(0.1),
        lambda: keras.optimizers.Adagrad(0.1),
    ],
    ids=["SGD", "Adam", "RMSprop", "Nadam", "Lion", "Adagrad"],
)
def test_wraps_any_optimizer(make):
    # Zero gradients: the wrapped update is 0, only the decay moves weights.
    w0 = RNG.normal(size=(4, 3))
    var = variable(w0)
    opt = DecoupledWeightDecay(make(), 0.1, decay_mode="lr")
    np.testing.assert_allclose(run_zero_grad_steps(opt, var, 5), 0.99**5 * w0, rtol=1e-5)


def test_wraps_adafactor():
    w0 = RNG.normal(size=(4, 3))
    var = variable(w0)
    g = RNG.normal(size=(4, 3)).astype("float32")
    inner = keras.optimizers.Adafactor(0.1)
    plain_var = variable(w0 * 0.99)  # decay first, then Adafactor's update
    keras.optimizers.Adafactor(0.1).apply([g], [plain_var])
    DecoupledWeightDecay(inner, 0.1).apply([g], [var])
    np.testing.assert_allclose(to_numpy(var), to_numpy(plain_var), rtol=1e-5, atol=1e-7)


# -- the seed's claim and its limit ------------------------------------------------------


def small_model(seed, regularizer=None):
    keras.utils.set_random_seed(seed)
    return keras.Sequential(
        [
            keras.Input((5,)),
            keras.layers.Dense(8, activation="tanh", kernel_regularizer=regularizer,
                               bias_regularizer=regularizer),
            keras.layers.Dense(2, kernel_regularizer=regularizer, bias_regularizer=regularizer),
        ]
    )


def train(model, opt, steps=50):
    x = RNG.normal(size=(16, 5)).astype("float32")
    y = RNG.normal(size=(16, 2)).astype("float32")
    model.compile(opt, "mse")
    for _ in range(steps):
        model.train_on_batch(x, y)
    return [to_numpy(w) for w in model.weights]


def test_sgd_plus_l2_equals_sgdw_without_momentum():
    lam, lr = 0.05, 0.1
    state = RNG.bit_generator.state
    a = train(small_model(1, regularizers.L2(lam)), keras.optimizers.SGD(lr))
    RNG.bit_generator.state = state  # same data
    b = train(
        small_model(1),
        optimizers.SGDW(lr, momentum=0.0, weight_decay=lam, exclude_bias_and_norm=False),
    )
    # 1e-6 relative to each tensor's norm: the two orders of float32
    # operations round differently by an ulp per step (elementwise relative
    # error is unbounded for weights that pass near 0).
    for wa, wb in zip(a, b):
        assert np.linalg.norm(wa - wb) <= 1e-6 * np.linalg.norm(wb)


def test_adam_plus_l2_is_not_adamw():
    lam, lr = 0.05, 0.01
    state = RNG.bit_generator.state
    a = train(small_model(1, regularizers.L2(lam)), keras.optimizers.Adam(lr))
    RNG.bit_generator.state = state
    b = train(small_model(1), optimizers.AdamW(lr, weight_decay=lam, exclude_bias_and_norm=False))
    diff = max(np.max(np.abs(wa - wb)) for wa, wb in zip(a, b))
    assert diff > 1e-3, diff


# -- torch.optim.AdamW's published update, in NumPy ---------------------------------------


def reference_adamw(w, grads, lrs, lam, b1=0.9, b2=0.999, eps=1e-8):
    """Loshchilov & Hutter's AdamW as documented for torch.optim.AdamW."""
    w = w.astype("float64")
    m, v = np.zeros_like(w), np.zeros_like(w)
    for t, (g, lr) in enumerate(zip(grads, lrs), start=1):
        w = w - lr * lam * w
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
        w = w - lr * m_hat / (np.sqrt(v_hat) + eps)
    return w


@pytest.mark.parametrize("schedule", ["constant", "cosine"])
def test_adamw_matches_torch_adamw_algorithm(schedule):
    steps, lr0, lam = 200, 1e-2, 0.1
    rng = np.random.default_rng(11)  # its own draws: independent of test order
    w0 = rng.normal(size=(6, 5))
    grads = rng.normal(size=(steps, 6, 5)) * 0.5 + 0.1
    if schedule == "cosine":
        lr = keras.optimizers.schedules.CosineDecay(lr0, decay_steps=steps)
        lrs = [lr0 * 0.5 * (1 + math.cos(math.pi * t / steps)) for t in range(steps)]
    else:
        lr, lrs = lr0, [lr0] * steps
    var = variable(w0)
    # Keras puts epsilon outside the bias correction (torch inside): the two
    # differ by up to lr·eps·(1/sqrt(1-b2^t) - 1)/sqrt(v_hat) per step, which is
    # ~1e-6 whenever an early gradient is near 0. A negligible epsilon in both
    # leaves only the decay and Adam algorithm under test.
    eps = 1e-12
    opt = optimizers.AdamW(lr, weight_decay=lam, epsilon=eps, exclude_bias_and_norm=False)
    for g in grads:
        opt.apply([keras.ops.convert_to_tensor(g.astype("float32"))], [var])
    # Keras holds beta_1, beta_2 as float32: 1 - float32(0.999) is 1.3e-5 off
    # 0.001, a systematic 6e-6 relative step difference; the reference uses the
    # same constants so that only rounding remains.
    b1, b2 = float(np.float32(0.9)), float(np.float32(0.999))
    expected = reference_adamw(w0, grads.astype("float32").astype("float64"), lrs, lam,
                               b1=b1, b2=b2, eps=eps)
    # float32 state: each step rounds w about four times (decay, m/v, update),
    # each off by <= u·|w| (u = 2^-24); worst case they add up over the steps.
    # Applying the decay after the Adam step instead (or coupling it into the
    # gradient) moves w by 7e-4 here (computed in NumPy), 6x this bound.
    bound = steps * 4 * 2.0**-24 * np.max(np.abs(expected))
    np.testing.assert_allclose(to_numpy(var), expected, rtol=0, atol=bound)


# -- which variables decay ----------------------------------------------------------------


def model_with_norms():
    return keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(6, name="dense_a"),
            keras.layers.BatchNormalization(name="bn"),
            keras.layers.Dense(6, name="dense_b"),
            keras.layers.LayerNormalization(name="ln"),
            keras.layers.Dense(2, name="dense_c"),
        ]
    )


def zero_grad_step(model, opt):
    before = {v.path: to_numpy(v).copy() for v in model.trainable_variables}
    opt.apply([keras.ops.zeros(v.shape) for v in model.trainable_variables],
              model.trainable_variables)
    return {v.path: (before[v.path], to_numpy(v)) for v in model.trainable_variables}


def test_bias_and_norm_parameters_are_not_decayed_by_default():
    model = model_with_norms()
    changes = zero_grad_step(model, optimizers.SGDW(1.0, momentum=0.0, weight_decay=0.1))
    for path, (before, after) in changes.items():
        if before.ndim <= 1:
            np.testing.assert_array_equal(after, before, err_msg=path)
        else:
            np.testing.assert_allclose(after, 0.9 * before, rtol=1e-6, err_msg=path)


def test_path_pattern_excludes_one_layer_only():
    model = model_with_norms()
    opt = optimizers.SGDW(1.0, momentum=0.0, weight_decay=0.1, exclude=["dense_b/kernel"])
    changes = zero_grad_step(model, opt)
    kernels = {p: c for p, c in changes.items() if p.endswith("kernel")}
    assert len(kernels) == 3
    for path, (before, after) in kernels.items():
        factor = 1.0 if "dense_b/" in path else 0.9
        np.testing.assert_allclose(after, factor * before, rtol=1e-6, err_msg=path)


# -- Keras features it must compose with --------------------------------------------------


def test_gradient_accumulation_decays_once_per_update():
    w0 = RNG.normal(size=(3, 3))
    var = variable(w0)
    inner = keras.optimizers.SGD(1.0, gradient_accumulation_steps=2)
    opt = DecoupledWeightDecay(inner, 0.1)
    np.testing.assert_allclose(run_zero_grad_steps(opt, var, 6), 0.9**3 * w0, rtol=1e-5)


def test_mixed_float16_fit_wraps_it_in_loss_scale_optimizer():
    # Keras wraps the optimizer in LossScaleOptimizer under mixed_float16;
    # with a loss whose gradient is 0 only the decay moves the kernel.
    keras.config.set_dtype_policy("mixed_float16")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    opt = DecoupledWeightDecay(keras.optimizers.Adam(0.1), 0.1)
    model.compile(opt, loss=lambda y, p: 0.0 * keras.ops.sum(p))
    assert isinstance(model.optimizer, keras.optimizers.LossScaleOptimizer)
    assert model.optimizer.inner_optimizer is opt
    w0 = to_numpy(model.layers[0].kernel).copy()
    model.fit(np.zeros((8, 4), "float32"), np.zeros((8, 3), "float32"),
              batch_size=4, epochs=1, verbose=0)
    np.testing.assert_allclose(to_numpy(model.layers[0].kernel), 0.99**2 * w0, rtol=1e-5)


def fit_data():
    x = RNG.normal(size=(64, 4)).astype("float32")
    return x, (x @ RNG.normal(size=(4, 2))).astype("float32")


def test_fit_jit_save_load_then_one_more_step(tmp_path):
    x, y = fit_data()
    model = model_with_norms()
    opt = optimizers.AdamW(1e-2, weight_decay=0.1, exclude=["dense_c"])
    model.compile(opt, "mse", jit_compile=True)
    model.fit(x, y, batch_size=16, epochs=2, verbose=0)

    loaded = save_and_load(model, tmp_path)
    assert isinstance(loaded.optimizer, optimizers.AdamW)
    assert loaded.optimizer.get_config() == model.optimizer.get_config()
    model.train_on_batch(x[:16], y[:16])
    loaded.train_on_batch(x[:16], y[:16])
    for a, b in zip(model.weights, loaded.weights):
        np.testing.assert_allclose(to_numpy(a), to_numpy(b), rtol=1e-6, atol=1e-7)


def test_use_ema_finalizes_to_the_moving_average():
    x, y = fit_data()
    model = model_with_norms()
    opt = optimizers.AdamW(1e-2, weight_decay=0.1, use_ema=True, ema_momentum=0.9)
    model.compile(opt, "mse")
    model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    averages = opt.inner_optimizer._model_variables_moving_average
    for var, avg in zip(model.trainable_variables, averages):
        np.testing.assert_array_equal(to_numpy(var), to_numpy(avg))


def test_wrapper_config_round_trip_with_schedules():
    opt = DecoupledWeightDecay(
        keras.optimizers.Lion(keras.optimizers.schedules.CosineDecay(1e-3, 100)),
        keras.optimizers.schedules.ExponentialDecay(1e-2, 10, 0.5),
        decay_mode="schedule",
        exclude=["embedding"],
    )
    config = keras.saving.serialize_keras_object(opt)
    assert config["registered_name"] == "keras_reg>DecoupledWeightDecay"
    clone = keras.saving.deserialize_keras_object(config)
    assert clone.get_config() == opt.get_config()
    assert isinstance(clone.inner_optimizer, keras.optimizers.Lion)


def test_presets_config_round_trip():
    for opt in (optimizers.AdamW(3e-4, weight_decay=0.05, clipnorm=1.0),
                optimizers.SGDW(0.1, momentum=0.8, nesterov=True, weight_decay=1e-4)):
        clone = type(opt).from_config(opt.get_config())
        assert clone.get_config() == opt.get_config()


# -- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize("wd", [-0.1, float("nan")])
def test_bad_weight_decay(wd):
    with pytest.raises(ValueError, match="weight_decay"):
        DecoupledWeightDecay(keras.optimizers.SGD(), wd)


def test_bad_arguments():
    with pytest.raises(ValueError, match="decay_mode"):
        DecoupledWeightDecay(keras.optimizers.SGD(), 0.1, decay_mode="l2")
    with pytest.raises(TypeError, match="keras.optimizers.Optimizer"):
        DecoupledWeightDecay("adam", 0.1)
    with pytest.raises(ValueError, match="already applies weight decay"):
        DecoupledWeightDecay(keras.optimizers.AdamW(weight_decay=0.01), 0.1)
    with pytest.raises(TypeError, match="exclude"):
        DecoupledWeightDecay(keras.optimizers.SGD(), 0.1, exclude=[3])
    with pytest.raises(ValueError, match="regex"):
        DecoupledWeightDecay(keras.optimizers.SGD(), 0.1, exclude=["("])


def test_normalized_weight_decay():
    assert optimizers.normalized_weight_decay(0.05, 128, 50_000, 100) == pytest.approx(
        0.05 * math.sqrt(128 / (50_000 * 100))
    )
    with pytest.raises(ValueError, match="epochs"):
        optimizers.normalized_weight_decay(0.05, 128, 50_000, 0)


def test_learning_rate_is_the_wrapped_optimizers():
    opt = DecoupledWeightDecay(keras.optimizers.SGD(0.1), 0.1)
    opt.learning_rate = 0.05  # what ReduceLROnPlateau does
    assert float(to_numpy(opt.inner_optimizer.learning_rate)) == pytest.approx(0.05)
    assert float(to_numpy(opt.learning_rate)) == pytest.approx(0.05)
    assert opt.base_learning_rate == pytest.approx(0.1)  # lr_0 stays the initial rate
