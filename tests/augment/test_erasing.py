"""RandomErasing: boxes against timm's sampler written out on the same draws,
the law of box area and aspect against an independent NumPy simulation (KS),
box counts and the erasing probability within binomial bounds, untouched
pixels outside the boxes, the three fills' moments; tf.data, models, files,
bad input."""

import math

import keras
import numpy as np
import pytest
from scipy import stats

from keras_reg.augment import RandomErasing, paired
from keras_reg.augment.image import functional as F
from tests._tensorflow import tf
from tests.helpers import Z_BOUND, assert_raises_each, binomial_sd, save_and_load, to_numpy

RNG = np.random.default_rng(21)
KS_LEVEL = 1e-3  # fixed seeds: a correct law fails with probability < 1e-3 per seed choice


def reference_boxes(u, count, height, width, scale, ratio):
    """timm's ``RandomErasing._erase`` box loop for one image erasing ``count``
    boxes, each draw read from ``u`` (boxes, tries, 4)."""
    boxes = []
    log_ratio = (math.log(ratio[0]), math.log(ratio[1]))
    for k in range(u.shape[0]):
        box = [0, 0, 0, 0]
        for u0, u1, u2, u3 in u[k].astype("float64") if k < count else []:
            target_area = (scale[0] + (scale[1] - scale[0]) * u0) * height * width / count
            aspect = math.exp(log_ratio[0] + (log_ratio[1] - log_ratio[0]) * u1)
            h = int(round(math.sqrt(target_area * aspect)))
            w = int(round(math.sqrt(target_area / aspect)))
            if w < width and h < height:
                top, left = int(u2 * (height - h + 1)), int(u3 * (width - w + 1))
                box = [top, left, top + h, left + w]
                break
        boxes.append(box)
    return boxes


@pytest.mark.parametrize("scale, ratio", [((0.02, 1 / 3), (0.3, 1 / 0.3)),
                                          ((0.5, 1.0), (0.1, 10.0))])  # many failed tries
def test_boxes_equal_timm_sampler_on_the_same_draws(scale, ratio):
    u = RNG.uniform(size=(200, 3, 10, 4)).astype("float32")
    counts = RNG.integers(0, 4, 200)
    got = to_numpy(F.erasing_boxes(u, counts, 12.0, 16.0, scale, ratio))
    expected = [reference_boxes(u_i, c, 12, 16, scale, ratio) for u_i, c in zip(u, counts)]
    np.testing.assert_array_equal(got, expected)


def test_box_law_counts_and_probability():
    n, height, width = 3000, 24, 32
    layer = RandomErasing(0.6, (0.02, 0.2), (0.5, 2.0), min_count=1, max_count=3, seed=5)
    t = layer.get_random_transformation({"images": np.zeros((n, height, width, 1), "float32")})
    boxes = to_numpy(t["boxes"])
    sizes = (boxes[..., 2] - boxes[..., 0]) * (boxes[..., 3] - boxes[..., 1])
    boxes_per_image = (sizes > 0).sum(axis=1)
    erased = boxes_per_image > 0
    assert abs(erased.mean() - 0.6) < Z_BOUND * binomial_sd(0.6, n)
    # Counts uniform on {1, 2, 3} among erased images: at these area and
    # aspect ranges every box fits (h, w <= sqrt(0.2·768·2) < 18 < 24), so
    # the non-empty boxes are the attempted count.
    for c in (1, 2, 3):
        share = (boxes_per_image[erased] == c).mean()
        assert abs(share - 1 / 3) < Z_BOUND * binomial_sd(1 / 3, erased.sum())

    # Single boxes: area and aspect against the sampler simulated with NumPy's generator.
    layer = RandomErasing(1.0, seed=6)
    ours = to_numpy(layer.get_random_transformation(
        {"images": np.zeros((n, height, width, 1), "float32")})["boxes"])[:, 0]
    rng = np.random.default_rng(7)
    simulated = np.array([reference_boxes(rng.uniform(size=(1, 10, 4)), 1, height, width,
                                          layer.scale, layer.ratio)[0] for _ in range(n)])
    for statistic in (lambda b: (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1]),
                      lambda b: np.log((b[:, 2] - b[:, 0]) / (b[:, 3] - b[:, 1]))):
        assert stats.ks_2samp(statistic(ours), statistic(simulated)).pvalue > KS_LEVEL


@pytest.mark.parametrize("fill_mode", ["const", "rand", "pixel"])
def test_fills_and_untouched_pixels(fill_mode):
    images = RNG.uniform(0, 255, (64, 16, 16, 3)).astype("float32")
    layer = RandomErasing(1.0, (0.1, 0.3), fill_mode=fill_mode, max_count=2,
                          fill_value=100.0, fill_std=20.0, seed=8)
    t = layer.get_random_transformation({"images": images})
    out = to_numpy(layer.transform_images(images, t))
    boxes = to_numpy(t["boxes"])
    inside = np.zeros(images.shape[:3], bool)
    for i, image_boxes in enumerate(boxes):
        for top, left, bottom, right in image_boxes:
            inside[i, top:bottom, left:right] = True
    np.testing.assert_array_equal(out[~inside], images[~inside])
    filled = out[inside]  # (pixels, channels)
    if fill_mode == "const":
        assert (filled == 100.0).all()
        return
    values = filled.ravel()
    if fill_mode == "rand":  # one colour per box: its values come from few draws
        colours = np.unique(values)
        assert len(colours) <= boxes.shape[0] * boxes.shape[1] * 3
        values = colours
    m = len(values)
    assert abs(values.mean() - 100.0) < Z_BOUND * 20.0 / math.sqrt(m)
    # sd of the sample variance of a normal: σ²·sqrt(2/(m − 1)).
    assert abs(values.var() - 400.0) < Z_BOUND * 400.0 * math.sqrt(2 / (m - 1))


def test_fills_broadcast_from_any_trailing_shape():
    images = np.zeros((2, 4, 4, 3), "float32")
    boxes = np.array([[[0, 0, 2, 2]], [[1, 1, 4, 4]]])
    fill = np.arange(48, dtype="float32").reshape(4, 4, 3) + 1  # (H, W, C)
    out = to_numpy(F.erase(images, boxes, fill))
    np.testing.assert_array_equal(out[0, :2, :2], fill[:2, :2])
    np.testing.assert_array_equal(out[1, 1:, 1:], fill[1:, 1:])
    assert (out[0, 2:] == 0).all() and (out[1, 0] == 0).all()
    colour = to_numpy(F.erase(images, boxes, np.array([1.0, 2.0, 3.0], "float32")))
    np.testing.assert_array_equal(colour[0, 0, 0], [1, 2, 3])


def test_tf_data_models_and_files(tmp_path):
    images = RNG.uniform(0, 255, (4, 12, 12, 3)).astype("float32")
    def make():
        return RandomErasing(0.7, (0.05, 0.5), (0.5, 2.0), "rand", 2, 3, 10.0, 5.0, (0, 255),
                             seed=9)

    ds = tf.data.Dataset.from_tensor_slices((images, np.arange(4))).batch(2)
    for x, y in ds.map(paired(make())):
        assert tuple(x.shape) == (2, 12, 12, 3) and tuple(y.shape) == (2,)
    layer = make()
    model = keras.Sequential([keras.Input((12, 12, 3)), layer])
    np.testing.assert_array_equal(model.predict(images, verbose=0), images)  # inference: as is
    restored = save_and_load(model, tmp_path)
    assert restored.layers[0].get_config() == layer.get_config()
    np.testing.assert_array_equal(to_numpy(restored.layers[0](images)),
                                  to_numpy(model.layers[0](images)))


def test_bad_arguments():
    assert_raises_each([
        (lambda: RandomErasing(1.5), ValueError, r"`probability`.*1\.5"),
        (lambda: RandomErasing(scale=(0.0, 0.5)), ValueError, r"`scale`.*0 < a"),
        (lambda: RandomErasing(scale=(0.5, 0.2)), ValueError, r"`scale`"),
        (lambda: RandomErasing(ratio=(0, 1)), ValueError, r"`ratio`.*0 < a"),
        (lambda: RandomErasing(fill_mode="random"), ValueError, r"`fill_mode`.*random"),
        (lambda: RandomErasing(min_count=0), ValueError, r"`min_count`.*0"),
        (lambda: RandomErasing(min_count=3, max_count=2), ValueError, r"`max_count`.*3"),
        (lambda: RandomErasing(fill_value=float("nan")), ValueError, r"`fill_value`"),
        (lambda: RandomErasing(fill_std=-1.0), ValueError, r"`fill_std`.*-1"),
    ])
