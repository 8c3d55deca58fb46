"""keras_reg.losses against a NumPy reference written from the formulas, torch's
``cross_entropy`` (class ids and probability targets, with label smoothing) and
Keras's ``CategoricalCrossentropy``; soft and sparse labels in one fit; mixed
precision; .keras round trips; bad arguments."""

import keras
import numpy as np
import pytest

import keras_reg
from keras_reg.losses import SoftTargetCrossentropy, SparseCategoricalCrossentropy
from tests.helpers import assert_raises_each, save_and_load, to_numpy

RNG = np.random.default_rng(3)
LOGITS = RNG.normal(0, 2, (6, 5)).astype("float32")
IDS = np.array([0, 4, 2, 2, 1, 3])
SOFT = RNG.dirichlet(np.ones(5), size=6).astype("float32")
EPS = keras.config.epsilon()


def reference(target, y_pred, from_logits, s, axis=-1):
    """−Σ t'·log p per row, t' = (1 − s)·t + s/K, in float64."""
    y_pred = np.asarray(y_pred, "float64")
    target = np.asarray(target, "float64")
    k = y_pred.shape[axis]
    if from_logits:
        shifted = y_pred - y_pred.max(axis=axis, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
    else:
        p = y_pred / y_pred.sum(axis=axis, keepdims=True)
        log_p = np.log(np.clip(p, EPS, 1 - EPS))
    return -((target * (1 - s) + s / k) * log_p).sum(axis=axis)


def softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


@pytest.mark.parametrize("from_logits", [True, False])
@pytest.mark.parametrize("s", [0.0, 0.1, 0.35])
def test_values_match_the_formula(from_logits, s):
    y_pred = LOGITS if from_logits else softmax(LOGITS)
    kwargs = dict(from_logits=from_logits, label_smoothing=s, reduction=None)
    one_hot = np.eye(5)[IDS]
    for y_true, target in [(SOFT, SOFT), (one_hot, one_hot), (IDS, one_hot),
                           (IDS[:, None], one_hot)]:
        got = SoftTargetCrossentropy(**kwargs)(y_true, y_pred)
        np.testing.assert_allclose(to_numpy(got), reference(target, y_pred, from_logits, s),
                                   rtol=1e-5, atol=1e-6)
    for y_true in (IDS, IDS[:, None]):
        got = SparseCategoricalCrossentropy(**kwargs)(y_true, y_pred)
        np.testing.assert_allclose(to_numpy(got), reference(one_hot, y_pred, from_logits, s),
                                   rtol=1e-5, atol=1e-6)


def test_class_axis_and_sequences():
    # (batch, classes, steps) with axis=1, and (batch, steps, classes) ids.
    logits = RNG.normal(size=(3, 4, 7)).astype("float32")
    ids = RNG.integers(0, 4, (3, 7))
    one_hot = np.moveaxis(np.eye(4)[ids], -1, 1)
    for loss in (SoftTargetCrossentropy(True, 0.2, axis=1, reduction=None),
                 SparseCategoricalCrossentropy(True, 0.2, axis=1, reduction=None)):
        np.testing.assert_allclose(to_numpy(loss(ids, logits)),
                                   reference(one_hot, logits, True, 0.2, axis=1), rtol=1e-5)
    soft = np.moveaxis(RNG.dirichlet(np.ones(4), size=(3, 7)), -1, 1)
    np.testing.assert_allclose(
        to_numpy(SoftTargetCrossentropy(True, 0.2, axis=1, reduction=None)(soft, logits)),
        reference(soft, logits, True, 0.2, axis=1), rtol=1e-5)


@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum", "mean", "none"])
def test_reductions_and_sample_weight(reduction):
    weights = RNG.uniform(0, 2, 6).astype("float32")
    per_row = reference(SOFT, LOGITS, True, 0.1) * weights
    expected = {"sum": per_row.sum(), "none": per_row}.get(reduction, per_row.mean())
    got = SoftTargetCrossentropy(True, 0.1, reduction=reduction)(SOFT, LOGITS, weights)
    np.testing.assert_allclose(to_numpy(got), expected, rtol=1e-5)


def test_torch_cross_entropy_is_the_same_loss():
    torch = pytest.importorskip("torch")
    functional = torch.nn.functional
    logits = torch.tensor(LOGITS)
    for s in (0.0, 0.1, 0.5):
        ids = functional.cross_entropy(logits, torch.tensor(IDS), label_smoothing=s,
                                       reduction="none").numpy()
        soft = functional.cross_entropy(logits, torch.tensor(SOFT), label_smoothing=s,
                                        reduction="none").numpy()
        kw = dict(from_logits=True, label_smoothing=s, reduction=None)
        np.testing.assert_allclose(to_numpy(SparseCategoricalCrossentropy(**kw)(IDS, LOGITS)),
                                   ids, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(to_numpy(SoftTargetCrossentropy(**kw)(IDS, LOGITS)),
                                   ids, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(to_numpy(SoftTargetCrossentropy(**kw)(SOFT, LOGITS)),
                                   soft, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("from_logits", [True, False])
def test_equals_keras_categorical_crossentropy_on_distributions(from_logits):
    y_pred = LOGITS if from_logits else softmax(LOGITS)
    for s in (0.0, 0.2):
        ours = SoftTargetCrossentropy(from_logits, s)(SOFT, y_pred)
        theirs = keras.losses.CategoricalCrossentropy(from_logits, s)(SOFT, y_pred)
        np.testing.assert_allclose(to_numpy(ours), to_numpy(theirs), rtol=1e-5)


def _classifier():
    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])


def test_soft_training_labels_and_sparse_validation_labels_in_one_fit(tmp_path):
    x = RNG.normal(size=(32, 4)).astype("float32")
    ids = RNG.integers(0, 3, 32)
    soft = 0.7 * np.eye(3)[ids] + 0.3 * np.eye(3)[np.roll(ids, 1)]
    model = _classifier()
    loss = SoftTargetCrossentropy(from_logits=True, label_smoothing=0.1)
    model.compile(optimizer="sgd", loss=loss)
    history = model.fit(x, soft, validation_data=(x, ids), epochs=2, batch_size=8, verbose=0)
    logits = to_numpy(model(x))
    # Keras evaluates the validation loss on the final weights of each epoch.
    np.testing.assert_allclose(history.history["val_loss"][-1],
                               reference(np.eye(3)[ids], logits, True, 0.1).mean(), rtol=1e-4)
    restored = save_and_load(model, tmp_path)
    assert isinstance(restored.loss, SoftTargetCrossentropy)
    assert restored.loss.get_config() == loss.get_config()
    np.testing.assert_allclose(restored.evaluate(x, ids, verbose=0),
                               model.evaluate(x, ids, verbose=0), rtol=1e-6)


def test_mixed_precision_computes_in_float32():
    keras.config.set_dtype_policy("mixed_float16")
    model = _classifier()
    logits16 = model(RNG.normal(size=(6, 4)).astype("float32"))
    assert keras.backend.standardize_dtype(logits16.dtype) == "float16"
    loss = SparseCategoricalCrossentropy(from_logits=True, label_smoothing=0.1)
    value = loss(IDS % 3, logits16)
    assert keras.backend.standardize_dtype(value.dtype) == "float32"
    expected = reference(np.eye(3)[IDS % 3], to_numpy(logits16), True, 0.1).mean()
    np.testing.assert_allclose(to_numpy(value), expected, rtol=1e-5)


@pytest.mark.parametrize("cls", [SoftTargetCrossentropy, SparseCategoricalCrossentropy])
def test_config_round_trip(cls):
    loss = cls(from_logits=True, label_smoothing=0.25, axis=1, reduction="sum",
               name="ce", dtype="bfloat16")
    config = keras.saving.serialize_keras_object(loss)
    clone = keras.saving.deserialize_keras_object(config)
    assert type(clone) is cls and clone.get_config() == loss.get_config()
    assert clone.get_config()["label_smoothing"] == 0.25
    logits = RNG.normal(size=(2, 3, 4)).astype("float32")
    ids = RNG.integers(0, 3, (2, 4))
    def value(f):
        return to_numpy(keras.ops.cast(f(ids, logits), "float32"))

    np.testing.assert_array_equal(value(clone), value(loss))
    assert keras.backend.standardize_dtype(clone(ids, logits).dtype) == "bfloat16"


@pytest.mark.parametrize("cls", [SoftTargetCrossentropy, SparseCategoricalCrossentropy])
def test_bad_arguments(cls):
    name = cls.__name__
    assert_raises_each([
        (lambda: cls(label_smoothing=1.5), ValueError, r"`label_smoothing`.*\[0, 1\].*1\.5"),
        (lambda: cls(label_smoothing=-0.1), ValueError, r"`label_smoothing`.*-0\.1"),
        (lambda: cls(label_smoothing="0.1"), TypeError, r"`label_smoothing`.*'0\.1'"),
        (lambda: cls(from_logits="yes"), TypeError, r"`from_logits`.*'yes'"),
        (lambda: cls(axis=True), ValueError, r"`axis`.*True"),
        (lambda: cls(axis=1.0), ValueError, r"`axis`.*1\.0"),
        (lambda: cls(axis=2)(IDS, LOGITS), ValueError, rf"{name}.*`axis`.*rank 2.*axis=2"),
        (lambda: cls()(np.zeros((6, 3)) if cls is SparseCategoricalCrossentropy
                       else np.zeros((6, 4)), LOGITS), ValueError,
         rf"{name}: `y_true`.*\(6, 5\).*\(6, [34]\)"),
    ])


def test_exported():
    assert keras_reg.losses.SoftTargetCrossentropy is SoftTargetCrossentropy
    assert keras_reg.losses.SparseCategoricalCrossentropy is SparseCategoricalCrossentropy
    assert isinstance(keras.losses.get(keras.losses.serialize(SoftTargetCrossentropy())),
                      SoftTargetCrossentropy)
