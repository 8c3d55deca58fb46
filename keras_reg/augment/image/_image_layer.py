"""Shared plumbing of keras_reg's image augmentation layers."""

import keras

from keras_reg import _validation
from keras_reg.augment._base import AugmentationLayer
from keras_reg.augment.image import _functional as F


def check_value_range(value_range):
    ok = (
        isinstance(value_range, (list, tuple))
        and len(value_range) == 2
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value_range)
        and value_range[0] < value_range[1]
    )
    if not ok:
        raise ValueError(
            "Argument `value_range` must be a pair (low, high) of numbers with low < high. "
            f"Received: value_range={value_range!r}."
        )
    return tuple(float(v) for v in value_range)


def check_magnitude(value, name, upper=None):
    """``None`` -> 0; negative or above ``upper`` -> ValueError naming ``name``."""
    if value is None:
        return 0.0
    value = _validation.check_non_negative(value, name)
    if upper is not None and value > upper:
        raise ValueError(f"Argument `{name}` must be in [0, {upper}]. Received: {name}={value}.")
    return value


class ImageAugmentationLayer(AugmentationLayer):
    """Images (n, h, w, c) channels last, in ``value_range``; float output.

    Colour layers need RGB (``c == 3``); geometric and noise layers set
    ``rgb_only = False`` and take any number of channels (greyscale digits)."""

    batch_rank = 4
    rgb_only = True

    def __init__(self, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.value_range = check_value_range(value_range)

    def check_input_shape(self, input_shape):
        super().check_input_shape(input_shape)
        if self.rgb_only and input_shape[-1] not in (None, 3):
            raise ValueError(
                f"{type(self).__name__} expects RGB images, channels last (last axis 3). "
                f"Received input shape {tuple(input_shape)}."
            )

    def augment(self, batch):
        x = F.to_unit(self.ops, batch, self.value_range, self.compute_dtype)
        return F.from_unit(self.ops, self.augment_unit(x), self.value_range)

    def augment_unit(self, x):
        """Transform images scaled to [0, 1]."""
        raise NotImplementedError

    def per_sample(self, x, minval, maxval):
        """One uniform draw per sample, shaped (n, 1, 1, 1)."""
        return self.uniform((self.ops.shape(x)[0], 1, 1, 1), minval, maxval)

    def compute_output_spec(self, inputs, training=True):
        return keras.KerasTensor(inputs.shape, dtype=self.compute_dtype)

    def get_config(self):
        config = super().get_config()
        config["value_range"] = self.value_range
        return config
