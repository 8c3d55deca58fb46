"""MixUp, CutMix and MixUpCutMix: λ's Beta law (KS), CutMix boxes against timm's
``rand_bbox``/``rand_bbox_minmax`` written out on the same draws, λ equal to
the uncovered share, label rows with their exact smoothing mass, ``prob`` and
``switch_prob`` frequencies within binomial bounds, per-sample independence,
the pair mode's symmetry; tf.data, backend tensors, files, bad input."""

import math

import keras
import numpy as np
import pytest
from scipy import stats

from keras_reg.augment import CutMix, MixUp, MixUpCutMix, paired
from keras_reg.augment.image import functional as F
from tests._tensorflow import tf
from tests.helpers import Z_BOUND, assert_raises_each, binomial_sd, save_and_load, to_numpy

RNG = np.random.default_rng(11)
KS_LEVEL = 1e-3  # fixed seeds: a correct law fails with probability < 1e-3 per seed choice
N = 2000


def _batch(n=N, height=2, width=2, classes=5):
    # Image i is the constant i + 1, so each pixel says whose it is.
    images = np.broadcast_to(np.arange(1, n + 1, dtype="float32")[:, None, None, None],
                             (n, height, width, 1)).copy()
    return {"images": images, "labels": RNG.integers(0, classes, n)}


def _draw(layer, data):
    t = layer.get_random_transformation(data)
    return {k: to_numpy(v) for k, v in t.items()}


@pytest.mark.parametrize("alpha", [0.2, 0.8])
def test_mixup_lambda_follows_beta(alpha):
    t = _draw(MixUp(alpha, mode="elem", seed=1), _batch())
    assert stats.kstest(t["lam"], stats.beta(alpha, alpha).cdf).pvalue > KS_LEVEL
    assert not t["use_cutmix"].any()


def test_cutmix_lambda_before_correction_follows_beta():
    layer = CutMix(alpha=1.0, correct_lam=False, mode="elem", seed=2)
    t = _draw(layer, _batch(height=32, width=32))
    assert stats.kstest(t["lam"], stats.beta(1.0, 1.0).cdf).pvalue > KS_LEVEL


def reference_rand_bbox(height, width, lam, u):
    """timm's ``rand_bbox`` with its centre drawn from the uniforms ``u`` (2,)."""
    ratio = math.sqrt(1.0 - lam)
    cut_h, cut_w = int(height * ratio), int(width * ratio)
    cy, cx = int(u[0] * height), int(u[1] * width)
    return [int(np.clip(cy - cut_h // 2, 0, height)), int(np.clip(cx - cut_w // 2, 0, width)),
            int(np.clip(cy + cut_h // 2, 0, height)), int(np.clip(cx + cut_w // 2, 0, width))]


def reference_minmax_bbox(height, width, minmax, u):
    """timm's ``rand_bbox_minmax`` with each randint drawn from ``u`` (4,)."""
    def randint(low, high, ui):  # numpy's randint: [low, high)
        return low + int(ui * (high - low))

    cut_h = randint(int(height * minmax[0]), int(height * minmax[1]), u[0])
    cut_w = randint(int(width * minmax[0]), int(width * minmax[1]), u[1])
    top, left = randint(0, height - cut_h, u[2]), randint(0, width - cut_w, u[3])
    return [top, left, top + cut_h, left + cut_w]


def test_boxes_equal_timm_samplers_on_the_same_draws():
    lam = RNG.uniform(size=300).astype("float32")
    u = RNG.uniform(size=(300, 4)).astype("float32")
    got = to_numpy(F.cutmix_boxes(lam, u[:, :2], 24, 30))
    expected = [reference_rand_bbox(24, 30, float(lam_i), u_i) for lam_i, u_i in zip(lam, u)]
    np.testing.assert_array_equal(got, expected)
    got = to_numpy(F.cutmix_minmax_boxes(u, 24, 30, (0.2, 0.8)))
    expected = [reference_minmax_bbox(24, 30, (0.2, 0.8), u_i) for u_i in u]
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("minmax", [None, (0.3, 0.7)])
def test_corrected_lambda_is_the_uncovered_share_and_labels_follow(minmax):
    data = _batch(n=64, height=12, width=10)
    layer = CutMix(minmax=minmax, mode="elem", num_classes=5, label_smoothing=0.2, seed=3)
    t = layer.get_random_transformation(data)
    out = layer.apply_transformation(dict(data), t)
    images, lam = to_numpy(out["images"]), to_numpy(t["lam"])
    own = (images == data["images"]).mean(axis=(1, 2, 3))
    # Equal up to the float32 rounding of 1 - area/(H·W): one ulp at 1.
    np.testing.assert_allclose(lam, own, rtol=0, atol=2.0**-23)
    partner_ok = (images == data["images"][::-1]) | (images == data["images"])
    assert partner_ok.all()
    one_hot = np.eye(5)[data["labels"]]
    expected = 0.8 * (lam[:, None] * one_hot + (1 - lam[:, None]) * one_hot[::-1]) + 0.2 / 5
    np.testing.assert_allclose(to_numpy(out["labels"]), expected, atol=1e-6)


def test_mixup_images_and_soft_labels_match_numpy():
    data = {"images": RNG.uniform(0, 255, (6, 4, 5, 3)).astype("float32"),
            "labels": RNG.dirichlet(np.ones(4), 6).astype("float32")}
    layer = MixUp(alpha=0.4, mode="elem", label_smoothing=0.1, seed=4)
    t = layer.get_random_transformation(data)
    out = layer.apply_transformation(dict(data), t)
    lam = to_numpy(t["lam"])[:, None]
    np.testing.assert_allclose(
        to_numpy(out["images"]),
        lam[:, :, None, None] * data["images"] + (1 - lam[:, :, None, None]) * data["images"][::-1],
        rtol=1e-5)
    smooth = 0.9 * data["labels"] + 0.1 / 4
    np.testing.assert_allclose(to_numpy(out["labels"]), lam * smooth + (1 - lam) * smooth[::-1],
                               atol=1e-6)
    np.testing.assert_allclose(to_numpy(out["labels"]).sum(axis=1), 1.0, atol=1e-6)


def test_prob_and_switch_frequencies():
    layer = MixUpCutMix(prob=0.3, switch_prob=0.25, mode="elem", seed=5)
    t = _draw(layer, _batch(height=16, width=16))
    # A mixed MixUp sample has λ < 1 (Beta is continuous); a mixed CutMix one
    # has a box, and boxes of zero area only when λ rounds the side to 0.
    mixed = (t["lam"] < 1) | t["use_cutmix"]
    assert abs(mixed.mean() - 0.3) < Z_BOUND * binomial_sd(0.3, N)
    share = t["use_cutmix"][mixed].mean()
    assert abs(share - 0.25) < Z_BOUND * binomial_sd(0.25, mixed.sum())
    # Unmixed samples: λ = 1, no box.
    assert (t["lam"][~mixed] == 1).all() and (t["boxes"][~t["use_cutmix"]] == 0).all()


def test_per_sample_draws_are_independent_across_the_batch():
    t = _draw(MixUpCutMix(mode="elem", correct_lam=False, seed=6), _batch())
    bound = Z_BOUND / math.sqrt(N)
    assert abs(np.corrcoef(t["lam"][:-1], t["lam"][1:])[0, 1]) < bound
    assert abs(np.corrcoef(t["use_cutmix"][:-1], t["use_cutmix"][1:])[0, 1]) < bound


def test_batch_and_pair_modes():
    data = _batch(n=7, height=8, width=8)
    t = _draw(MixUpCutMix(mode="batch", seed=7), data)
    for value in t.values():
        assert (value == value[:1]).all()
    t = _draw(MixUpCutMix(mode="pair", seed=7), _batch(n=400, height=8, width=8))
    for value in t.values():  # image n-1-i shares image i's draw
        np.testing.assert_array_equal(value, value[::-1])
    # ...and the pairs draw independently of each other.
    lam = _draw(MixUp(alpha=1.0, mode="pair", seed=7), _batch())["lam"][: N // 2]
    assert abs(np.corrcoef(lam[:-1], lam[1:])[0, 1]) < Z_BOUND / math.sqrt(N // 2)
    assert stats.kstest(lam, stats.uniform.cdf).pvalue > KS_LEVEL


def test_tf_data_and_backend_tensors(tmp_path):
    images = RNG.uniform(0, 255, (8, 6, 6, 3)).astype("float32")
    labels = RNG.integers(0, 4, (8, 1))
    mixer = MixUpCutMix(num_classes=4, label_smoothing=0.1, seed=8)
    ds = tf.data.Dataset.from_tensor_slices((images, labels)).batch(4).map(paired(mixer))
    for x, y in ds:
        assert tuple(x.shape) == (4, 6, 6, 3) and tuple(y.shape) == (4, 4)
        np.testing.assert_allclose(y.numpy().sum(axis=1), 1.0, atol=1e-6)
    out = mixer({"images": keras.ops.convert_to_tensor(images),
                 "labels": keras.ops.convert_to_tensor(np.eye(4)[labels[:, 0]])})
    assert keras.backend.standardize_dtype(out["labels"].dtype) == "float32"
    np.testing.assert_allclose(to_numpy(out["labels"]).sum(axis=1), 1.0, atol=1e-6)


@pytest.mark.parametrize("layer", [
    MixUpCutMix(0.5, 0.7, (0.2, 0.6), 0.9, 0.4, "pair", False, 0.1, 3, (0, 1), 9),
    MixUp(0.3, 0.8, "elem", 0.05, 3, (0, 1), 9),
    CutMix(0.9, None, 0.7, "batch", False, 0.0, 3, (0, 1), 9),
], ids=lambda layer: type(layer).__name__)
def test_config_and_file_round_trip(layer, tmp_path):
    clone = type(layer).from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()
    inputs = {"images": keras.Input((4, 4, 1), name="images"),
              "labels": keras.Input((1,), dtype="int32", name="labels")}
    model = keras.Model(inputs, layer(inputs))
    restored = save_and_load(model, tmp_path)
    assert restored.layers[-1].get_config() == layer.get_config()
    data = {"images": RNG.uniform(size=(6, 4, 4, 1)).astype("float32"),
            "labels": RNG.integers(0, 3, (6, 1)).astype("int32")}
    a, b = model(data, training=True), restored(data, training=True)
    for key in ("images", "labels"):
        np.testing.assert_array_equal(to_numpy(a[key]), to_numpy(b[key]))
    # Inference: images as they are, labels as their smoothed rows (the declared output).
    out = model(data, training=False)
    np.testing.assert_array_equal(to_numpy(out["images"]), data["images"])
    s = layer.label_smoothing
    np.testing.assert_allclose(to_numpy(out["labels"]),
                               np.eye(3)[data["labels"][:, 0]] * (1 - s) + s / 3, atol=1e-6)


def test_bad_input():
    # Fixed class ids (largest 4): the out-of-range case names it.
    data = {**_batch(n=4, classes=5), "labels": np.array([4, 0, 2, 1])}
    assert_raises_each([
        (lambda: MixUpCutMix(mixup_alpha=-1), ValueError, r"`mixup_alpha`.*-1"),
        (lambda: MixUpCutMix(0.0, 0.0), ValueError, r"mixes nothing"),
        (lambda: MixUp(alpha=0), ValueError, r"`alpha`.*> 0"),
        (lambda: CutMix(alpha=-0.5), ValueError, r"`alpha`.*-0\.5"),
        (lambda: MixUpCutMix(prob=1.5), ValueError, r"`prob`.*1\.5"),
        (lambda: MixUpCutMix(switch_prob=-0.1), ValueError, r"`switch_prob`.*-0\.1"),
        (lambda: MixUpCutMix(mode="sample"), ValueError, r"`mode`.*sample"),
        (lambda: MixUpCutMix(cutmix_minmax=(0.6, 0.2)), ValueError, r"`cutmix_minmax`"),
        (lambda: MixUpCutMix(correct_lam=1), TypeError, r"`correct_lam`"),
        (lambda: MixUpCutMix(num_classes=0), ValueError, r"`num_classes`.*0"),
        (lambda: MixUpCutMix(label_smoothing=2), ValueError, r"`label_smoothing`"),
        (lambda: MixUpCutMix(num_classes=5)(data["images"]), ValueError, r"labels too"),
        (lambda: MixUpCutMix()(data), ValueError, r"class ids.*need `num_classes`"),
        (lambda: MixUpCutMix(num_classes=3)(data), ValueError, r"\[0, num_classes=3\).*4"),
        (lambda: MixUpCutMix(num_classes=3)({"images": data["images"],
                                            "labels": np.eye(5)[data["labels"]]}),
         ValueError, r"5 classes.*num_classes=3"),
        (lambda: MixUpCutMix(num_classes=5)({"images": data["images"][0],
                                            "labels": data["labels"][:1]}),
         ValueError, r"rank 4"),
        (lambda: MixUpCutMix(num_classes=5)({"images": data["images"],
                                            "labels": data["labels"][:3]}),
         ValueError, r"4 images but 3 labels"),
    ])


def test_images_of_unknown_size_in_tf_data():
    shapes = [(6, 8), (5, 9)]
    images = [RNG.uniform(0, 255, shape + (3,)).astype("float32") for shape in shapes]
    ds = tf.data.Dataset.from_generator(
        lambda: ((image, np.int64(i)) for i, image in enumerate(images * 2)),
        output_signature=(tf.TensorSpec((None, None, 3), tf.float32),
                          tf.TensorSpec((), tf.int64)))
    mixer = CutMix(minmax=(0.2, 0.8), num_classes=2, seed=0)
    for x, y in ds.padded_batch(4).map(paired(mixer)):
        assert tuple(x.shape) == (4, 6, 9, 3) and tuple(y.shape) == (4, 2)


def test_explicit_seeds_give_independent_replayable_draws():
    data = _batch(height=8, width=8)
    layer = MixUpCutMix(mode="elem", correct_lam=False)
    t = _draw_with(layer, data, 7)
    np.testing.assert_array_equal(t["lam"], _draw_with(layer, data, 7)["lam"])
    bound = Z_BOUND / math.sqrt(N)
    # The switch and the apply draws come from one uniform draw, λ from another.
    assert abs(np.corrcoef(t["lam"], t["use_cutmix"])[0, 1]) < bound


def _draw_with(layer, data, seed):
    return {k: to_numpy(v) for k, v in layer.get_random_transformation(data, seed=seed).items()}
