import keras
import numpy as np
import pytest

from keras_reg import layers
from keras_reg.uncertainty import dropout_layers, mc_predict
from tests.helpers import assert_raises_each, to_numpy


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


def test_batch_size_and_list_inputs_give_the_arrays_result():
    # Without dropout every pass is the deterministic output, so batching
    # and the form of the input must not change the result.
    x = np.random.default_rng(2).normal(size=(7, 6)).astype("float32")
    model = model_with()
    expected = to_numpy(model(x))
    for kwargs in ({"batch_size": 3}, {"batch_size": 100}, {}):
        mean, std = mc_predict(model, x, samples=2, **kwargs)
        np.testing.assert_allclose(mean, expected, rtol=1e-5, atol=1e-6)
    mean, _ = mc_predict(model, x.tolist(), samples=1)  # a nested list of numbers
    np.testing.assert_allclose(mean, expected, rtol=1e-5, atol=1e-6)


def test_tf_data_dataset_batch_by_batch_inputs_only():
    from tests._tensorflow import tf

    x = np.random.default_rng(3).normal(size=(10, 6)).astype("float32")
    y = np.zeros((10,), "int32")
    model = model_with()
    expected = to_numpy(model(x))
    # (x, y) elements, as Keras's predict reads them: only x is used.
    for ds in (tf.data.Dataset.from_tensor_slices(x).batch(5),
               tf.data.Dataset.from_tensor_slices((x, y)).batch(5)):
        mean, std = mc_predict(model, ds, samples=2)
        np.testing.assert_allclose(mean, expected, rtol=1e-5, atol=1e-6)
        np.testing.assert_array_equal(std, 0.0)
    noisy = model_with(layers.Dropout(0.5, seed=1))
    _, std = mc_predict(noisy, tf.data.Dataset.from_tensor_slices((x, y)).batch(5), samples=3)
    assert std.shape == (10, 2) and np.all(std > 0)
    with pytest.raises(ValueError, match="`batch_size` must be None"):
        mc_predict(model, tf.data.Dataset.from_tensor_slices(x).batch(4), batch_size=4)
    with pytest.raises(ValueError, match="without any element"):
        mc_predict(model, tf.data.Dataset.from_tensor_slices(x).take(0).batch(4))


def test_multi_output_model_gives_a_structure():
    inputs = keras.Input((6,))
    hidden = layers.Dropout(0.5, seed=3)(keras.layers.Dense(8)(inputs))
    outputs = {"a": keras.layers.Dense(2)(hidden), "b": keras.layers.Dense(1)(hidden)}
    model = keras.Model(inputs, outputs)
    mean, std = mc_predict(model, np.ones((3, 6), "float32"), samples=3)
    assert mean["a"].shape == std["a"].shape == (3, 2) and mean["b"].shape == (3, 1)


def test_bad_inputs():
    m = model_with()
    assert_raises_each([
        (lambda: mc_predict(m, np.ones((0, 6), "float32")), ValueError, "empty batch"),
        (lambda: mc_predict(m, np.float32(1.0)), ValueError, r"batch axis.*shapes \[\(\)\]"),
        (lambda: mc_predict(m, [np.ones((2, 6)), np.ones((3, 6))]), ValueError,
         r"same batch size.*\(2, 6\), \(3, 6\)"),
        (lambda: mc_predict(m, None), ValueError, "batch axis"),
        (lambda: mc_predict(None, np.ones((2, 6))), TypeError, "`model`"),
        (lambda: mc_predict(m, np.ones((2, 6)), samples=True), TypeError, "samples"),
        (lambda: mc_predict(m, np.ones((2, 6)), batch_size=0), ValueError, "batch_size"),
        (lambda: dropout_layers("model"), TypeError, "`model`"),
    ])
