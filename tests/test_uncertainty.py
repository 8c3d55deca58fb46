import keras
import numpy as np
import pytest

from keras_reg import layers
from keras_reg.uncertainty import dropout_layers, mc_predict
from tests.helpers import to_numpy


def model_with(*dropouts):
    return keras.Sequential(
        [
            keras.Input((6,)),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.BatchNormalization(),
            *dropouts,
            keras.layers.Dense(2),
        ]
    )


def test_only_dropout_layers_active_and_batchnorm_untouched():
    x = np.random.default_rng(0).normal(size=(40, 6)).astype("float32")
    model = model_with(layers.Dropout(0.5, seed=1), keras.layers.Dropout(0.3, seed=2))
    bn = model.layers[1]
    before = [to_numpy(v).copy() for v in bn.non_trainable_weights]

    mean, std = mc_predict(model, x, samples=20, batch_size=16)

    after = [to_numpy(v) for v in bn.non_trainable_weights]
    for b, a in zip(before, after):
        np.testing.assert_array_equal(a, b)
    assert mean.shape == std.shape == (40, 2)
    assert np.all(std > 0)
    # With the layers back in place, inference is deterministic again.
    np.testing.assert_array_equal(to_numpy(model(x)), to_numpy(model(x)))


def test_mean_is_the_average_of_the_stochastic_passes():
    # With dropout only before the last (linear) layer, the MC mean converges
    # to the deterministic output: E[Dense(drop(h))] = Dense(h).
    x = np.random.default_rng(1).normal(size=(8, 6)).astype("float32")
    model = model_with(layers.Dropout(0.2, seed=4))
    mean, std = mc_predict(model, x, samples=400)
    det = to_numpy(model(x))
    # sd of a mean of T draws is std / sqrt(T).
    assert np.all(np.abs(mean - det) < 5 * std / np.sqrt(400) + 1e-6)


def test_no_dropout_gives_zero_std():
    x = np.ones((5, 6), "float32")
    model = model_with()
    mean, std = mc_predict(model, x, samples=3)
    np.testing.assert_array_equal(std, 0.0)
    np.testing.assert_allclose(mean, to_numpy(model(x)), rtol=1e-5, atol=1e-6)


def test_finds_nested_and_keras_layers():
    inner = keras.Sequential([keras.Input((6,)), keras.layers.GaussianDropout(0.1)])
    model = keras.Sequential([keras.Input((6,)), inner, layers.AlphaDropout(0.1)])
    found = {type(layer).__name__ for layer in dropout_layers(model)}
    assert found == {"GaussianDropout", "AlphaDropout"}


def test_bad_samples():
    with pytest.raises(ValueError, match="samples"):
        mc_predict(model_with(), np.ones((2, 6), "float32"), samples=0)
