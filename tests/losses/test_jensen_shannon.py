"""JensenShannonCrossentropy against a NumPy reference (timm's JsdCrossEntropy
written out), its layout from consistency_views in tf.data, a fit on every
backend, config round trip, bad arguments."""

import keras
import numpy as np
import pytest

from keras_reg.augment import AugMix, consistency_views
from keras_reg.losses import JensenShannonCrossentropy
from tests._tensorflow import tf
from tests.helpers import assert_raises_each, to_numpy

RNG = np.random.default_rng(41)


def reference(labels, logits, splits, alpha, smoothing):
    """Clean cross-entropy (smoothed one-hot) + alpha · mean_s KL(p_s ‖ clip(M))."""
    logits = logits.astype("float64").reshape(splits, -1, logits.shape[-1])
    k = logits.shape[-1]
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    p = np.exp(log_p)
    target = np.eye(k)[labels[: logits.shape[1]]] * (1 - smoothing) + smoothing / k
    ce = -(target * log_p[0]).sum(axis=-1)
    log_m = np.log(np.clip(p.mean(axis=0), 1e-7, 1))
    jsd = np.mean([(p[s] * (log_p[s] - log_m)).sum(axis=-1) for s in range(splits)], axis=0)
    return np.mean(ce + alpha * jsd)


@pytest.mark.parametrize("splits, alpha, smoothing", [(3, 12.0, 0.1), (2, 1.0, 0.0)])
def test_value_matches_numpy(splits, alpha, smoothing):
    labels = np.tile(RNG.integers(0, 5, 4), splits)
    logits = RNG.normal(0, 2, (4 * splits, 5)).astype("float32")
    loss = JensenShannonCrossentropy(splits, alpha, from_logits=True, label_smoothing=smoothing)
    np.testing.assert_allclose(to_numpy(loss(labels, logits)),
                               reference(labels, logits, splits, alpha, smoothing), rtol=1e-5)
    probs = to_numpy(keras.ops.softmax(logits))
    on_probabilities = JensenShannonCrossentropy(splits, alpha, label_smoothing=smoothing)
    np.testing.assert_allclose(to_numpy(on_probabilities(labels, probs)),
                               reference(labels, logits, splits, alpha, smoothing), rtol=1e-4)


def test_identical_views_give_the_clean_cross_entropy():
    labels = np.tile([0, 2, 1], 3)
    logits = np.tile(RNG.normal(size=(3, 4)).astype("float32"), (3, 1))
    jsd = JensenShannonCrossentropy(from_logits=True)(labels, logits)
    ce = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(labels[:3], logits[:3])
    np.testing.assert_allclose(to_numpy(jsd), to_numpy(ce), rtol=1e-5)


def test_fit_with_consistency_views_in_tf_data():
    images = RNG.uniform(0, 255, (12, 8, 8, 3)).astype("float32")
    labels = RNG.integers(0, 3, 12)
    train = tf.data.Dataset.from_tensor_slices((images, labels)).batch(4)
    train = train.map(consistency_views(AugMix(width=1, depth=1, seed=0)))
    for x, y in train.take(1):
        assert tuple(x.shape) == (12, 8, 8, 3) and tuple(y.shape) == (12,)
        np.testing.assert_array_equal(x.numpy()[:4], images[:4])
        np.testing.assert_array_equal(y.numpy(), np.tile(labels[:4], 3))
    val = tf.data.Dataset.from_tensor_slices((images, labels)).batch(4).map(
        consistency_views(None))
    model = keras.Sequential([keras.Input((8, 8, 3)), keras.layers.Rescaling(1 / 255),
                              keras.layers.Flatten(), keras.layers.Dense(3)])
    model.compile("sgd", JensenShannonCrossentropy(from_logits=True))
    history = model.fit(train, validation_data=val, epochs=1, shuffle=False, verbose=0)
    plain = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(
        labels, model.predict(images, verbose=0))
    np.testing.assert_allclose(history.history["val_loss"][-1], to_numpy(plain), rtol=1e-4)


def test_config_round_trip_and_bad_arguments():
    loss = JensenShannonCrossentropy(4, 3.0, True, 0.2, "sum", "jsd")
    clone = JensenShannonCrossentropy.from_config(loss.get_config())
    assert clone.get_config() == loss.get_config()
    assert_raises_each([
        (lambda: JensenShannonCrossentropy(num_splits=1), ValueError, r"`num_splits`.*1"),
        (lambda: JensenShannonCrossentropy(alpha=-1.0), ValueError, r"`alpha`.*-1"),
        (lambda: consistency_views(None, 1), ValueError, r"`num_splits`.*1"),
        (lambda: JensenShannonCrossentropy()(np.zeros(4, "int32"), np.zeros((4, 3))),
         ValueError, r"4 rows.*num_splits=3"),
        (lambda: consistency_views("augmix"), TypeError, r"`layer`.*augmix"),
    ])
