import colorsys
import math

import keras
import numpy as np
import pytest

from keras_reg import augment
from keras_reg.augment.image import _geometry
from keras_reg.augment.image import functional as F
from tests._tensorflow import tf
from tests.helpers import Z_BOUND, save_and_load, to_numpy

ops = keras.ops
RNG = np.random.default_rng(0)


def _photos(n=4, size=16):
    return RNG.uniform(0, 255, size=(n, size, size, 3)).astype("float32")


# --- the functional ops against NumPy / colorsys references ----------------
@pytest.mark.slow
def test_hue_shift_matches_colorsys():
    x = RNG.uniform(size=(3, 5, 5, 3)).astype("float32")
    shifts = [0.1, -0.25, 0.5]
    got = to_numpy(F.adjust_hue(ops.convert_to_tensor(x), np.float32(shifts)))
    for i, d in enumerate(shifts):
        for pixel, out in zip(x[i].reshape(-1, 3), got[i].reshape(-1, 3)):
            h, s, v = colorsys.rgb_to_hsv(*pixel)
            np.testing.assert_allclose(out, colorsys.hsv_to_rgb((h + d) % 1.0, s, v), atol=2e-5)


@pytest.mark.slow
def test_contrast_saturation_brightness_match_torchvision_formulas():
    x = RNG.uniform(size=(2, 6, 6, 3)).astype("float32")
    f = np.array([0.5, 1.7], "float32")
    gray = x @ np.array([0.299, 0.587, 0.114], "float32")
    tx = ops.convert_to_tensor(x)
    want_c = np.clip(gray.mean(axis=(1, 2))[:, None, None, None] * (1 - f[:, None, None, None])
                     + f[:, None, None, None] * x, 0, 1)
    f4 = f[:, None, None, None]
    want_s = np.clip(gray[..., None] * (1 - f4) + f4 * x, 0, 1)
    unit = (0, 1)
    np.testing.assert_allclose(to_numpy(F.adjust_contrast(tx, f, unit)), want_c, atol=1e-5)
    np.testing.assert_allclose(to_numpy(F.adjust_saturation(tx, f, unit)), want_s, atol=1e-5)
    want_b = np.clip(x * f[:, None, None, None], 0, 1)
    np.testing.assert_allclose(to_numpy(F.adjust_brightness(tx, f, unit)), want_b, atol=1e-6)


# --- layers ------------------------------------------------------------------
@pytest.mark.slow
def test_color_jitter_brightness_factor_range_per_image():
    grey = np.full((400, 2, 2, 3), 100.0, "float32")
    out = to_numpy(augment.ColorJitter(brightness=0.2, seed=0)(grey))[:, 0, 0, 0] / 100.0
    assert out.min() >= 0.8 - 1e-5 and out.max() <= 1.2 + 1e-5
    # U[0.8, 1.2]: mean 1, sd 0.4 / sqrt(12) / sqrt(400).
    assert abs(out.mean() - 1.0) < Z_BOUND * 0.4 / math.sqrt(12) / 20
    assert len(np.unique(out)) > 300


@pytest.mark.slow
def test_color_jitter_keeps_range_and_grey_pixels_under_saturation_and_hue():
    grey = np.full((8, 3, 3, 3), 77.0, "float32")
    out = to_numpy(augment.ColorJitter(saturation=0.9, hue=0.5, seed=1)(grey))
    np.testing.assert_allclose(out, grey, atol=1e-3)  # no colour to change
    photos = to_numpy(augment.ColorJitter(0.5, 0.5, 0.5, 0.2, seed=2)(_photos()))
    assert photos.min() >= 0 and photos.max() <= 255


@pytest.mark.parametrize("flip, axis, channels", [("horizontal", 2, 3), ("vertical", 1, 1)])
def test_flip_rotation_flips_half_the_images_exactly(flip, axis, channels):
    # channels=1: geometric layers take greyscale images too.
    img = np.zeros((64, 9, 9, channels), "float32")
    img[:, 2, 1] = 255.0  # a marker off both centre lines
    out = to_numpy(augment.RandomFlipRotation(flip, degrees=0, seed=0)(img))
    mirrored = np.flip(img, axis=axis)
    same = np.all(np.isclose(out, img, atol=1e-3), axis=(1, 2, 3))
    flipped = np.all(np.isclose(out, mirrored, atol=1e-3), axis=(1, 2, 3))
    assert np.all(same | flipped)
    # Binomial(64, 1/2): 32 ± 5·4.
    assert abs(flipped.sum() - 32) <= Z_BOUND * 4


@pytest.mark.slow
def test_recipe_rotation_bound_in_degrees_with_a_marker_image():
    size, radius = 65, 28
    img = np.zeros((1, size, size, 3), "float32")
    c = size // 2
    img[0, c, c + radius] = 255.0  # a dot at angle 0, right of the centre
    recipe = augment.image_recipe(flip=None, rotation_degrees=10, brightness=0, contrast=0,
                                  saturation=0, hue=0, seed=0)
    angles = []
    for _ in range(40):
        out = to_numpy(recipe(img))[0, ..., 0]
        yy, xx = np.unravel_index(np.argmax(out), out.shape)
        angles.append(math.degrees(math.atan2(yy - c, xx - c)))
    # Half a pixel at radius 28 is ~1 degree of slack.
    assert max(abs(a) for a in angles) <= 10 + math.degrees(math.atan(1 / radius))
    assert max(abs(a) for a in angles) > 5  # the range is used, not a fixed angle


def test_recipe_strength_and_switches():
    x = _photos()
    off = augment.image_recipe(flip=None, rotation_degrees=0, brightness=None, contrast=0,
                               saturation=0, hue=0)
    # Identity up to float32 rounding of the [0, 1] scaling round trip.
    np.testing.assert_allclose(to_numpy(off(x)), x, rtol=1e-6)
    zero = augment.image_recipe(flip=None, strength=0.0, seed=0)
    np.testing.assert_allclose(to_numpy(zero(x)), x, rtol=1e-6)
    half = augment.image_recipe(strength=0.5, seed=0)
    jitter = [layer for layer in half.layers if isinstance(layer, augment.ColorJitter)][0]
    assert jitter.brightness == pytest.approx(0.1) and jitter.hue == pytest.approx(0.05)


def test_color_jitter_on_greyscale_as_torchvision():
    # torchvision (and PIL) on one channel: brightness scales, contrast blends
    # towards the image's mean, saturation and hue change nothing. Before,
    # ColorJitter and image_recipe refused greyscale ("expects RGB").
    x = np.random.default_rng(1).uniform(0, 255, size=(6, 5, 5, 1)).astype("float32")
    out = to_numpy(augment.ColorJitter(saturation=0.9, hue=0.5, seed=0)(x))
    np.testing.assert_allclose(out, x, atol=1e-3)
    x = x * (60.0 / 255.0) + 70.0  # in [70, 130]: factors in [0.55, 1.45] clip nothing
    out = to_numpy(augment.ColorJitter(brightness=0.45, seed=1)(x))
    factor = out[:, 0, 0, 0] / x[:, 0, 0, 0]  # one factor per image
    np.testing.assert_allclose(out, x * factor[:, None, None, None], rtol=1e-5)
    assert factor.min() >= 0.55 - 1e-5 and factor.max() <= 1.45 + 1e-5 and factor.std() > 0.05
    out = to_numpy(augment.ColorJitter(contrast=0.45, seed=2)(x))
    mean = x.mean(axis=(1, 2, 3), keepdims=True)  # the image's own mean
    factor = ((out - mean) * (x - mean)).sum(axis=(1, 2, 3)) / ((x - mean) ** 2).sum(axis=(1, 2, 3))
    np.testing.assert_allclose(out, mean + factor[:, None, None, None] * (x - mean), atol=1e-3)
    assert factor.min() >= 0.55 - 1e-4 and factor.max() <= 1.45 + 1e-4 and factor.std() > 0.05
    recipe = augment.image_recipe(seed=0)
    assert to_numpy(recipe(x)).shape == x.shape


def test_transform_on_the_input_scale_equals_it_on_the_unit_scale():
    # Both layers transform in the input's own scale; the same transformation
    # on [0, 1] images, mapped back, must give the same images. Before, the
    # rotation filled its corners with 0 (grey for (-1, 1)), not black.
    x = np.random.default_rng(2).uniform(-1, 1, size=(8, 9, 9, 3)).astype("float32")
    unit = (x + 1.0) / 2.0
    for make in (lambda r: augment.ColorJitter(0.4, 0.4, 0.4, 0.2, value_range=r, seed=0),
                 lambda r: augment.RandomFlipRotation("horizontal_and_vertical", 40,
                                                      value_range=r, seed=0)):
        layer, unit_layer = make((-1, 1)), make((0, 1))
        t = layer.get_random_transformation({"images": ops.convert_to_tensor(x)})
        direct = to_numpy(layer.transform_images(ops.convert_to_tensor(x), t))
        on_unit = to_numpy(unit_layer.transform_images(ops.convert_to_tensor(unit), t))
        np.testing.assert_allclose(on_unit * 2.0 - 1.0, direct, atol=1e-5,
                                   err_msg=type(layer).__name__)
    assert np.isclose(direct, -1.0).any() and not np.isclose(direct, 0.0).any()  # black corners


def test_gaussian_noise_on_greyscale_keeps_shape_and_range():
    x = np.full((8, 6, 6, 1), 0.5, "float32")
    out = to_numpy(augment.GaussianNoise((0.1, 0.1), value_range=(0, 1), seed=0)(x))
    assert out.shape == x.shape and out.min() >= 0.0 and out.max() <= 1.0
    # sigma = 0.1 on 288 pixels: the sample std is 0.1 within a few percent.
    assert abs(out.std() - 0.1) < 5 * 0.1 / np.sqrt(2 * x.size)


@pytest.mark.slow
def test_gaussian_noise_strength_per_image_and_clipping():
    x = np.full((64, 32, 32, 3), 0.5, "float32")
    out = to_numpy(augment.GaussianNoise((0.0, 0.1), value_range=(0, 1), seed=0)(x))
    sd = (out - 0.5).reshape(64, -1).std(axis=1)
    assert sd.max() <= 0.1 * 1.1 and sd.min() < 0.03  # per-image sigma in [0, 0.1]
    assert out.min() >= 0 and out.max() <= 1


@pytest.mark.slow
@pytest.mark.parametrize("cls", [augment.TrivialAugment, augment.RandAugment])
def test_auto_augment_per_sample_shape_range(cls):
    x = np.repeat(_photos(1, 12), 16, axis=0)
    out = to_numpy(cls(seed=0)(x))
    assert out.shape == x.shape and out.min() >= 0 and out.max() <= 255 + 1e-3
    distinct = len({o.tobytes() for o in np.round(out, 3)})
    assert distinct >= 8  # identical inputs, per-sample operations


def test_image_layers_in_tf_data_and_inside_jit_fit(tmp_path):
    x = _photos(8, 8)
    y = np.arange(8) % 2
    aug = augment.SomeOf([augment.TrivialAugment(seed=1), augment.GaussianNoise(seed=2),
                          augment.ColorJitter(0.2, 0.2, 0.2, 0.05, seed=3)], n=2, seed=4)
    ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(4).map(lambda a, b: (aug(a), b))
    batches = [a.numpy() for a, _ in ds]
    assert batches[0].shape == (4, 8, 8, 3)
    model = keras.Sequential([keras.Input((8, 8, 3)), augment.image_recipe(seed=0),
                              augment.GaussianNoise(seed=5), keras.layers.Rescaling(1 / 255),
                              keras.layers.Flatten(), keras.layers.Dense(2)])
    model.compile("sgd", keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  jit_compile="auto")  # XLA on TensorFlow, jit on JAX
    history = model.fit(x, y, epochs=1, batch_size=4, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    loaded = save_and_load(model, tmp_path)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-5, atol=1e-5)


def test_affine_by_gather_matches_keras_affine_transform():
    # Keras's op is the reference: rotations about off-centre points and
    # translations, so that corners fall outside and read the fill value.
    rng = np.random.default_rng(3)
    x = rng.random((6, 9, 11, 2)).astype("float32")
    angles = ops.convert_to_tensor(rng.uniform(-40, 40, 6).astype("float32"))
    t = to_numpy(F.rotation_transform(angles, 9, 11)).copy()
    t[:, 2] += rng.uniform(-3, 3, 6)
    t[:, 5] += rng.uniform(-3, 3, 6)
    expected = to_numpy(ops.image.affine_transform(x, t, "bilinear", "constant", 0.5))
    got = to_numpy(_geometry.affine_by_gather(ops, ops.convert_to_tensor(x),
                                              ops.convert_to_tensor(t),
                                      fill_value=0.5))
    np.testing.assert_allclose(got, expected, atol=1e-5)


def test_affine_of_tensorflow_tensors_under_xla():
    # ImageProjectiveTransformV3 has no XLA kernel: under jit_compile the
    # gather runs, with the same output (any backend: TensorFlow tensors
    # take TensorFlow's ops).
    rng = np.random.default_rng(4)
    x = tf.constant(rng.random((3, 9, 11, 2)).astype("float32"))
    t = tf.constant(to_numpy(F.rotation_transform(np.array([10.0, -25.0, 40.0], "float32"), 9, 11)))
    plain = tf.function(F.affine)(x, t)
    xla = tf.function(F.affine, jit_compile=True)(x, t)
    np.testing.assert_allclose(to_numpy(xla), to_numpy(plain), atol=1e-5)
    # Traced for images of any size (as Keras's reduce_retracing may): the
    # gather takes the sizes as tensors.
    any_size = [tf.TensorSpec((None, None, None, 2)), tf.TensorSpec((None, 8))]
    xla = tf.function(F.affine, jit_compile=True, input_signature=any_size)(x, t)
    np.testing.assert_allclose(to_numpy(xla), to_numpy(plain), atol=1e-5)


def test_affine_by_gather_keeps_float16_and_samples_in_float32():
    # Columns alternating 0/1, shifted by 0.3 px: each output is 0.3 or 0.7.
    # float16 coordinates past x = 128 are multiples of 1/8, so u + 0.3 would
    # become u + 0.25 and the outputs 0.25/0.75 there.
    stripes = np.tile((np.arange(224) % 2).astype("float16")[None, None, :, None], (1, 2, 1, 1))
    t = np.array([[1, 0, 0.3, 0, 1, 0, 0, 0]], "float32")
    out = _geometry.affine_by_gather(ops, ops.convert_to_tensor(stripes), ops.convert_to_tensor(t))
    assert keras.backend.standardize_dtype(out.dtype) == "float16"
    x = stripes[0, 0, :, 0].astype("float64")
    expected = 0.7 * x[:-1] + 0.3 * x[1:]
    np.testing.assert_allclose(to_numpy(out)[0, 0, :-1, 0].astype("float64"), expected,
                               atol=2e-3)
