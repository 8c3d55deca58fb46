import math

import numpy as np
import pytest

from keras_reg import layers
from keras_reg.ops._alpha_dropout import ALPHA_PRIME
from tests.helpers import Z_BOUND, binomial_sd, to_numpy
from tests.layers._via import draw, layer_and_function

SELU_ALPHA, SELU_LAMBDA = 1.6732632423543772848, 1.0507009873554804934


def reference_affine(p):
    """a, b from Klambauer et al. 2017, written out independently."""
    alpha_prime = -SELU_LAMBDA * SELU_ALPHA
    a = 1.0 / math.sqrt((1 - p) * (1 + p * alpha_prime**2))
    return a, -a * alpha_prime * p, alpha_prime


@pytest.mark.parametrize("p", [0.05, 0.2, 0.5])
@layer_and_function
def test_keeps_zero_mean_unit_variance(p, via):
    n = 400_000
    x = np.random.default_rng(1).standard_normal((n // 400, 400)).astype("float32")
    y = to_numpy(draw(via, layers.AlphaDropout, x, p, seed=2)).astype("float64")
    a, b, alpha_prime = reference_affine(p)

    # Each output is either a*x + b (kept) or a*alpha' + b (dropped).
    dropped_value = a * alpha_prime + b
    dropped = np.isclose(y, dropped_value, rtol=0, atol=1e-5)
    np.testing.assert_allclose(y[~dropped], a * x[~dropped] + b, rtol=1e-5, atol=1e-5)
    assert abs(dropped.mean() - p) < Z_BOUND * binomial_sd(p, n)

    # Mean 0 with sd 1/sqrt(n); variance 1 with sd sqrt((E[y^4] - 1) / n),
    # E[y^4] = (1-p)(3a^4 + 6a^2 b^2 + b^4) + p (a alpha' + b)^4 in closed form.
    fourth = (1 - p) * (3 * a**4 + 6 * a**2 * b**2 + b**4) + p * dropped_value**4
    assert abs(y.mean()) < Z_BOUND / math.sqrt(n)
    assert abs(y.var() - 1.0) < Z_BOUND * math.sqrt((fourth - 1.0) / n)


def test_constant_matches_selu():
    assert ALPHA_PRIME == pytest.approx(-1.7580993408473766, rel=1e-12)


@layer_and_function
def test_noise_shape(via):
    x = np.zeros((16, 6, 8), "float32")
    y = to_numpy(draw(via, layers.AlphaDropout, x, 0.5, seed=0, noise_shape=(None, 1, None)))
    assert np.all(y == y[:, :1, :])


@layer_and_function
def test_dropped_non_finite_input_gives_nan(via):
    x = np.full((50, 40), np.inf, "float32")
    y = to_numpy(draw(via, layers.AlphaDropout, x, 0.5, seed=4))
    assert np.all(np.isnan(y) | np.isposinf(y))
    assert np.isnan(y).any() and np.isposinf(y).any()


def test_malformed_noise_shape_is_value_error():
    # Keras's AlphaDropout stores any noise_shape and fails inside `call`;
    # keras_reg checks it as Dropout does, with Dropout's ValueError.
    with pytest.raises(ValueError, match="noise_shape"):
        layers.AlphaDropout(0.5, noise_shape="Invalid")
    with pytest.raises(ValueError, match=r"noise_shape.*input_shape=\(4, 5\)"):
        layers.AlphaDropout(0.5, noise_shape=(4, 3))(np.ones((4, 5), "float32"))
