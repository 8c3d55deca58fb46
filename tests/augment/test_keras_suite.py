"""Keras's own tests of its MixUp, CutMix, RandomErasing and AugMix, run on
keras_reg's layers.

The Keras wheel ships ``keras/src/layers/preprocessing/image_preprocessing/
{mix_up,cut_mix,random_erasing,aug_mix}_test.py``; each refers to the layer
under test as ``layers.<Name>``. The harness (tests/keras_suite.py) answers
that name with an adapter: a subclass of keras_reg's layer taking Keras's
constructor arguments, mapped where the law is the same, and refused where
it is not (so a method passing one would fail, not silently differ):

- ``MixUp(alpha)`` -> ``MixUp(alpha, mode="elem")``: one λ ~ Beta(α, α) per
  image, as Keras draws. ``CutMix(factor)`` -> ``CutMix(alpha=factor)``.
  Called on images alone (Keras's mixers mix images without labels), the
  adapter gives keras_reg's mixer class ids of one class and returns the
  mixed images: the images' mix is the layer's own.
- ``RandomErasing(factor, scale, fill_value)``: Keras erases an image with
  probability ``p ~ U[factor]`` drawn per image, which is a Bernoulli of the
  range's mean, so ``probability`` = that mean; ``scale`` is the same area
  range; ``fill_value=None`` is Keras's ``N(0, 1)·high`` per pixel, i.e.
  ``fill_mode="pixel", fill_value=0, fill_std=high``.
- ``AugMix(num_chains, chain_depth, factor)`` -> ``width``, ``depth``,
  ``severity = 10·factor``; ``interpolation`` other than bilinear is refused.
- ``data_format`` other than channels last is refused (keras_reg's image
  layers are channels last).

Every method runs on Keras's class too, as the control that the harness
changes nothing. Methods testing what keras_reg does differently are listed
in ``DIFFERENCES`` with the reason, each written in docs/keras_differences.md
("Augmentation", "Keras's image test modules"); Keras's exact message
wording is relaxed to the exception class. Keras 3.8, the oldest supported,
does not ship these modules (nor, before 3.9, the layers).
"""

import importlib
import unittest

import keras
import pytest

from keras_reg import augment
from keras_reg.augment._params import ops_for
from tests._tensorflow import require_tensorflow
from tests.keras_suite import (  # noqa: F401  (the fixture)
    Substituted,
    restore_traceback_filtering,
    run_methods,
    skipped_by_keras,
)

require_tensorflow()  # Keras's test modules import it

PACKAGE = "keras.src.layers.preprocessing.image_preprocessing"


def _import_suite(name):
    try:
        return importlib.import_module(f"{PACKAGE}.{name}")
    except ModuleNotFoundError:
        return None


def _channels_last(data_format):
    if data_format not in (None, "channels_last"):
        raise ValueError(f"keras_reg's image layers are channels last. "
                         f"Received: data_format={data_format!r}.")


def _keras_range(factor):
    """Keras's ``_set_factor`` for [0, 1]: a number f is the range [0, f]."""
    return tuple(sorted(factor)) if isinstance(factor, (list, tuple)) else (0.0, float(factor))


class _ImagesOnly:
    """Mixers called on images alone: class ids of one class go with them
    and the mixed images come back."""

    def __call__(self, data, *args, **kwargs):
        if isinstance(data, dict):
            return super().__call__(data, *args, **kwargs)
        ops = ops_for(data)
        images = ops.convert_to_tensor(data)
        labels = ops.cast(ops.zeros_like(images[:, 0, 0, 0]), "int32")
        out = super().__call__({"images": images, "labels": labels}, *args, **kwargs)
        return out["images"]

    def compute_output_spec(self, data, *args, **kwargs):
        if isinstance(data, dict):
            return super().compute_output_spec(data, *args, **kwargs)
        return keras.KerasTensor(data.shape, dtype=self.compute_dtype)


@keras.saving.register_keras_serializable(package="keras_reg_tests")
class KerasMixUp(_ImagesOnly, augment.MixUp):
    def __init__(self, alpha=0.2, data_format=None, **kwargs):
        _channels_last(data_format)
        kwargs.setdefault("mode", "elem")
        kwargs.setdefault("num_classes", 1)
        super().__init__(alpha=alpha, **kwargs)


@keras.saving.register_keras_serializable(package="keras_reg_tests")
class KerasCutMix(_ImagesOnly, augment.CutMix):
    def __init__(self, factor=1.0, data_format=None, **kwargs):
        _channels_last(data_format)
        kwargs.setdefault("num_classes", 1)
        super().__init__(alpha=kwargs.pop("alpha", factor), **kwargs)


@keras.saving.register_keras_serializable(package="keras_reg_tests")
class KerasRandomErasing(augment.RandomErasing):
    def __init__(self, factor=1.0, scale=(0.02, 0.33), fill_value=None,
                 value_range=(0, 255), data_format=None, **kwargs):
        _channels_last(data_format)
        if "probability" not in kwargs:  # Keras's arguments (not a reload)
            kwargs["probability"] = sum(_keras_range(factor)) / 2
            scale = _keras_range(scale)
            if fill_value is None:
                kwargs.update(fill_mode="pixel", fill_std=float(value_range[1]))
                fill_value = 0.0
        super().__init__(scale=scale, fill_value=fill_value, value_range=value_range,
                         **kwargs)


@keras.saving.register_keras_serializable(package="keras_reg_tests")
class KerasAugMix(augment.AugMix):
    def __init__(self, value_range=(0, 255), num_chains=3, chain_depth=3, factor=0.3,
                 interpolation="bilinear", data_format=None, **kwargs):
        _channels_last(data_format)
        if interpolation != "bilinear":
            raise ValueError(f"keras_reg's AugMix resamples bilinearly. "
                             f"Received: interpolation={interpolation!r}.")
        kwargs.setdefault("width", num_chains)
        kwargs.setdefault("depth", chain_depth)
        kwargs.setdefault("severity", 10.0 * _keras_range(factor)[1])
        super().__init__(value_range=value_range, **kwargs)


# Keras test module -> (the name it tests, keras_reg's adapter).
SUITES = {
    "mix_up_test": ("MixUp", KerasMixUp),
    "cut_mix_test": ("CutMix", KerasCutMix),
    "random_erasing_test": ("RandomErasing", KerasRandomErasing),
    "aug_mix_test": ("AugMix", KerasAugMix),
}
_TRANSFORMATION = ("calls transform_images with Keras's transformation dictionary "
                   "({names}); keras_reg's layers draw and read their own")
_BOXES = "bounding boxes: keras_reg's mixers carry images and labels only"
_ZERO_AREA = ("a number `scale` is Keras's area range [0, scale]; keras_reg's RandomErasing "
              "refuses an area range starting at 0 (boxes of no area)")
_UNBATCHED = ("one image without a batch axis: keras_reg's mixers refuse it (there is no "
              "partner to mix with), in inference too")
DIFFERENCES = {
    "mix_up_test.MixUpTest.test_mix_up_basic_functionality":
        _TRANSFORMATION.format(names="mix_weight, permutation_order"),
    "mix_up_test.MixUpTest.test_mix_up_basic_functionality_channel_first":
        _TRANSFORMATION.format(names="mix_weight, permutation_order"),
    "mix_up_test.MixUpTest.test_mix_up_inference": _UNBATCHED,
    "mix_up_test.MixUpTest.test_mix_up_bounding_boxes": _BOXES,
    "mix_up_test.MixUpTest.test_mix_up_tf_data_bounding_boxes": _BOXES,
    "cut_mix_test.CutMixTest.test_cut_mix_inference": _UNBATCHED,
    "cut_mix_test.CutMixTest.test_cut_mix_basic":
        _TRANSFORMATION.format(names="batch_masks, mix_weight, permutation_order"),
    "random_erasing_test.RandomErasingTest.test_random_erasing_basic":
        _TRANSFORMATION.format(names="apply_erasing, batch_masks, fill_value"),
    "random_erasing_test.RandomErasingTest.test_layer": _ZERO_AREA,
    "random_erasing_test.RandomErasingTest.test_random_erasing_no_op": _ZERO_AREA,
    "aug_mix_test.RandAugmentTest.test_layer":
        "interpolation='nearest' is not offered (AugMix resamples bilinearly)",
}


MODULES = [name for name in SUITES if _import_suite(name) is not None]
if not MODULES:
    pytest.skip(f"keras {keras.__version__} does not ship these test modules (module absent "
                "in that Keras)", allow_module_level=True)


# Nothing is left out on JAX for its cost any more: the eleven-chain case of
# aug_mix_test took ~2 min of eager JAX when every chain step was unrolled; one
# traced switch per image takes seconds.
JAX_COST = set()


def _left_out(key, implementation):
    return implementation == "keras_reg" and (
        key in DIFFERENCES or (keras.backend.backend() == "jax" and key in JAX_COST))


def _methods(module, implementation):
    return [
        (test_class, method)
        for test_class in vars(module).values()
        if isinstance(test_class, type) and issubclass(test_class, unittest.TestCase)
        for method in unittest.TestLoader().getTestCaseNames(test_class)
        if not skipped_by_keras(test_class, method)
        and not _left_out(f"{module.__name__.rsplit('.', 1)[1]}.{test_class.__name__}.{method}",
                          implementation)
    ]


# The control run on Keras's own class, for every module but AugMix's: its
# eager 11-chain test costs ~90 s on JAX per run, and the control adds nothing
# the keras_reg run does not (Keras's CI runs it on Keras's class).
RUNS = [(m, "keras_reg") for m in MODULES] + [(m, "keras") for m in MODULES
                                               if m != "aug_mix_test"]


@pytest.mark.slow  # run_layer_test fits a model per layer
@pytest.mark.usefixtures("restore_traceback_filtering")
@pytest.mark.parametrize("module_name, implementation", RUNS)
def test_keras_suite(module_name, implementation, monkeypatch):
    module = _import_suite(module_name)
    if implementation == "keras_reg":
        name, adapter = SUITES[module_name]
        monkeypatch.setattr(module, "layers", Substituted(module.layers, {name: adapter}))
    methods = _methods(module, implementation)
    result = run_methods(methods)
    assert result.testsRun == len(methods) > 0


def test_every_listed_difference_is_a_keras_test():
    for key in DIFFERENCES:
        module_name, class_name, method = key.split(".")
        module = _import_suite(module_name)
        if module is not None:
            assert hasattr(getattr(module, class_name), method), key
