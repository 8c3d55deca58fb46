"""Automated augmentation policies: TrivialAugment and per-sample RandAugment.

Both pick operations from the same 14-operation space (the one of Müller &
Hutter 2021, also RandAugment's), per sample. Each operation runs on the whole
batch with per-sample magnitudes and every sample keeps the result of the
operation it drew, so a batch costs one call per operation in the space.
"""

import keras

from keras_reg import _validation
from keras_reg.augment._params import ops_for
from keras_reg.augment.image import functional as F
from keras_reg.augment.image._geometry import image_size
from keras_reg.augment.image._image_layer import ImageAugmentationLayer, from_unit, to_unit

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
ENHANCE = {"color": F.adjust_saturation, "contrast": F.adjust_contrast,
           "brightness": F.adjust_brightness, "sharpness": F.adjust_sharpness}


def _apply_operation(name, x, m, sign, space):
    """Operation ``name`` on images ``x`` in [0, 1], magnitudes ``m`` in
    [0, 1] and signs ±1, each (batch,)."""
    limits = SPACES[space]
    height, width = image_size(ops_for(x), x)
    unit = (0.0, 1.0)
    if name == "identity":
        return x
    if name in ("auto_contrast", "equalize"):
        return getattr(F, name)(x, value_range=unit)
    if name == "solarize":
        return F.solarize(x, 1.0 - m, value_range=unit)
    if name == "posterize":
        return F.posterize(x, 8.0 - ops_for(x).round(limits["posterize_bits"] * m), unit)
    if name in ENHANCE:
        return ENHANCE[name](x, 1.0 + sign * limits["enhance"] * m, value_range=unit)
    if name == "rotate":
        return F.affine(x, F.rotation_transform(sign * limits["rotate"] * m, height, width))
    if name.startswith("shear"):
        shear = sign * limits["shear"] * m
        return F.affine(x, F.shear_transform(shear, height, width, name[-1]))
    size = width if name == "translate_x" else height
    max_px = limits.get("translate_px", limits.get("translate_frac", 0.0) * size)
    # Whole pixels, truncated toward zero as torchvision's int(magnitude): a
    # shifted copy, not a bilinear blur.
    pixels = sign * ops_for(x).floor(max_px * m)
    return F.affine(x, F.translate_transform(pixels, name[-1]))


class _AutoAugment(ImageAugmentationLayer):
    """Each round applies to each image one operation drawn uniformly from
    the space. The transformation: ``{"operation": (batch, rounds) indices
    into OPERATIONS, "magnitude": (batch, rounds) in [0, 1], "sign":
    (batch, rounds) ±1}``."""

    space = "wide"

    def _draw_round(self, data, seed):
        n = self.ops.shape(data["images"])[0]
        operation = self.randint((n,), 0, len(OPERATIONS), seed=seed)
        sign = self.ops.where(self.per_image(data, 0.0, 1.0, seed) < 0.5, -1.0, 1.0)
        return operation, sign

    def _transformation(self, operations, magnitudes, signs):
        stack = self.ops.stack
        return {"operation": stack(operations, axis=1), "magnitude": stack(magnitudes, axis=1),
                "sign": stack(signs, axis=1)}

    def transform_images(self, images, transformation, training=True):
        ops = self.ops
        x = to_unit(images, self.value_range)
        rounds = transformation["operation"].shape[1]
        for r in range(rounds):
            operation = transformation["operation"][:, r]
            m = ops.cast(transformation["magnitude"][:, r], x.dtype)
            sign = ops.cast(transformation["sign"][:, r], x.dtype)
            chosen = ops.reshape(operation, (-1, 1, 1, 1))
            # Every operation runs on the whole batch; each image keeps the
            # result of the one it drew (one vectorized call per operation).
            out = x
            for k, name in enumerate(OPERATIONS):
                if name != "identity":
                    result = _apply_operation(name, x, m, sign, self.space)
                    out = ops.where(chosen == k, result, out)
            x = out
        return from_unit(x, self.value_range)


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
        value_range: (low, high) of the input pixels; the operations work
            on [0, 1] and the result is mapped back.
        seed: int seed of the layer's ``keras.random.SeedGenerator``.

    Call arguments:
        data: images (batch, h, w, 1 or 3) or one image, or a dict
            ``{"images": ..., "labels": ...}``; labels pass through.
        training: one operation per image when true, none when false.

    Example:

    ```python
    aug = keras_reg.augment.TrivialAugment(value_range=(0, 255), seed=0)
    ```

    Reference: Müller & Hutter, "TrivialAugment: Tuning-free Yet
    State-of-the-Art Data Augmentation", ICCV 2021.
    """

    def get_random_transformation(self, data, training=True, seed=None):
        n = self.ops.shape(data["images"])[0]
        magnitude = self.ops.cast(self.randint((n,), 0, 31, seed=seed), "float32") / 30.0
        operation, sign = self._draw_round(data, seed)
        return self._transformation([operation], [magnitude], [sign])


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
        seed: int seed of the layer's ``keras.random.SeedGenerator``, which
            draws the operations (the magnitude is fixed).

    Call arguments:
        data: a batch (batch, h, w, 1 or 3), one image (h, w, 1 or 3) or
            ``{"images": ..., "labels": ...}``, whose labels are kept.
        training: apply the ``num_ops`` rounds only when true.

    Example:

    ```python
    aug = keras_reg.augment.RandAugment(num_ops=2, magnitude=9, seed=0)
    ```

    Reference: Cubuk et al., "RandAugment: Practical automated data
    augmentation with a reduced search space", CVPR Workshops 2020.
    """

    space = "standard"

    def __init__(self, num_ops: int = 2, magnitude: float = 9,
                 value_range: tuple[float, float] = (0, 255),
                 seed: int | None = None, **kwargs):
        super().__init__(value_range=value_range, seed=seed, **kwargs)
        self.num_ops = _validation.check_positive_int(num_ops, "num_ops")
        self.magnitude = _validation.check_finite(magnitude, "magnitude", low=0.0, high=30.0)

    def get_random_transformation(self, data, training=True, seed=None):
        n = self.ops.shape(data["images"])[0]
        magnitude = self.ops.full((n,), self.magnitude / 30.0, "float32")
        rounds = [self._draw_round(data, seed) for _ in range(self.num_ops)]
        operations, signs = zip(*rounds)
        return self._transformation(operations, [magnitude] * self.num_ops, signs)

    def get_config(self):
        config = super().get_config()
        config.update({"num_ops": self.num_ops, "magnitude": self.magnitude})
        return config
