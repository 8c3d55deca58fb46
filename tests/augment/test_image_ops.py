"""Every image operation against ``torchvision.transforms.v2.functional``.

Images: scikit-learn's two sample photos, box-downscaled to 32x32 with PIL,
so every pixel is a multiple of 1/255 and the 8-bit operations (posterize,
equalize) see exactly the levels torchvision's uint8 kernels see; plus the
greyscale (luma) version of each.

Each tolerance comes from what differs between the two implementations:

* ``EXACT``: the same formula in float32; only the order of float operations
  differs (a few ulp of values <= 1).
* ``LUMA``: torchvision's luma weights are (0.2989, 0.587, 0.114), keras_reg's
  PIL's (0.299, 0.587, 0.114), ITU-R 601-2. The luma differs by at most
  0.0001 · R <= 1e-4, and a blend with factor f moves that by |1 - f| <= 1.
* ``HSV``: torchvision converts to HSV and back, keras_reg rotates the hue
  in closed form: float32 rounding of a few divisions and products of values
  <= 1, a few ulp (1.2e-7) each.
* ``GEOMETRY``: torchvision normalizes sampling coordinates to [-1, 1] and
  back (``grid_sample``); float32 rounding of coordinates up to 46 px (the
  image's diagonal) is a few ulp, <= 1e-5 px, and a value moves by at most
  that times the largest step between neighbouring pixels (1).
"""

import math

import numpy as np
import pytest

from keras_reg import augment
from keras_reg.augment.image import _color
from keras_reg.augment.image import functional as F
from keras_reg.augment.image.auto_augment import OPERATIONS
from tests.augment._backend import compiled
from tests.helpers import to_numpy, torchvision_functional

pytestmark = pytest.mark.slow  # torch, torchvision and scikit-learn's photos

# The backend ops the layers use (``keras.ops`` has TensorFlow's native
# affine transform under ``keras.ops.image``).
ops = augment.ColorJitter().ops
UNIT = (0, 1)  # the photos' value range
EXACT, LUMA, HSV, GEOMETRY = 1e-6, 1e-4 + 1e-6, 2e-6, 1e-5
SIZE = 32


def _photos():
    """(4, 32, 32, 3) in [0, 1]: two photos, then their greyscale versions as RGB."""
    from PIL import Image
    from sklearn.datasets import load_sample_images

    small = [np.asarray(Image.fromarray(p).resize((SIZE, SIZE), Image.BOX))
             for p in load_sample_images().images]
    grey = [np.asarray(Image.fromarray(p).convert("L").convert("RGB")) for p in small]
    return (np.stack(small + grey) / 255.0).astype("float32")


def _torch(x, uint8=False):
    import torch

    t = torch.from_numpy(np.ascontiguousarray(np.transpose(x, (0, 3, 1, 2))))
    return t.mul(255).round().to(torch.uint8) if uint8 else t


def _numpy(t):
    import torch

    out = t.to(torch.float32) / 255.0 if t.dtype == torch.uint8 else t
    return np.transpose(out.numpy(), (0, 2, 3, 1))


def _t(x):
    return ops.convert_to_tensor(x)


def _run(op, *args, **kwargs):
    """``op(*args, **kwargs)`` as NumPy, compiled where that is faster (JAX)."""
    return to_numpy(compiled(lambda *a: op(*a, **kwargs))(*(_t(a) for a in args)))


def _each(tvf_op, x, params, uint8=False):
    """torchvision's op on each image with its own parameter."""
    return np.concatenate([_numpy(tvf_op(_torch(x[i:i + 1], uint8), p))
                           for i, p in enumerate(params)])


@pytest.fixture(scope="module")
def photos():
    return _photos()


@pytest.fixture(scope="module")
def tvf():
    return torchvision_functional()


# --- colour operations ---------------------------------------------------------------
FACTORS = [0.0, 0.35, 1.6, 2.0]


def test_grayscale(photos, tvf):
    want = _numpy(tvf.rgb_to_grayscale(_torch(photos)))
    luma = lambda x: _color.luma(ops, x)  # noqa: E731
    np.testing.assert_allclose(_run(luma, photos), want, atol=LUMA)
    grey = photos[..., :1]  # one channel: its own luma
    np.testing.assert_array_equal(_run(luma, grey), grey)


ENHANCE = [("adjust_brightness", EXACT), ("adjust_contrast", LUMA),
           ("adjust_saturation", LUMA), ("adjust_sharpness", EXACT)]


def test_enhance_operations(photos, tvf):
    # One channel: torchvision takes the image's own mean for contrast and
    # leaves saturation alone, as PIL.
    for channels in (3, 1):
        x = photos[..., :channels]
        for name, tol in ENHANCE:  # the same names in both
            got = _run(getattr(F, name), x, np.float32(FACTORS), value_range=UNIT)
            np.testing.assert_allclose(got, _each(getattr(tvf, name), x, FACTORS), atol=tol,
                                       err_msg=f"{name}, {channels} channel(s)")


def test_sharpness_keeps_the_border(photos):
    # The defect this pins: a zero-padded filter darkened every border pixel.
    got = _run(F.adjust_sharpness, photos, np.float32([2.0] * len(photos)), value_range=UNIT)
    border = np.ones((SIZE, SIZE), bool)
    border[1:-1, 1:-1] = False
    np.testing.assert_allclose(got[:, border], photos[:, border], atol=EXACT)


def test_sharpness_of_thin_images(photos, tvf):
    # A side of 1 or 2 pixels has no interior: the image comes back as it is
    # (torchvision's rule), with its own shape (a 1-pixel side became 2).
    for height, width in ((1, 1), (1, 5), (2, 7), (6, 2)):
        x = photos[:, :height, :width]
        got = _run(F.adjust_sharpness, x, np.float32(FACTORS), value_range=UNIT)
        assert got.shape == x.shape
        np.testing.assert_allclose(got, _each(tvf.adjust_sharpness, x, FACTORS), atol=EXACT)


def test_hue(photos, tvf):
    shifts = [0.5, -0.2, 0.1, -0.5]
    for channels in (3, 1):  # one channel: no hue, unchanged in both
        x = photos[..., :channels]
        got = _run(F.adjust_hue, x, np.float32(shifts))
        np.testing.assert_allclose(got, _each(tvf.adjust_hue, x, shifts), atol=HSV)


def test_solarize_and_autocontrast(photos, tvf):
    thresholds = [0.0, 0.3, 0.7, 1.0]
    got = _run(F.solarize, photos, np.float32(thresholds), value_range=UNIT)
    np.testing.assert_allclose(got, _each(tvf.solarize, photos, thresholds), atol=EXACT)
    got = _run(F.auto_contrast, photos, value_range=UNIT)
    np.testing.assert_allclose(got, _numpy(tvf.autocontrast(_torch(photos))), atol=EXACT)


def test_posterize_and_equalize_on_8_bit_levels(photos, tvf):
    # PIL's (and torchvision's uint8 kernels') definitions; torchvision's
    # float posterize rounds to multiples of 1/2^bits instead of 2^(8-bits)/255.
    bits = [1, 3, 6, 8]
    got = _run(F.posterize, photos, np.float32(bits), value_range=UNIT)
    np.testing.assert_allclose(got, _each(tvf.posterize, photos, bits, uint8=True), atol=EXACT)
    want = _numpy(tvf.equalize(_torch(photos, uint8=True)))
    np.testing.assert_allclose(_run(F.equalize, photos, value_range=UNIT), want, atol=EXACT)
    # A channel with one level (step 0) is left as it is, in both.
    flat = np.full((1, 8, 8, 3), 0.5, "float32")
    np.testing.assert_array_equal(_run(F.equalize, flat, value_range=UNIT), flat)


# --- geometry -----------------------------------------------------------------------
def _affine(x, transform):
    return _run(F.affine, x, np.asarray(transform, "float32"))


def test_rotation_matches_torchvision_rotate(photos, tvf):
    # Both rotate about the centre ((w - 1) / 2, (h - 1) / 2) and sample
    # bilinearly with zero padding; a positive angle is counter-clockwise in
    # both. (torchvision's fill=None; with fill=0 it also multiplies the
    # pixels that straddle the edge by their in-image weight.)
    angles = [30.0, -135.0, 90.0, 7.5]
    t = F.rotation_transform(ops.convert_to_tensor(np.float32(angles)), SIZE, SIZE)
    want = _each(lambda img, a: tvf.rotate(img, a, interpolation=tvf.InterpolationMode.BILINEAR),
                 photos, angles)
    np.testing.assert_allclose(_affine(photos, to_numpy(t)), want, atol=GEOMETRY)


def _tv_shear(tvf, image, shear, axis):
    """torchvision's affine shear by angle atan(shear), about the centre."""
    angle = math.degrees(math.atan(shear))
    return tvf.affine(image, angle=0.0, translate=[0, 0], scale=1.0,
                      shear=[angle, 0.0] if axis == "x" else [0.0, angle],
                      interpolation=tvf.InterpolationMode.BILINEAR)


def test_shear_matches_torchvision_affine_about_the_centre(photos, tvf):
    # keras_reg's shear s is torchvision's shear angle atan(s) (in degrees)
    # about the image centre: input x = u + s (v - cy) for axis x.
    shears = [0.99, -0.3, 0.5, -0.99]
    for axis in ("x", "y"):
        t = F.shear_transform(ops.convert_to_tensor(np.float32(shears)), SIZE, SIZE, axis)
        want = _each(lambda img, s, a=axis: _tv_shear(tvf, img, s, a), photos, shears)
        np.testing.assert_allclose(_affine(photos, to_numpy(t)), want, atol=GEOMETRY)


def test_translation_matches_torchvision_affine(photos, tvf):
    pixels = [3.0, -7.0, 0.5, -12.25]  # fractional too: bilinear in both
    for axis in ("x", "y"):
        t = F.translate_transform(ops.convert_to_tensor(np.float32(pixels)), axis)

        def moved(img, p, axis=axis):
            return tvf.affine(img, angle=0.0, translate=[p, 0.0] if axis == "x" else [0.0, p],
                              scale=1.0, shear=[0.0, 0.0],
                              interpolation=tvf.InterpolationMode.BILINEAR)

        np.testing.assert_allclose(_affine(photos, to_numpy(t)), _each(moved, photos, pixels),
                                   atol=GEOMETRY)


# --- the 14 operations of TrivialAugment and RandAugment ----------------------------
TORCHVISION_NAMES = {
    "identity": "Identity", "auto_contrast": "AutoContrast", "equalize": "Equalize",
    "rotate": "Rotate", "solarize": "Solarize", "color": "Color", "posterize": "Posterize",
    "contrast": "Contrast", "brightness": "Brightness", "sharpness": "Sharpness",
    "shear_x": "ShearX", "shear_y": "ShearY", "translate_x": "TranslateX",
    "translate_y": "TranslateY",
}
TOLERANCES = {"color": LUMA, "contrast": LUMA, "rotate": GEOMETRY, "shear_x": GEOMETRY,
              "shear_y": GEOMETRY, "translate_x": GEOMETRY, "translate_y": GEOMETRY}
BINS = (0, 7, 15, 22, 30)


@pytest.mark.parametrize("layer, policy", [(augment.TrivialAugment, "TrivialAugmentWide"),
                                           (augment.RandAugment, "RandAugment")])
def test_operations_match_torchvision_policy(photos, tvf, layer, policy):
    """Each operation of the layer, replayed through ``transform_images`` with
    a chosen transformation, against torchvision's own implementation of the
    policy: its magnitude table (31 bins) and its ``_apply_image_or_video_transform``,
    bilinear (torchvision's default is nearest). One deliberate difference:
    keras_reg shears about the image centre, torchvision about the top-left
    corner (after TensorFlow's AutoAugment code), which at shear 0.99 pushes
    the bottom rows of a 32-pixel image 31 pixels sideways; so shears are held
    against torchvision's affine about the centre, with its parametrization."""
    import torchvision.transforms.v2 as v2

    augmenter = getattr(v2, policy)(interpolation=v2.InterpolationMode.BILINEAR)
    aug = layer(value_range=UNIT)
    # Every (operation, image, bin, sign) in one batch: one call of the layer's
    # transform (each call runs every operation on the whole batch).
    cases = []
    for name in OPERATIONS:
        signed = augmenter._AUGMENTATION_SPACE[TORCHVISION_NAMES[name]][1]
        cases += [(name, i, b, s) for i in range(len(photos)) for b in BINS
                  for s in ((1, -1) if signed else (1,))]
    x = photos[[i for _, i, _, _ in cases]]
    transformation = {  # one round: (batch, 1) each
        "operation": np.int32([[OPERATIONS.index(name)] for name, _, _, _ in cases]),
        "magnitude": np.float32([[b / 30.0] for _, _, b, _ in cases]),
        "sign": np.float32([[s] for _, _, _, s in cases]),
    }
    keys = tuple(transformation)
    replay = compiled(lambda x, *t: aug.transform_images(x, dict(zip(keys, t))))
    got = to_numpy(replay(_t(x), *(_t(v) for v in transformation.values())))
    for k, (name, _, b, s) in enumerate(cases):
        tv_name = TORCHVISION_NAMES[name]
        magnitudes = augmenter._AUGMENTATION_SPACE[tv_name][0](31, SIZE, SIZE)
        magnitude = 0.0 if magnitudes is None else float(magnitudes[b]) * s
        if name.startswith("translate"):
            # torchvision's float32 linspace puts bin 15 of 0..32 px at
            # 15.999999, which int() truncates to 15; the table is linear,
            # so its exact value is the last entry times b / 30 (16 px).
            magnitude = float(magnitudes[-1]) * b / 30 * s
        image = _torch(x[k:k + 1], uint8=name in ("posterize", "equalize"))
        if name.startswith("shear"):
            want = _tv_shear(tvf, image, magnitude, name[-1])
        else:
            want = augmenter._apply_image_or_video_transform(
                image, tv_name, magnitude, interpolation=augmenter.interpolation,
                fill=augmenter._fill)
        np.testing.assert_allclose(got[k], _numpy(want)[0], atol=TOLERANCES.get(name, EXACT),
                                   err_msg=f"{name} bin {b} sign {s}")
