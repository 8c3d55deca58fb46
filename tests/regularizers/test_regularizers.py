import keras
import numpy as np
import pytest

from keras_reg import regularizers
from tests.helpers import save_and_load, to_numpy

RNG = np.random.default_rng(0)


def test_penalty_values_match_closed_forms():
    w = RNG.normal(size=(5, 7)).astype("float32")
    np.testing.assert_allclose(
        to_numpy(regularizers.L2(0.3)(w)), 0.5 * 0.3 * np.sum(w.astype("float64") ** 2), rtol=1e-5
    )
    np.testing.assert_allclose(to_numpy(regularizers.L1(0.2)(w)), 0.2 * np.abs(w).sum(), rtol=1e-5)
    np.testing.assert_allclose(
        to_numpy(regularizers.L1L2(l1=0.2, l2=0.3)(w)),
        0.2 * np.abs(w).sum() + 0.15 * np.sum(w**2),
        rtol=1e-5,
    )
    # keras_reg.L2(2a) == keras.regularizers.L2(a): the documented factor of 2.
    np.testing.assert_allclose(
        to_numpy(regularizers.L2(0.2)(w)), to_numpy(keras.regularizers.L2(0.1)(w)), rtol=1e-6
    )


def test_l2_gradient_is_exactly_l2_times_w():
    # One SGD(lr=1) step on a loss made of the penalty alone moves the kernel
    # by exactly its gradient, computed by the backend's autodiff.
    lam = 0.1
    model = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(3, kernel_regularizer=regularizers.L2(lam))]
    )
    model.compile(keras.optimizers.SGD(1.0), loss=lambda y, p: 0.0 * keras.ops.sum(p))
    w0 = to_numpy(model.layers[0].kernel).copy()
    model.train_on_batch(np.zeros((2, 4), "float32"), np.zeros((2, 3), "float32"))
    grad = w0 - to_numpy(model.layers[0].kernel)
    np.testing.assert_allclose(grad, lam * w0, rtol=1e-5, atol=1e-7)


def _with_orthonormal_columns(rows, cols):
    q, _ = np.linalg.qr(RNG.normal(size=(rows, cols)))
    return q.astype("float32")


def test_orthogonal_is_zero_for_orthogonal_and_positive_otherwise():
    q = _with_orthonormal_columns(6, 6)
    for mode in ("rows", "columns"):
        assert float(to_numpy(regularizers.Orthogonal(1.0, mode=mode)(q))) < 1e-8
    tall = _with_orthonormal_columns(8, 3)
    assert float(to_numpy(regularizers.Orthogonal(1.0, mode="columns")(tall))) < 1e-8
    assert float(to_numpy(regularizers.Orthogonal(1.0, mode="rows")(tall))) > 0.5
    w = RNG.normal(size=(6, 4)).astype("float32")
    expected = np.sum((w.T @ w - np.eye(4)) ** 2)
    np.testing.assert_allclose(
        to_numpy(regularizers.Orthogonal(0.5, mode="columns")(w)), 0.5 * expected, rtol=1e-4
    )


def test_orthogonal_on_a_conv_kernel():
    # (kh, kw, in, out) = (3, 3, 4, 8): the (36, 8) view has orthonormal columns.
    kernel = _with_orthonormal_columns(36, 8).reshape(3, 3, 4, 8)
    reg = regularizers.Orthogonal(1.0, mode="columns")
    assert float(to_numpy(reg(kernel))) < 1e-8
    assert float(to_numpy(reg(kernel * 1.1))) > 0.1
    layer = keras.layers.Conv2D(8, 3, kernel_regularizer=reg)
    layer(np.zeros((1, 5, 5, 4), "float32"))
    assert float(to_numpy(layer.losses[0])) > 0


def test_string_identifiers_after_import():
    layer = keras.layers.Dense(2, kernel_regularizer="keras_reg>L2")
    assert isinstance(layer.kernel_regularizer, regularizers.L2)


def test_model_with_regularizers_round_trips(tmp_path):
    model = keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(3, kernel_regularizer=regularizers.L1L2(1e-3, 1e-2)),
            keras.layers.Dense(2, kernel_regularizer=regularizers.Orthogonal(1e-2, "columns")),
        ]
    )
    loaded = save_and_load(model, tmp_path)
    for a, b in zip(model.layers, loaded.layers):
        assert a.kernel_regularizer.get_config() == b.kernel_regularizer.get_config()
    x = RNG.normal(size=(3, 4)).astype("float32")
    np.testing.assert_array_equal(to_numpy(model(x)), to_numpy(loaded(x)))
    np.testing.assert_allclose(
        sum(float(to_numpy(v)) for v in model.losses),
        sum(float(to_numpy(v)) for v in loaded.losses),
        rtol=1e-6,
    )


@pytest.mark.parametrize(
    "make,arg",
    [
        (lambda v: regularizers.L2(v), "l2"),
        (lambda v: regularizers.L1(v), "l1"),
        (lambda v: regularizers.L1L2(l1=v), "l1"),
        (lambda v: regularizers.L1L2(l2=v), "l2"),
        (lambda v: regularizers.Orthogonal(v), "factor"),
    ],
)
@pytest.mark.parametrize("value", [-1e-3, float("nan")])
def test_bad_strengths(make, arg, value):
    with pytest.raises(ValueError, match=f"`{arg}`"):
        make(value)


def test_unknown_orthogonal_mode_and_rank():
    with pytest.raises(ValueError, match="mode"):
        regularizers.Orthogonal(0.1, mode="diagonal")
    with pytest.raises(ValueError, match="rank >= 2"):
        regularizers.Orthogonal(0.1)(np.ones((3,), "float32"))
