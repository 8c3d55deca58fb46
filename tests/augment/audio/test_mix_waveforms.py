"""Mixing two clips and their labels: NumPy references, the weight law, tf.data."""

import keras
import numpy as np
import pytest
from scipy import stats

from keras_reg.augment import paired
from keras_reg.augment.audio import MixWaveforms
from keras_reg.augment.audio import functional as F
from tests._tensorflow import tf
from tests.helpers import Z_BOUND, assert_raises_each, binomial_sd, save_and_load, to_numpy

RNG = np.random.default_rng(0)
KS_LEVEL = 1e-3  # the KS tests reject a correct law with probability 0.001


def _batch(n=6, samples=64, classes=4, kind="ids"):
    audio = RNG.normal(size=(n, samples)).astype("float32")
    if kind == "ids":
        labels = RNG.integers(0, classes, (n,)).astype("int32")
    elif kind == "soft":
        labels = RNG.dirichlet(np.ones(classes), n).astype("float32")
    else:  # multi-hot tags
        labels = (RNG.uniform(size=(n, classes)) < 0.4).astype("float32")
    return {"audio": audio, "labels": labels}


def _reference(data, lam, mode, classes=4):
    """The documented mix in NumPy: the batch flipped is the partner."""
    x, y = data["audio"], data["labels"]
    rows = np.eye(classes)[y] if y.ndim == 1 else y
    lam = lam[:, None]
    mixed = lam * x + (1 - lam) * x[::-1]
    if mode == "union":
        return mixed, np.where(lam < 1, np.maximum(rows, rows[::-1]), rows)
    return mixed, lam * rows + (1 - lam) * rows[::-1]


@pytest.mark.parametrize("kind, mode", [("ids", "weights"), ("soft", "weights"),
                                        ("tags", "weights"), ("tags", "union"),
                                        ("ids", "union")])
def test_waveforms_and_label_rows_match_numpy(kind, mode):
    data = _batch(kind=kind)
    layer = MixWaveforms(alpha=0.5, prob=0.7, label_mode=mode, num_classes=4, seed=3)
    lam = to_numpy(layer.get_random_transformation(data)["weight"]).copy()
    lam[1] = 1.0  # one waveform left unmixed (a draw of prob), the others as drawn
    out = layer.apply_transformation(data, {"weight": lam})
    audio, labels = _reference(data, lam, mode)
    np.testing.assert_allclose(to_numpy(out["audio"]), audio, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(to_numpy(out["labels"]), labels, rtol=1e-6, atol=1e-6)


def test_union_is_the_elementwise_max_of_the_mixed_pair():
    tags = np.array([[1, 0, 0, 1], [0, 1, 0, 0], [0, 0, 1, 0]], "float32")
    out = to_numpy(F.mix_labels(tags, [0.3, 1.0, 0.8], label_mode="union"))
    np.testing.assert_array_equal(out, [[1, 0, 1, 1], [0, 1, 0, 0], [1, 0, 1, 1]])


@pytest.mark.parametrize("alpha", [0.4, 2.0])
def test_weight_follows_beta_and_prob(alpha):
    n, prob = 4000, 0.6
    layer = MixWaveforms(alpha=alpha, prob=prob, seed=int(alpha * 10))
    lam = to_numpy(layer.get_random_transformation(_batch(n=n, samples=4))["weight"])
    mixed = lam < 1  # a Beta draw is 1 with probability 0
    # One draw per waveform (a few float32 ties near 0 and 1 where α < 1).
    assert len(np.unique(lam[mixed])) > 0.99 * mixed.sum()
    assert abs(np.corrcoef(lam[:-1], lam[1:])[0, 1]) < Z_BOUND / np.sqrt(n)
    assert abs(mixed.mean() - prob) < Z_BOUND * binomial_sd(prob, n)
    assert stats.kstest(lam[mixed], stats.beta(alpha, alpha).cdf).pvalue > KS_LEVEL


@pytest.mark.parametrize("mode", ["weights", "union"])
def test_tf_data_pairs_and_dicts(mode):
    data = _batch(n=12, kind="tags")
    mixer = MixWaveforms(alpha=1.0, label_mode=mode, seed=8)
    ds = tf.data.Dataset.from_tensor_slices((data["audio"], data["labels"])).batch(6)
    for x, y in ds.map(paired(mixer)):
        assert tuple(x.shape) == (6, 64) and tuple(y.shape) == (6, 4)
        assert y.dtype == tf.float32
    ids = _batch(n=12)
    ds = tf.data.Dataset.from_tensor_slices(ids).batch(6).map(
        MixWaveforms(num_classes=4, seed=2))
    for batch in ds:
        np.testing.assert_allclose(batch["labels"].numpy().sum(axis=1), 1.0, atol=1e-6)


def test_config_and_file_round_trip(tmp_path):
    layer = MixWaveforms(alpha=0.3, prob=0.8, label_mode="union", num_classes=3, seed=9)
    assert MixWaveforms.from_config(layer.get_config()).get_config() == layer.get_config()
    inputs = {"audio": keras.Input((64,), name="audio"),
              "labels": keras.Input((1,), dtype="int32", name="labels")}
    model = keras.Model(inputs, layer(inputs))
    restored = save_and_load(model, tmp_path)
    assert restored.layers[-1].get_config() == layer.get_config()
    data = {"audio": RNG.normal(size=(6, 64)).astype("float32"),
            "labels": RNG.integers(0, 3, (6, 1)).astype("int32")}
    a, b = model(data, training=True), restored(data, training=True)
    assert np.abs(to_numpy(a["audio"]) - data["audio"]).max() > 1e-2
    for key in ("audio", "labels"):
        np.testing.assert_array_equal(to_numpy(a[key]), to_numpy(b[key]))
    out = model(data, training=False)  # inference: audio as it is, labels as rows
    np.testing.assert_array_equal(to_numpy(out["audio"]), data["audio"])
    np.testing.assert_array_equal(to_numpy(out["labels"]), np.eye(3)[data["labels"][:, 0]])


def test_bad_input():
    data = _batch()
    assert_raises_each([
        (lambda: MixWaveforms(alpha=0), ValueError, "alpha"),
        (lambda: MixWaveforms(alpha=-1.0), ValueError, "alpha"),
        (lambda: MixWaveforms(prob=1.5), ValueError, "prob"),
        (lambda: MixWaveforms(label_mode="max"), ValueError, "label_mode.*'max'"),
        (lambda: MixWaveforms(num_classes=0), ValueError, "num_classes"),
        (lambda: MixWaveforms()(data["audio"]), ValueError, "mixes the labels.*needs them"),
        (lambda: MixWaveforms()(data), ValueError, "num_classes"),
        (lambda: MixWaveforms(num_classes=4)({"audio": data["audio"],
                                              "labels": data["labels"][:3]}),
         ValueError, "6 waveforms but 3 labels"),
        (lambda: MixWaveforms(num_classes=5)({"audio": data["audio"],
                                              "labels": np.eye(4)[data["labels"]]}),
         ValueError, "4 classes.*num_classes=5"),
    ])
