"""AugMix drawn per image: the chains against a per-image loop over the
public functional operations (the same draws), each image running only the
operations it drew, the laws of its draws
(operations, depths, Dirichlet weights, Beta skip weight), per-sample and
per-batch variety in tf.data; models, files, bad input."""

from collections import Counter

import keras
import numpy as np
import pytest
from scipy import stats

from keras_reg.augment import AugMix, paired
from keras_reg.augment.image import aug_mix
from keras_reg.augment.image import functional as F
from tests._tensorflow import tf
from tests.augment._backend import compiled, eagerly
from tests.helpers import Z_BOUND, assert_raises_each, binomial_sd, save_and_load, to_numpy

RNG = np.random.default_rng(31)
IMAGES = RNG.uniform(0, 255, (6, 12, 12, 3)).astype("float32")
KS_LEVEL = 1e-3


def reference_step(image, name, level, sign):
    """One operation on one image in [0, 1], from the functional API (the
    AugMix level tables written out)."""
    x, unit = image[None], (0.0, 1.0)
    h, w = image.shape[:2]
    if name == "auto_contrast":
        return F.auto_contrast(x, unit)[0]
    if name == "equalize":
        return F.equalize(x, unit)[0]
    if name == "posterize":
        return F.posterize(x, 4 - int(level * 4 / 10), unit)[0]
    if name == "solarize":
        return F.solarize(x, 1 - int(level * 256 / 10) / 256, unit)[0]
    if name == "rotate":
        return F.rotate(x, sign * int(level * 30 / 10))[0]
    if name.startswith("shear"):  # about the top-left corner (PIL's (1, s, 0, 0, 1, 0))
        s = sign * level * 0.3 / 10
        row = [1, s, 0, 0, 1, 0, 0, 0] if name == "shear_x" else [1, 0, 0, s, 1, 0, 0, 0]
        return F.affine(x, np.array([row], "float32"))[0]
    if name.startswith("translate"):
        side = w if name == "translate_x" else h
        return F.translate(x, sign * int(level * side / 3 / 10), name[-1])[0]
    enhance = {"color": F.adjust_saturation, "contrast": F.adjust_contrast,
               "brightness": F.adjust_brightness, "sharpness": F.adjust_sharpness}[name]
    return enhance(x, level * 1.8 / 10 + 0.1, value_range=unit)[0]


@pytest.mark.parametrize("all_ops", [False, True])
def test_chains_equal_a_per_image_loop(all_ops):
    layer = AugMix(severity=10.0, width=2, all_ops=all_ops, seed=3)
    t = layer.get_random_transformation({"images": IMAGES})
    got = to_numpy(compiled(layer.transform_images)(IMAGES, t))
    t = {k: to_numpy(v) for k, v in t.items()}
    names = layer.operation_names
    for i, image in enumerate(IMAGES / 255.0):
        mixed = 0.0
        for chain in range(2):
            y = image
            for step in range(3):
                op = t["operation"][i, chain, step]
                if op >= 0:
                    y = to_numpy(reference_step(y, names[op], float(t["level"][i, chain, step]),
                                                float(t["sign"][i, chain, step])))
            mixed = mixed + t["weights"][i, chain] * y
        expected = ((1 - t["mix"][i]) * image + t["mix"][i] * mixed) * 255.0
        np.testing.assert_allclose(got[i], expected, atol=2e-3)


def test_each_image_runs_only_the_operations_it_drew(monkeypatch):
    """Counted where they run (TensorFlow and torch outside a graph run the
    map, loops and switch in Python; JAX does under ``disable_jit``): each
    operation is called once per (image, chain, step) that drew it, on that
    image alone, so no image pays for another's operations."""
    calls = []
    pointwise, geometric = aug_mix._pointwise, aug_mix._geometric

    def count_pointwise(ops, name, x, level):
        calls.append((name, tuple(x.shape)))
        return pointwise(ops, name, x, level)

    def count_geometric(ops, name, level, *args):
        calls.append((name, (int(level.shape[0]),) + IMAGES.shape[1:]))
        return geometric(ops, name, level, *args)

    monkeypatch.setattr(aug_mix, "_pointwise", count_pointwise)
    monkeypatch.setattr(aug_mix, "_geometric", count_geometric)
    layer = AugMix(width=3, all_ops=True, seed=8)
    images = IMAGES[:4]  # 4 x 3 chains: 24 operations expected (JAX runs them op by op)
    t = layer.get_random_transformation({"images": images})
    with eagerly():
        layer.transform_images(images, t)
    drawn = to_numpy(t["operation"])
    assert Counter(name for name, _ in calls) == Counter(
        layer.operation_names[k] for k in drawn[drawn >= 0])
    assert {shape for _, shape in calls} == {(1,) + images.shape[1:]}


@pytest.mark.skipif(keras.backend.backend() != "tensorflow",
                    reason="only the TensorFlow backend compiles TensorFlow tensors with XLA")
def test_under_xla_the_same_images():
    # TensorFlow's affine kernel has no XLA version: under jit_compile
    # (Keras's TensorFlow trainer on a GPU) the gather path runs instead.
    layer = AugMix(severity=10.0, all_ops=True, seed=9)
    images = tf.constant(IMAGES)
    t = layer.get_random_transformation({"images": images})
    plain = tf.function(layer.transform_images)(images, t)
    xla = tf.function(layer.transform_images, jit_compile=True)(images, t)
    np.testing.assert_allclose(to_numpy(xla), to_numpy(plain), atol=1e-3)


def test_draw_laws():
    n, width = 2000, 3
    layer = AugMix(width=width, alpha=0.7, all_ops=True, seed=4)
    t = {k: to_numpy(v) for k, v in
         layer.get_random_transformation({"images": np.zeros((n, 2, 2, 1), "float32")}).items()}
    depth = (t["operation"] >= 0).sum(axis=2).ravel()
    for d in (1, 2, 3):
        assert abs((depth == d).mean() - 1 / 3) < Z_BOUND * binomial_sd(1 / 3, depth.size)
    active = t["operation"][t["operation"] >= 0]
    counts = np.bincount(active, minlength=len(layer.operation_names))
    assert stats.chisquare(counts).pvalue > KS_LEVEL
    levels = t["level"][t["operation"] >= 0]
    assert stats.kstest(levels, stats.uniform(0.1, 2.9).cdf).pvalue > KS_LEVEL
    np.testing.assert_allclose(t["weights"].sum(axis=1), 1.0, atol=1e-5)
    # A Dirichlet(α·1) coordinate is Beta(α, (k − 1)·α).
    assert stats.kstest(t["weights"][:, 0], stats.beta(0.7, 1.4).cdf).pvalue > KS_LEVEL
    assert stats.kstest(t["mix"], stats.beta(0.7, 0.7).cdf).pvalue > KS_LEVEL
    # Neighbouring images draw independently.
    first = t["operation"][:, 0, 0].astype(float)
    assert abs(np.corrcoef(first[:-1], first[1:])[0, 1]) < Z_BOUND / np.sqrt(n)


def test_per_image_and_per_batch_in_tf_data():
    same = np.repeat(IMAGES[:1], 4, axis=0)
    ds = tf.data.Dataset.from_tensor_slices((same, np.zeros(4))).batch(4).repeat(2)
    batches = [x.numpy() for x, _ in ds.map(paired(AugMix(seed=5)))]
    for batch in batches:  # identical images, different chains
        assert len({b.tobytes() for b in batch}) == 4
    assert not np.array_equal(batches[0], batches[1])  # traced once, drawn per batch


def test_fit_with_jit_compile():
    # TensorFlow's Gamma draws have no XLA kernel: there the layer declares
    # it (supports_jit) and Keras trains without XLA; JAX compiles it all.
    model = keras.Sequential([keras.Input((12, 12, 3)), AugMix(seed=3), keras.layers.Flatten(),
                              keras.layers.Dense(2)])
    # torch.compile would only add time: the other two exercise XLA.
    model.compile("sgd", "mse", jit_compile=keras.backend.backend() != "torch")
    history = model.fit(IMAGES, np.zeros((len(IMAGES), 2)), batch_size=3, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])


def test_integer_pixels_and_empty_batches():
    layer = AugMix(seed=10)
    pixels = IMAGES.astype("uint8")
    t = layer.get_random_transformation({"images": pixels})
    out = to_numpy(layer.transform_images(pixels, t))
    np.testing.assert_allclose(out, to_numpy(layer.transform_images(pixels.astype("float32"), t)),
                               atol=1e-3)
    empty = to_numpy(layer.transform_images(IMAGES[:0], {k: v[:0] for k, v in t.items()}))
    assert empty.shape == (0,) + IMAGES.shape[1:]


def test_models_and_files(tmp_path):
    layer = AugMix(2.0, 2, 2, 0.5, True, (0, 255), seed=6)
    model = keras.Sequential([keras.Input((12, 12, 3)), layer])
    np.testing.assert_array_equal(model.predict(IMAGES, verbose=0), IMAGES)
    restored = save_and_load(model, tmp_path)
    assert restored.layers[0].get_config() == layer.get_config()
    t = layer.get_random_transformation({"images": IMAGES})
    # NumPy pixels in, a backend tensor out (on a CUDA torch tensor this
    # failed inside transform_images: scripts/gpu_check.sh).
    assert keras.ops.is_tensor(layer.transform_images(IMAGES, t))
    np.testing.assert_array_equal(to_numpy(restored.layers[0].transform_images(IMAGES, t)),
                                  to_numpy(layer.transform_images(IMAGES, t)))


def test_bad_arguments():
    assert_raises_each([
        (lambda: AugMix(severity=0), ValueError, r"`severity`.*0"),
        (lambda: AugMix(severity=11), ValueError, r"`severity`.*11"),
        (lambda: AugMix(width=0), ValueError, r"`width`.*0"),
        (lambda: AugMix(depth=4), ValueError, r"`depth`.*4"),
        (lambda: AugMix(depth=0), ValueError, r"`depth`.*0"),
        (lambda: AugMix(alpha=0), ValueError, r"`alpha`.*0"),
        (lambda: AugMix(alpha=-1), ValueError, r"`alpha`.*-1"),
        (lambda: AugMix(all_ops="yes"), TypeError, r"`all_ops`.*yes"),
    ])


@pytest.mark.slow
def test_operations_redrawn_per_batch_where_keras_freezes_them(monkeypatch):
    """Contrast with Keras's AugMix: its chains' operations are picked with
    Python's ``random.choice`` while tf.data traces the map, once; ours are
    tensors drawn for every batch."""
    from keras.src.layers.preprocessing.image_preprocessing import aug_mix as keras_aug_mix

    picks = []
    choice = keras_aug_mix.py_random.choice
    monkeypatch.setattr(keras_aug_mix.py_random, "choice",
                        lambda options: picks.append(choice(options)) or picks[-1])
    keras_layer = keras.layers.AugMix(seed=0)
    ds = tf.data.Dataset.from_tensors(IMAGES).repeat(4)
    keras_pipeline = ds.map(lambda x: keras_layer(x, training=True))
    list(keras_pipeline)
    traced = len(picks)
    assert traced > 0
    list(keras_pipeline)  # 4 more batches: no new picks, the traced ones repeat
    assert len(picks) == traced

    # Ours: the operations are tensors of the transformation, drawn in the
    # graph for each batch (one chain of depth 1, no skip: the output is the
    # chosen operation's result, so equal batches would mean equal picks).
    ours = AugMix(width=1, depth=1, seed=0)
    ours.get_random_transformation = _without_skip(ours.get_random_transformation)
    same = np.repeat(IMAGES[:1], 6, axis=0)
    batches = [x.numpy() for x in tf.data.Dataset.from_tensors(same).repeat(4).map(
        lambda x: ours(x, training=True))]
    assert all(not np.array_equal(batches[0], b) for b in batches[1:])


def _without_skip(draw):
    def no_skip(data, training=True, seed=None):
        t = draw(data, training=training, seed=seed)
        return {**t, "mix": t["mix"] * 0 + 1}

    return no_skip
