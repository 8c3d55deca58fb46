"""Automated augmentation policies: TrivialAugment and per-sample RandAugment.

Both pick operations from the same 14-operation space (the one of Müller &
Hutter 2021, also RandAugment's), per sample. Each operation runs on the whole
batch with per-sample magnitudes and every sample keeps the result of the
operation it drew, so a batch costs one call per operation in the space.
"""

import keras

from keras_reg import _validation
from keras_reg.augment.image import _functional as F
from keras_reg.augment.image._image_layer import ImageAugmentationLayer

OPERATIONS = (
    "identity", "auto_contrast", "equalize", "rotate", "solarize", "color", "posterize",
    "contrast", "brightness", "sharpness", "shear_x", "shear_y", "translate_x", "translate_y",
)

# Magnitude at m = 1 (the top bin). "wide": TrivialAugment's wide space;
# "standard": RandAugment's (translate is a fraction of the image size there,
# 150/331 as in torchvision, absolute 32 px in the wide space).
SPACES = {
    "wide": {"rotate": 135.0, "shear": 0.99, "translate_px": 32.0, "enhance": 0.99,
             "posterize_bits": 6.0},
    "standard": {"rotate": 30.0, "shear": 0.3, "translate_frac": 150.0 / 331.0,
                 "enhance": 0.9, "posterize_bits": 4.0},
}


def apply_operation(ops, name, x, m, sign, space):
    """Operation ``name`` with magnitudes ``m`` in [0, 1] and signs ±1, (n,1,1,1)."""
    limits = SPACES[space]
    height, width = F.image_size(ops, x)
    flat_m, flat_sign = ops.reshape(m, (-1,)), ops.reshape(sign, (-1,))
    if name == "identity":
        return x
    if name == "auto_contrast":
        return F.auto_contrast(ops, x)
    if name == "equalize":
        return F.equalize(ops, x)
    if name == "solarize":
        return F.solarize(ops, x, 1.0 - m)
    if name == "posterize":
        return F.posterize(ops, x, 8.0 - ops.round(limits["posterize_bits"] * m))
    if name in ("color", "contrast", "brightness", "sharpness"):
        factor = 1.0 + sign * limits["enhance"] * m
        fn = {"color": F.saturation, "contrast": F.contrast,
              "brightness": F.brightness, "sharpness": F.sharpness}[name]
        return fn(ops, x, factor)
    if name == "rotate":
        degrees = flat_sign * limits["rotate"] * flat_m
        return F.affine(ops, x, F.rotation_transform(ops, degrees, height, width))
    if name.startswith("shear"):
        shear = flat_sign * limits["shear"] * flat_m
        return F.affine(ops, x, F.shear_transform(ops, shear, height, width, name[-1]))
    size = width if name == "translate_x" else height
    max_px = limits.get("translate_px", limits.get("translate_frac", 0.0) * size)
    # Whole pixels, truncated toward zero as torchvision's int(magnitude): a
    # shifted copy, not a bilinear blur.
    pixels = flat_sign * ops.floor(max_px * flat_m)
    return F.affine(ops, x, F.translate_transform(ops, pixels, name[-1]))


class _AutoAugment(ImageAugmentationLayer):
    space = "wide"

    def _one_op_per_sample(self, x, m):
        """Each sample applies one operation drawn uniformly from the space."""
        ops, n = self.ops, self.ops.shape(x)[0]
        choice = self.randint((n, 1, 1, 1), 0, len(OPERATIONS))
        sign = ops.where(self.per_sample(x, 0.0, 1.0) < 0.5, -1.0, 1.0)
        out = x
        for k, name in enumerate(OPERATIONS):
            if name == "identity":
                continue
            out = ops.where(choice == k, apply_operation(ops, name, x, m, sign, self.space), out)
        return out


@keras.saving.register_keras_serializable(package="keras_reg")
class TrivialAugment(_AutoAugment):
    """TrivialAugment (wide): per image, one operation drawn uniformly from 14
    and one magnitude bin drawn uniformly from 31 (``m = bin / 30`` of the
    operation's maximum; signed operations get a random sign).

    Operations and maxima (wide space): identity, auto_contrast, equalize,
    rotate ±135°, solarize (threshold 1 - m), color/contrast/brightness/
    sharpness (factor 1 ± 0.99 m), posterize (8 - round(6 m) bits), shear x/y
    ±0.99, translate x/y ±32 px. The operations and magnitude tables are
    torchvision's ``TrivialAugmentWide`` (the tests hold each against it);
    geometric operations resample bilinearly (torchvision's default is
    nearest) and fill with black, shears are about the image centre
    (torchvision's about the top-left corner) and translations are whole
    pixels, truncated toward zero as torchvision's. Images are greyscale or
    RGB.

    Args:
        value_range: (low, high) of the input pixels.
        seed: int seed of the layer's ``keras.random.SeedGenerator``.

    Example:

    >>> aug = keras_reg.augment.TrivialAugment(value_range=(0, 255), seed=0)

    Reference: Müller & Hutter, "TrivialAugment: Tuning-free Yet
    State-of-the-Art Data Augmentation", ICCV 2021.
    """

    def augment_unit(self, x):
        bins = self.randint((self.ops.shape(x)[0], 1, 1, 1), 0, 31)
        return self._one_op_per_sample(x, self.ops.cast(bins, x.dtype) / 30.0)


@keras.saving.register_keras_serializable(package="keras_reg")
class RandAugment(_AutoAugment):
    """RandAugment with the operations chosen **per image** (Keras's
    ``RandAugment`` picks them once per batch): ``num_ops`` rounds, each
    applying to every image an operation drawn uniformly (with replacement)
    from the 14, at the fixed magnitude ``magnitude / 30`` of each maximum
    (standard space: rotate ±30°, shear ±0.3, translate ±45 % of the size,
    enhance factors 1 ± 0.9 m, posterize 8 - round(4 m) bits, solarize 1 - m),
    torchvision's ``RandAugment`` table; geometry as in ``TrivialAugment``.

    Args:
        num_ops: operations per image, ``N >= 1``.
        magnitude: ``M`` in [0, 30] (31 bins, as torchvision).
        value_range: (low, high) of the input pixels.
        seed: int seed of the layer's ``keras.random.SeedGenerator``.

    Example:

    >>> aug = keras_reg.augment.RandAugment(num_ops=2, magnitude=9, seed=0)

    Reference: Cubuk et al., "RandAugment: Practical automated data
    augmentation with a reduced search space", CVPR Workshops 2020.
    """

    space = "standard"

    def __init__(self, num_ops=2, magnitude=9, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(value_range=value_range, seed=seed, **kwargs)
        self.num_ops = _validation.check_positive_int(num_ops, "num_ops")
        self.magnitude = _validation.check_finite(magnitude, "magnitude", low=0.0, high=30.0)

    def augment_unit(self, x):
        m = self.ops.full((self.ops.shape(x)[0], 1, 1, 1), self.magnitude / 30.0, x.dtype)
        for _ in range(self.num_ops):
            x = self._one_op_per_sample(x, m)
        return x

    def get_config(self):
        config = super().get_config()
        config.update({"num_ops": self.num_ops, "magnitude": self.magnitude})
        return config
