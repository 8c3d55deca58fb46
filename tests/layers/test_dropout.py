import keras
import numpy as np
import pytest

from keras_reg import layers
from tests.helpers import Z_BOUND, binomial_sd, to_numpy
from tests.layers._via import draw, layer_and_function


@pytest.mark.parametrize("rate", [0.1, 0.5, 0.8])
@layer_and_function
def test_fraction_dropped_and_kept_values(rate, via):
    x = np.ones((400, 500), "float32")
    y = to_numpy(draw(via, layers.Dropout, x, rate, seed=7))
    n = y.size
    dropped = np.mean(y == 0)
    assert abs(dropped - rate) < Z_BOUND * binomial_sd(rate, n)
    # Every kept unit is exactly x / (1 - p).
    np.testing.assert_allclose(y[y != 0], 1.0 / (1.0 - rate), rtol=1e-6)
    # Expectation preserved: mean of y has sd sqrt(p/(1-p)/n) around 1.
    assert abs(y.mean() - 1.0) < Z_BOUND * np.sqrt(rate / (1 - rate) / n)


@layer_and_function
def test_expectation_on_non_constant_input(via):
    rng = np.random.default_rng(0)
    x = rng.uniform(1.0, 3.0, size=(500, 400)).astype("float32")
    rate = 0.3
    y = to_numpy(draw(via, layers.Dropout, x, rate, seed=3))
    # y_i = x_i * B_i / (1-p): Var(mean) = mean(x^2) * p / (1-p) / n.
    sd = np.sqrt(np.mean(x**2) * rate / (1 - rate) / x.size)
    assert abs(y.mean() - x.mean()) < Z_BOUND * sd


@layer_and_function
def test_noise_shape_shares_mask_along_broadcast_axes(via):
    x = np.ones((64, 10, 32), "float32")
    y = to_numpy(draw(via, layers.Dropout, x, 0.5, seed=1, noise_shape=(None, 1, None)))
    assert np.all(y == y[:, :1, :])
    assert 0 < np.mean(y == 0) < 1


def test_rate_zero_is_identity_in_training():
    x = np.random.default_rng(0).normal(size=(4, 5)).astype("float32")
    np.testing.assert_array_equal(to_numpy(layers.Dropout(0.0)(x, training=True)), x)


@pytest.mark.parametrize("rate", [1.0, -0.1, 1.5, float("nan")])
def test_bad_rate_is_value_error_naming_argument(rate):
    with pytest.raises(ValueError, match=r"`rate`.*\[0, 1\)"):
        layers.Dropout(rate)


@pytest.mark.parametrize("rate", ["0.5", None, True])
def test_rate_of_wrong_type_is_type_error(rate):
    with pytest.raises(TypeError, match="rate"):
        layers.Dropout(rate)


# Keras's Dropout raises ValueError for each of these (its own tests check
# "Invalid" and (20, 1.5, 10)); so does keras_reg.
@pytest.mark.parametrize("noise_shape", ["Invalid", 5, (0, 3), (-1, 3), (2.5, 3), (2, "a")])
def test_malformed_noise_shape_is_value_error(noise_shape):
    with pytest.raises(ValueError, match="noise_shape"):
        layers.Dropout(0.5, noise_shape=noise_shape)


@pytest.mark.parametrize("training", [False, True])
@pytest.mark.parametrize("noise_shape", [(None, 3), (4, 5, 1)])
def test_noise_shape_that_does_not_broadcast_fails_at_first_call(noise_shape, training):
    layer = layers.Dropout(0.5, noise_shape=noise_shape)
    with pytest.raises(ValueError, match=r"noise_shape.*input_shape=\(4, 5\)"):
        layer(np.ones((4, 5), "float32"), training=training)
    with pytest.raises(ValueError, match=r"noise_shape.*input_shape=\(None, 5\)"):
        layer(keras.Input((5,)))


@pytest.mark.parametrize(
    "make_seed",
    [lambda: 1.5, lambda: "1", lambda: True, lambda: keras.random.SeedGenerator(1)],
    ids=["float", "str", "bool", "SeedGenerator"],
)
def test_seed_of_wrong_type_is_value_error(make_seed):
    # Keras's layers raise ValueError (from SeedGenerator) for these; a layer
    # keeps an int seed, which its config can hold.
    with pytest.raises(ValueError, match=r"`seed` must be an int in \[0, 2147483647\] or None"):
        layers.Dropout(0.5, seed=make_seed())


@pytest.mark.parametrize("seed", [-1, 2**31, 2**64])
def test_seed_out_of_range_is_value_error(seed):
    # Outside [0, 2**31 - 1] some backend cannot hold the seed state (JAX
    # keeps it as uint32, torch as int32): refused on every backend.
    with pytest.raises(ValueError, match=rf"seed={seed}"):
        layers.Dropout(0.5, seed=seed)


def test_numpy_integer_seed_is_accepted_as_int():
    layer = layers.Dropout(0.5, seed=np.int64(3))
    assert layer.get_config()["seed"] == 3 and type(layer.seed) is int
    x = np.ones((8, 8), "float32")
    np.testing.assert_array_equal(
        to_numpy(layer(x, training=True)), to_numpy(layers.Dropout(0.5, seed=3)(x, training=True))
    )


def test_integer_inputs_are_type_error():
    with pytest.raises(TypeError, match="floating-point"):
        layers.Dropout(0.5)(np.ones((2, 3), "int32"), training=True)


def test_integer_symbolic_input_fails_at_model_construction():
    inputs = keras.Input((3,), dtype="int32")
    with pytest.raises(TypeError, match="dtype=int32"):
        layers.Dropout(0.5)(inputs)


@layer_and_function
def test_dropped_non_finite_input_gives_nan_not_zero(via):
    # The mask is a multiply (as tf.nn.dropout): inf * 0 = NaN, so a numerical
    # problem upstream stays visible instead of being zeroed by the mask.
    x = np.full((50, 40), np.inf, "float32")
    y = to_numpy(draw(via, layers.Dropout, x, 0.5, seed=4))
    assert np.all(np.isnan(y) | np.isposinf(y))
    assert np.isnan(y).any() and np.isposinf(y).any()
