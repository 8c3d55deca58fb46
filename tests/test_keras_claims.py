"""What the README's comparison table says of Keras core, checked against the
installed Keras.

Each test pins one "Keras 3 core" cell of the table in README.md (and the
matching lines of docs/): when a Keras release changes the behaviour, the
test fails and the table must be updated. They test Keras, not keras_reg, and
describe Keras 3.15, the version the README names; the oldest-Keras run skips
them (older releases differ, e.g. ``Dropout(rate=1)`` divided by zero before
3.14).
"""

import warnings

import keras
import numpy as np
import pytest

from tests.helpers import to_numpy

pytestmark = pytest.mark.skipif(
    tuple(int(p) for p in keras.__version__.split(".")[:2]) < (3, 15),
    reason="the README's comparison table describes Keras 3.15",
)


# -- dropout family -----------------------------------------------------------
def test_dropout_rate_one_returns_zeros():
    x = np.ones((4, 5), "float32")
    y = keras.layers.Dropout(1.0)(x, training=True)
    np.testing.assert_array_equal(to_numpy(y), np.zeros_like(x))


def test_dropout_integer_input_fails_only_in_the_training_call():
    # Building on a symbolic integer input succeeds; the error comes from a
    # backend op inside call (ValueError, TypeError or RuntimeError by backend).
    keras.layers.Dropout(0.5)(keras.Input((5,), dtype="int32"))
    with pytest.raises((ValueError, TypeError, RuntimeError)):
        keras.layers.Dropout(0.5)(np.ones((4, 5), "int32"), training=True)


def test_dropout_noise_shape_that_cannot_broadcast_fails_only_in_call():
    layer = keras.layers.Dropout(0.5, noise_shape=(2, 3))
    layer(keras.Input((5,)))  # built without complaint
    with pytest.raises(Exception) as caught:
        layer(np.ones((4, 5), "float32"), training=True)
    assert "noise_shape" not in str(caught.value)  # a backend message


def test_dropout_casts_float16_input_to_the_layer_policy():
    x = keras.ops.cast(np.ones((4, 5)), "float16")
    y = keras.layers.Dropout(0.5)(x, training=True)
    assert keras.backend.standardize_dtype(y.dtype) == "float32"


def test_keras_has_no_dropblock_or_drop_path():
    for name in ("DropBlock2D", "DropPath", "StochasticDepth"):
        assert not hasattr(keras.layers, name)


# -- regularizers -------------------------------------------------------------
def test_keras_l2_has_no_half():
    w = np.array([[1.0, 2.0], [3.0, 4.0]], "float32")
    assert float(to_numpy(keras.regularizers.L2(0.1)(w))) == pytest.approx(0.1 * 30.0)


def test_keras_orthogonal_regularizer_takes_rank_2_only():
    with pytest.raises(ValueError, match="rank 2"):
        keras.regularizers.OrthogonalRegularizer(0.1)(np.ones((3, 3, 2, 4), "float32"))


# -- optimizers -----------------------------------------------------------------
def _dense_step(optimizer):
    kernel = keras.Variable(np.ones((2, 2), "float32"), name="kernel")
    bias = keras.Variable(np.ones((2,), "float32"), name="bias")
    zeros = [keras.ops.zeros((2, 2)), keras.ops.zeros((2,))]
    optimizer.apply(zeros, [kernel, bias])
    return to_numpy(kernel), to_numpy(bias)


def test_keras_adamw_decays_biases_by_default():
    _, bias = _dense_step(keras.optimizers.AdamW(learning_rate=0.1, weight_decay=0.5))
    np.testing.assert_allclose(bias, 1.0 - 0.1 * 0.5, rtol=1e-6)


def test_keras_weight_decay_schedule_fails_at_the_first_step():
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.9)
    optimizer = keras.optimizers.AdamW(weight_decay=schedule)  # accepted here
    with pytest.raises(Exception):  # noqa: B017 - the backend's cast error
        _dense_step(optimizer)


def test_keras_exclusions_match_the_leaf_name_not_the_path():
    optimizer = keras.optimizers.AdamW(learning_rate=0.1, weight_decay=0.5)
    optimizer.exclude_from_weight_decay(var_names=["dense_1/kernel"])
    kernel, _ = _dense_step(optimizer)
    np.testing.assert_allclose(kernel, 1.0 - 0.1 * 0.5, rtol=1e-6)  # still decayed


# -- augmentation ---------------------------------------------------------------
def test_keras_has_no_public_tf_data_layer_base():
    assert not hasattr(keras.layers, "DataLayer")
    assert not hasattr(keras.layers, "TFDataLayer")


def test_keras_rand_augment_draws_its_operations_once_per_batch():
    layer = keras.layers.RandAugment(num_ops=2, seed=0)
    images = np.random.default_rng(0).uniform(0, 255, (8, 16, 16, 3)).astype("float32")
    transformation = layer.get_random_transformation(images, training=True)
    assert tuple(transformation["layer_idxes"].shape) == (2,)  # not (8, 2)


def test_keras_saturation_factor_half_is_the_identity():
    # torchvision's saturation factor 0.5 halves the saturation; Keras's
    # RandomSaturation(factor=(0.5, 0.5)) leaves the image unchanged.
    images = np.random.default_rng(1).uniform(0, 255, (2, 8, 8, 3)).astype("float32")
    out = keras.layers.RandomSaturation(factor=(0.5, 0.5))(images, training=True)
    np.testing.assert_allclose(to_numpy(out), images, atol=1e-2)


# -- early stopping -------------------------------------------------------------
def _fit_with(callback, losses):
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    logged = iter(losses)

    class FeedLoss(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            logs["val_loss"] = next(logged)

    x = np.zeros((4, 1), "float32")
    model.fit(x, x, epochs=len(losses), verbose=0, callbacks=[FeedLoss(), callback])
    return callback


def test_keras_early_stopping_keeps_a_nan_first_epoch_as_best():
    stop = _fit_with(keras.callbacks.EarlyStopping(patience=2), [float("nan"), 1.0, 0.5, 0.2])
    assert np.isnan(stop.best)
    assert stop.stopped_epoch == 2  # stopped although the loss kept improving


def test_keras_early_stopping_forgets_its_state_when_training_resumes():
    stop = _fit_with(keras.callbacks.EarlyStopping(patience=5), [0.5, 0.4])
    stop.on_train_begin()
    assert stop.best is None and stop.wait == 0


def test_keras_early_stopping_only_warns_on_a_missing_monitor():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _fit_with(keras.callbacks.EarlyStopping(monitor="val_missing", mode="min"), [1.0])
    assert any("val_missing" in str(w.message) for w in caught)


# -- the image recipe, losses and weight averaging -----------------------------------
def _parameters(fn):
    import inspect

    return set(inspect.signature(fn).parameters)


def test_keras_mixers_have_no_prob_switch_or_smoothing():
    for layer in (keras.layers.MixUp, keras.layers.CutMix):
        assert not {"prob", "switch_prob", "label_smoothing", "num_classes"} & _parameters(layer)


def test_keras_mix_up_takes_one_hot_labels():
    images = np.random.default_rng(0).random((4, 2, 2, 1)).astype("float32")
    try:
        out = keras.layers.MixUp(seed=0)({"images": images, "labels": np.array([0, 1, 2, 1])})
    except Exception:  # noqa: BLE001 (TensorFlow refuses int labels with a backend error)
        return
    # Elsewhere class ids are blended as numbers (broadcast against the batch's
    # weights), never into rows over the 3 classes.
    assert tuple(out["labels"].shape) != (4, 3)


def test_keras_has_no_random_resized_crop():
    assert not hasattr(keras.layers, "RandomResizedCrop")


def test_keras_categorical_crossentropy_refuses_class_ids():
    with pytest.raises(ValueError):
        keras.losses.CategoricalCrossentropy()(np.array([[0], [2]]),
                                              np.full((2, 3), 1 / 3, "float32"))


def test_keras_sparse_crossentropy_has_no_label_smoothing():
    assert "label_smoothing" not in _parameters(keras.losses.SparseCategoricalCrossentropy)


def test_keras_ema_has_a_fixed_momentum_and_no_swa_or_sam():
    optimizer_args = _parameters(keras.optimizers.Adam)
    assert {"use_ema", "ema_momentum"} <= optimizer_args
    assert not any("warmup" in name for name in optimizer_args)
    names = dir(keras.callbacks) + dir(keras.models) + dir(keras.optimizers)
    assert not any("Stochastic" in n or "Sharpness" in n or n in ("SWA", "SAM") for n in names)
