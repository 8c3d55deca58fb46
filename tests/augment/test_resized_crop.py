"""RandomResizedCrop: its boxes against torchvision's sampler written out in
Python on the same uniform draws, the law of crop area and aspect against an
independent NumPy simulation (two-sample KS), the crop-and-resize against
torchvision's ``resized_crop``; tf.data, models, inference, files, bad input."""

import math

import keras
import numpy as np
import pytest
from scipy import stats

from keras_reg.augment import RandomResizedCrop, image_recipe, paired
from keras_reg.augment.image import functional as F
from tests._tensorflow import tf
from tests.augment._backend import compiled
from tests.helpers import assert_raises_each, save_and_load, to_numpy, torchvision_functional

RNG = np.random.default_rng(7)
IMAGES = RNG.uniform(0, 255, (4, 20, 30, 3)).astype("float32")
# KS tests reject at this level; the seeds are fixed, so a correct sampler
# fails with probability < 1e-3 per seed choice, never by re-running.
KS_LEVEL = 1e-3


def reference_box(u, height, width, scale, ratio):
    """torchvision's ``RandomResizedCrop.get_params``, each draw read from ``u``
    (tries, 4) instead of the global generator."""
    area = height * width
    log_ratio = (math.log(ratio[0]), math.log(ratio[1]))
    for u0, u1, u2, u3 in u.astype("float64"):
        target_area = area * (scale[0] + (scale[1] - scale[0]) * u0)
        aspect = math.exp(log_ratio[0] + (log_ratio[1] - log_ratio[0]) * u1)
        w = int(round(math.sqrt(target_area * aspect)))
        h = int(round(math.sqrt(target_area / aspect)))
        if 0 < w <= width and 0 < h <= height:
            return [int(u2 * (height - h + 1)), int(u3 * (width - w + 1)), h, w]
    in_ratio = width / height
    if in_ratio < min(ratio):
        w, h = width, int(round(width / min(ratio)))
    elif in_ratio > max(ratio):
        h, w = height, int(round(height * max(ratio)))
    else:
        w, h = width, height
    return [(height - h) // 2, (width - w) // 2, h, w]


@pytest.mark.parametrize("height, width, scale, ratio", [
    (20, 30, (0.08, 1.0), (3 / 4, 4 / 3)),
    (32, 32, (0.5, 1.0), (0.2, 5.0)),       # many tries fail: later tries and fallbacks
    (24, 10, (0.9, 1.0), (2.0, 3.0)),       # wide crops of a tall image: fallback, h clamped
    (10, 40, (0.9, 1.0), (0.5, 0.6)),       # tall crops of a wide image: fallback, w clamped
])
def test_boxes_equal_torchvision_sampler_on_the_same_draws(height, width, scale, ratio):
    u = RNG.uniform(size=(400, 10, 4)).astype("float32")
    got = to_numpy(F.resized_crop_boxes(u, float(height), float(width), scale, ratio))
    expected = np.array([reference_box(row, height, width, scale, ratio) for row in u])
    np.testing.assert_array_equal(got, expected)


def test_fallback_exactly_when_no_try_fits():
    u = RNG.uniform(size=(3, 10, 4)).astype("float32")
    u[:, :, 0] = 1.0  # the whole area...
    u[:, :, 1] = 1.0  # ...at aspect 4: never fits a 20×30 image
    u[1, 6, 1] = 0.5  # image 1: try 7 has aspect 2 at the whole area: 35 px wide, too wide
    u[2, 6, 0], u[2, 6, 1] = 0.25, 0.0  # image 2: try 7 fits (area 150, aspect 1: 12×12)
    boxes = to_numpy(F.resized_crop_boxes(u, 20.0, 30.0, (0.0, 1.0), (1.0, 4.0)))
    assert boxes[0].tolist() == boxes[1].tolist() == [0, 0, 20, 30]  # aspect 1.5 is inside
    h = w = round(math.sqrt(600 * 0.25))
    assert boxes[2].tolist() == [int(u[2, 6, 2] * (20 - h + 1)), int(u[2, 6, 3] * (30 - w + 1)),
                                 h, w]


def _simulate(n, height, width, scale, ratio, rng):
    """The sampler again, with NumPy's generator: accepted (area fraction, log-aspect)."""
    u = rng.uniform(size=(n, 10, 4))
    boxes = np.array([reference_box(row, height, width, scale, ratio) for row in u])
    return boxes


def test_crop_area_and_aspect_follow_the_sampler_law():
    n, height, width, scale, ratio = 3000, 20, 30, (0.08, 1.0), (3 / 4, 4 / 3)
    layer = RandomResizedCrop(8, scale=scale, ratio=ratio, seed=11)
    images = np.zeros((n, height, width, 1), "float32")
    boxes = to_numpy(layer.get_random_transformation({"images": images})["boxes"])
    simulated = _simulate(n, height, width, scale, ratio, np.random.default_rng(5))
    for statistic in (lambda b: b[:, 2] * b[:, 3] / (height * width),
                      lambda b: np.log(b[:, 3] / b[:, 2]),
                      lambda b: b[:, 0] / np.maximum(height - b[:, 2], 1)):
        assert stats.ks_2samp(statistic(boxes), statistic(simulated)).pvalue > KS_LEVEL
    # Per image: the boxes of one batch are not one box repeated.
    assert len({tuple(b) for b in boxes[:64]}) > 32


def _in_tf_graph(size, interpolation):
    """``resized_crop`` traced as tf.data traces it: TensorFlow tensors of
    unknown batch size (TensorFlow's per-image resize kernel for bilinear)."""
    spec = (tf.TensorSpec((None, 20, 30, 3), tf.float32), tf.TensorSpec((None, 4), tf.int32))
    fn = tf.function(lambda images, boxes: F.resized_crop(images, boxes, size, interpolation),
                     input_signature=spec)
    return lambda images, boxes: fn(tf.constant(images), tf.constant(boxes, tf.int32))


@pytest.mark.parametrize("where", ["backend", "tf_graph"])
@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
def test_resized_crop_matches_torchvision(interpolation, where):
    tvf = torchvision_functional()
    import torch

    # Boxes at the image's edges and inside it, larger and smaller than the output.
    boxes = np.array([[0, 0, 20, 30], [3, 5, 9, 13], [2, 1, 17, 28], [7, 11, 5, 4]])
    for size in [(16, 16), (40, 25)]:  # down- and up-sampling
        if where == "tf_graph":
            crop = _in_tf_graph(size, interpolation)
        else:
            crop = compiled(lambda images, boxes, size=size: F.resized_crop(
                images, boxes, size, interpolation))
        got = to_numpy(crop(IMAGES, boxes))
        mode = getattr(tvf.InterpolationMode, interpolation.upper())
        for image, (top, left, h, w), out in zip(IMAGES, boxes, got):
            expected = tvf.resized_crop(torch.tensor(image).permute(2, 0, 1), int(top), int(left),
                                        int(h), int(w), list(size), interpolation=mode,
                                        antialias=False).permute(1, 2, 0).numpy()
            np.testing.assert_allclose(out, expected, atol=2e-3)


def test_inference_is_the_centre_crop_and_labels_pass():
    layer = RandomResizedCrop((10, 10), ratio=(1.0, 1.0), seed=0)
    labels = np.arange(4)
    out = layer({"images": IMAGES, "labels": labels}, training=False)
    # A 20×30 image at aspect 1: the centred 20×20 square.
    expected = to_numpy(F.resized_crop(IMAGES, np.tile([0, 5, 20, 20], (4, 1)), (10, 10)))
    np.testing.assert_allclose(to_numpy(out["images"]), expected, atol=1e-5)
    np.testing.assert_array_equal(to_numpy(out["labels"]), labels)


def test_in_tf_data_models_and_single_images(tmp_path):
    layer = RandomResizedCrop((8, 12), scale=(0.2, 0.9), ratio=(0.5, 2.0),
                              interpolation="nearest", value_range=(0, 1), seed=3)
    ds = tf.data.Dataset.from_tensor_slices((IMAGES / 255, np.arange(4))).batch(2)
    for x, _ in ds.map(paired(layer)):
        assert tuple(x.shape) == (2, 8, 12, 3) and x.dtype == tf.float32
        assert float(tf.reduce_min(x)) >= 0 and float(tf.reduce_max(x)) <= 1
    one_uint8_image = to_numpy(layer(IMAGES[0].astype("uint8")))
    assert one_uint8_image.dtype == np.float32 and one_uint8_image.shape == (8, 12, 3)

    model = keras.Sequential([keras.Input((20, 30, 3)), layer, keras.layers.Flatten(),
                              keras.layers.Dense(2)])
    assert model.output_shape == (None, 2)
    model.compile("sgd", "mse")
    model.fit(IMAGES / 255, np.zeros((4, 2)), epochs=1, verbose=0)
    restored = save_and_load(model, tmp_path)
    np.testing.assert_array_equal(restored.predict(IMAGES / 255, verbose=0),
                                  model.predict(IMAGES / 255, verbose=0))
    assert restored.layers[0].get_config() == layer.get_config()


def test_images_of_unknown_size_in_tf_data():
    images = [RNG.uniform(0, 255, shape).astype("float32") for shape in [(20, 30, 3), (14, 9, 3)]]
    ds = tf.data.Dataset.from_generator(
        lambda: iter(images), output_signature=tf.TensorSpec((None, None, 3), tf.float32))
    crop = RandomResizedCrop((8, 12), seed=0)
    for x in ds.map(crop).batch(2):  # per image, before batching
        assert tuple(x.shape) == (2, 8, 12, 3)


def test_seeded_draws_repeat():
    a = RandomResizedCrop(8, seed=4)(IMAGES)
    b = RandomResizedCrop(8, seed=4)(IMAGES)
    np.testing.assert_array_equal(to_numpy(a), to_numpy(b))


def test_bad_arguments():
    assert_raises_each([
        (lambda: RandomResizedCrop(0), ValueError, r"`size`.*0"),
        (lambda: RandomResizedCrop((8,)), ValueError, r"`size`.*\(8,\)"),
        (lambda: RandomResizedCrop(2.5), ValueError, r"`size`.*2\.5"),
        (lambda: RandomResizedCrop(True), ValueError, r"`size`.*True"),
        (lambda: RandomResizedCrop(8, scale=(0.5, 0.2)), ValueError, r"`scale`.*\(0\.5, 0\.2\)"),
        (lambda: RandomResizedCrop(8, scale=(0.1, 1.5)), ValueError, r"`scale`.*1\.5"),
        (lambda: RandomResizedCrop(8, scale=(0, 0)), ValueError, r"`scale`.*b > 0"),
        (lambda: RandomResizedCrop(8, ratio=(0, 1)), ValueError, r"`ratio`.*0 < a"),
        (lambda: RandomResizedCrop(8, ratio=(2, 1)), ValueError, r"`ratio`.*\(2, 1\)"),
        (lambda: RandomResizedCrop(8, interpolation="bicubic"), ValueError,
         r"`interpolation`.*bicubic"),
        (lambda: RandomResizedCrop(8)(np.zeros((2, 3))), ValueError, r"rank 4"),
    ])


def test_image_recipe_crops_first_and_at_inference(tmp_path):
    recipe = image_recipe(crop_size=(12, 14), crop_scale=(0.3, 0.6), crop_ratio=(1.0, 2.0),
                          seed=5)
    crop = recipe.layers[0]
    assert isinstance(crop, RandomResizedCrop)
    assert (crop.size, crop.scale, crop.ratio) == ((12, 14), (0.3, 0.6), (1.0, 2.0))
    assert recipe.compute_output_shape((None, 20, 30, 3)) == (None, 12, 14, 3)
    assert tuple(to_numpy(recipe(IMAGES)).shape) == (4, 12, 14, 3)
    # At inference only the crop runs (its centre crop): no flip, rotation or colour.
    np.testing.assert_allclose(to_numpy(recipe(IMAGES, training=False)),
                               to_numpy(crop(IMAGES, training=False)), atol=1e-5)
    model = keras.Sequential([keras.Input((20, 30, 3)), recipe, keras.layers.Flatten(),
                              keras.layers.Dense(2)])
    restored = save_and_load(model, tmp_path)
    np.testing.assert_array_equal(restored.predict(IMAGES, verbose=0),
                                  model.predict(IMAGES, verbose=0))
    assert restored.layers[0].layers[0].get_config() == crop.get_config()


def test_bilinear_crops_in_a_model_on_every_backend():
    layer = RandomResizedCrop((8, 8), seed=0)
    assert layer.supports_jit
    model = keras.Sequential([keras.Input((20, 30, 3)), layer, keras.layers.Flatten(),
                              keras.layers.Dense(2)])
    # XLA on TensorFlow (the gather path); torch.compile would only add 25 s.
    model.compile("sgd", "mse", jit_compile=keras.backend.backend() != "torch")
    history = model.fit(IMAGES / 255, np.zeros((4, 2)), epochs=2, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))


def test_under_xla_the_same_crops():
    # Eagerly TensorFlow's per-image resize runs; in a graph (XLA-compiled
    # by keras_reg, _compat.xla) and under jit_compile the gathers: the same
    # crops. (test_fused_graphs.py derives the tolerance.)
    boxes = np.array([[0, 0, 20, 30], [3, 5, 9, 13], [2, 1, 17, 28], [7, 11, 5, 4]], "int32")
    images, boxes_t = tf.constant(IMAGES), tf.constant(boxes)
    eager = to_numpy(F.resized_crop(images, boxes_t, (16, 12)))
    for jit in (False, True):
        fn = tf.function(lambda x, b: F.resized_crop(x, b, (16, 12)), jit_compile=jit)
        np.testing.assert_allclose(to_numpy(fn(images, boxes_t)), eager, atol=2e-3)
