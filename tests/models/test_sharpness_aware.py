import keras
import numpy as np
import pytest

import keras_reg
from keras_reg.models import SharpnessAwareMinimization
from keras_reg.models._sharpness import sharpness_perturbation
from tests.helpers import save_and_load, to_numpy

SAM = SharpnessAwareMinimization


def data(n=80, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype("float32")
    y = np.sin(x @ np.array([[1.0], [-2.0], [0.5]], "float32")).astype("float32")
    return x, y


def mlp(middle=None, seed=1):
    keras.utils.set_random_seed(seed)
    layers = [keras.Input((3,)), keras.layers.Dense(4, activation="tanh")]
    layers += [middle] if middle is not None else []
    return keras.Sequential(layers + [keras.layers.Dense(1)])


def fit(model, optimizer, batch_size=4, epochs=1, n=80, **compile_kwargs):
    model.compile(optimizer, "mse", **compile_kwargs)
    x, y = data(n)
    return model.fit(x, y, batch_size=batch_size, epochs=epochs, verbose=0, shuffle=False)


# -- the perturbation ----------------------------------------------------------------

def reference_perturbation(weights, grads, rho, adaptive, eta=0.01, epsilon=1e-12):
    t = [np.abs(w) + eta if adaptive else np.ones_like(w) for w in weights]
    norm = np.sqrt(sum(np.sum((ti * g) ** 2) for ti, g in zip(t, grads)))
    return [rho * ti ** 2 * g / (norm + epsilon) for ti, g in zip(t, grads)]


@pytest.mark.parametrize("adaptive", [False, True], ids=["sam", "asam"])
def test_perturbation_matches_numpy_and_ignores_the_loss_scale(adaptive):
    rng = np.random.default_rng(0)
    weights = [rng.normal(size=(3, 4)).astype("float32"), rng.normal(size=4).astype("float32")]
    grads = [rng.normal(size=(3, 4)).astype("float32"), rng.normal(size=4).astype("float32")]
    expected = reference_perturbation(weights, grads, 0.3, adaptive)
    got = sharpness_perturbation(weights, grads, 0.3, adaptive)
    scaled = sharpness_perturbation(weights, [g * 1024.0 for g in grads], 0.3, adaptive)
    for e, g, s in zip(expected, got, scaled):
        np.testing.assert_allclose(to_numpy(g), e, rtol=1e-5)
        np.testing.assert_allclose(to_numpy(s), e, rtol=1e-5)
    # A weight without gradient is not perturbed.
    assert sharpness_perturbation(weights, [grads[0], None], 0.3, adaptive)[1] is None


# -- 20 steps against NumPy --------------------------------------------------------

def numpy_mlp_grads(params, x, y, mask=None):
    """MSE gradients of Dense(4, tanh or masked linear) -> Dense(1)."""
    w1, b1, w2, b2 = params
    z = x @ w1 + b1
    h = np.tanh(z) if mask is None else z * mask
    residual = h @ w2 + b2 - y
    d_out = 2.0 * residual / len(x)
    dh = d_out @ w2.T
    dz = dh * (1.0 - h ** 2) if mask is None else dh * mask
    return [x.T @ dz, dz.sum(0), h.T @ d_out, d_out.sum(0)]


def numpy_sam_sgd(params, batches, lr, rho, adaptive, eta=0.01, mask=None, epsilon=1e-12):
    params = [p.astype("float64") for p in params]
    for x, y in batches:
        grads = numpy_mlp_grads(params, x, y, mask)
        eps = reference_perturbation(params, grads, rho, adaptive, eta, epsilon)
        sharp = numpy_mlp_grads([p + e for p, e in zip(params, eps)], x, y, mask)
        params = [p - lr * g for p, g in zip(params, sharp)]
    return params


# ASAM with a non-default eta, and an epsilon large enough to change each
# step (the norm is ~1): both arguments reach the update.
@pytest.mark.parametrize("adaptive,rho,extra", [(False, 0.1, {}),
                                                (True, 0.5, {"eta": 0.05, "epsilon": 0.5})],
                         ids=["sam", "asam"])
def test_twenty_steps_equal_the_numpy_two_pass_algorithm(adaptive, rho, extra):
    inner = mlp()
    initial = [to_numpy(w) for w in inner.weights]
    fit(SAM(inner, rho=rho, adaptive=adaptive, **extra), keras.optimizers.SGD(0.1))  # 20 of 4
    x, y = data()
    batches = [(x[i:i + 4].astype("float64"), y[i:i + 4].astype("float64"))
               for i in range(0, 80, 4)]
    expected = numpy_sam_sgd(initial, batches, 0.1, rho, adaptive, **extra)
    for got, want in zip(inner.weights, expected):
        np.testing.assert_allclose(to_numpy(got), want, rtol=1e-4, atol=1e-5)
    # ... and far from plain SGD: the test can tell the two apart.
    plain = numpy_sam_sgd(initial, batches, 0.1, 0.0, False)
    assert max(np.max(np.abs(to_numpy(g) - p)) for g, p in zip(inner.weights, plain)) > 1e-3


def test_second_pass_draws_the_same_dropout_mask():
    dropout = keras_reg.layers.Dropout(0.5, seed=3)
    inner = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), dropout,
                              keras.layers.Dense(1)])
    initial = [to_numpy(w) for w in inner.weights]
    state = [to_numpy(v) for v in dropout.non_trainable_variables]
    ones = np.ones((8, 4), "float32")
    # The mask as fit draws it: the random source depends on the execution
    # mode (docs/dropout.md, "Random sources"), so draw it in fit's mode.
    mask, _ = _in_fit_mode(lambda s: dropout.stateless_call([], s, ones, training=True))(state)
    fit(SAM(inner, rho=0.2), keras.optimizers.SGD(0.1), batch_size=8, n=8)  # one step
    x, y = data(8)
    expected = numpy_sam_sgd(initial, [(x.astype("float64"), y.astype("float64"))], 0.1, 0.2,
                             False, mask=to_numpy(mask).astype("float64"))
    for got, want in zip(inner.weights, expected):
        np.testing.assert_allclose(to_numpy(got), want, rtol=1e-4, atol=1e-6)
    # The seed advanced once, as in a plain step; a fresh mask (the one a
    # second draw would give) differs, so the comparison above can fail.
    advanced = [to_numpy(v) for v in dropout.non_trainable_variables]
    _, once = dropout.stateless_call([], state, ones, training=True)
    np.testing.assert_array_equal(advanced[0], to_numpy(once[0]))
    fresh, _ = dropout.stateless_call([], advanced, ones, training=True)
    assert not np.array_equal(to_numpy(fresh), to_numpy(mask))


def test_batch_norm_statistics_come_from_the_first_pass_only():
    sam_inner = mlp(keras.layers.BatchNormalization())
    plain = mlp(keras.layers.BatchNormalization())
    fit(SAM(sam_inner, rho=0.5), keras.optimizers.SGD(0.1), batch_size=8, n=8)
    fit(plain, keras.optimizers.SGD(0.1), batch_size=8, n=8)
    bn, plain_bn = sam_inner.layers[1], plain.layers[1]
    for ours, theirs in ((bn.moving_mean, plain_bn.moving_mean),
                         (bn.moving_variance, plain_bn.moving_variance)):
        np.testing.assert_allclose(to_numpy(ours), to_numpy(theirs), rtol=1e-6, atol=1e-7)
    assert not np.allclose(to_numpy(sam_inner.layers[0].kernel), to_numpy(plain.layers[0].kernel))


@pytest.mark.parametrize("make_optimizer", [
    lambda: keras.optimizers.Adam(0.01),
    lambda: keras_reg.optimizers.AdamW(0.01, weight_decay=0.05),
], ids=["adam", "decoupled-weight-decay"])
def test_rho_zero_is_exactly_the_base_optimizer(make_optimizer):
    def inner():
        return mlp(keras_reg.layers.Dropout(0.3, seed=5))

    sam_inner = inner()
    ours = fit(SAM(sam_inner, rho=0.0), make_optimizer(), batch_size=8, epochs=2,
               metrics=["mae"])
    base_model = inner()
    base = fit(base_model, make_optimizer(), batch_size=8, epochs=2, metrics=["mae"])
    for a, b in zip(sam_inner.weights + sam_inner.non_trainable_variables,
                    base_model.weights + base_model.non_trainable_variables):
        np.testing.assert_array_equal(to_numpy(a), to_numpy(b))
    assert ours.history == base.history


@pytest.mark.slow
def test_mixed_precision():
    keras.config.set_dtype_policy("mixed_float16")
    sam_inner = mlp(keras.layers.BatchNormalization())
    sam = SAM(sam_inner, rho=0.05)
    history = fit(sam, keras.optimizers.SGD(0.1), batch_size=8)
    assert isinstance(sam.optimizer, keras.optimizers.LossScaleOptimizer)
    assert np.isfinite(history.history["loss"][-1])
    assert all(np.all(np.isfinite(to_numpy(w))) for w in sam_inner.weights)
    base_model = mlp(keras.layers.BatchNormalization())
    zero = mlp(keras.layers.BatchNormalization())
    fit(base_model, keras.optimizers.SGD(0.1), batch_size=8)
    fit(SAM(zero, rho=0.0), keras.optimizers.SGD(0.1), batch_size=8)
    for a, b in zip(zero.weights, base_model.weights):
        np.testing.assert_array_equal(to_numpy(a), to_numpy(b))


def test_save_load_round_trip(tmp_path):
    sam = SAM(mlp(keras.layers.BatchNormalization()), rho=0.3, adaptive=True, eta=0.02,
              epsilon=1e-9, name="sam")
    fit(sam, keras.optimizers.SGD(0.1), batch_size=16)
    loaded = save_and_load(sam, tmp_path)  # safe_mode=True
    assert isinstance(loaded, SAM)
    assert loaded.get_config()["rho"] == 0.3 and loaded.adaptive and loaded.eta == 0.02
    x, y = data(16)
    np.testing.assert_array_equal(to_numpy(loaded(x)), to_numpy(sam(x)))
    # Training resumes identically from the file.
    sam.fit(x, y, batch_size=8, verbose=0, shuffle=False)
    loaded.fit(x, y, batch_size=8, verbose=0, shuffle=False)
    for a, b in zip(loaded.weights, sam.weights):
        np.testing.assert_allclose(to_numpy(a), to_numpy(b), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize(
    "kwargs,error,match",
    [
        ({"rho": -0.1}, ValueError, "rho"),
        ({"rho": "0.1"}, TypeError, "rho"),
        ({"eta": -1.0}, ValueError, "eta"),
        ({"epsilon": 0.0}, ValueError, "epsilon"),
    ],
)
def test_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        SAM(mlp(), **kwargs)
    with pytest.raises(TypeError, match="model"):
        SAM("not a model")


@pytest.mark.slow
@pytest.mark.skipif(keras.backend.backend() != "jax",
                    reason="keras.distribution's DataParallel runs on JAX (the script starts JAX "
                           "in its own process: once, in the JAX run, is enough)")
def test_data_parallel_takes_epsilon_from_the_global_gradient():
    # 4 data shards of each batch of 32: the weights after 6 steps equal one
    # device's, whose epsilon comes from the whole batch's gradient (a
    # per-shard epsilon, from 8 samples each, would move them apart).
    import json
    import os
    import subprocess
    import sys

    here = os.path.dirname(os.path.abspath(__file__))
    env = {k: v for k, v in os.environ.items() if k not in ("XLA_FLAGS", "KERAS_BACKEND")}
    env["PYTHONPATH"] = os.pathsep.join([os.path.dirname(os.path.dirname(here)),
                                         env.get("PYTHONPATH", "")])
    proc = subprocess.run([sys.executable, os.path.join(here, "_sam_data_parallel_script.py")],
                          capture_output=True, text=True, env=env, timeout=300)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    assert proc.returncode == 0 and lines, proc.stdout[-3000:] + proc.stderr[-3000:]
    result = json.loads(lines[-1][len("RESULT "):])
    assert result["devices"] == 4
    assert result["max_rel"] < 1e-5


def _in_fit_mode(fn):
    """``fn`` compiled as ``fit`` runs the train step: ``tf.function`` on
    TensorFlow, ``jax.jit`` on JAX, eagerly on torch."""
    backend = keras.backend.backend()
    if backend == "jax":
        import jax

        return jax.jit(fn)
    if backend == "tensorflow":
        import tensorflow as tf

        return tf.function(fn)
    return fn
