"""Shared plumbing of keras_reg's image augmentation layers."""

import keras

from keras_reg import _validation
from keras_reg.augment._base import AugmentationLayer
from keras_reg.augment.image import _functional as F


class ImageAugmentationLayer(AugmentationLayer):
    """Images (n, h, w, c) channels last, in ``value_range``; float output.

    ``augment(batch)`` receives pixels in ``value_range``. By default it maps
    them to [0, 1], calls ``augment_unit`` and maps the result back. A layer
    whose transform commutes with that mapping may override ``augment`` to
    work in the input's own scale, but its ``augment_unit`` still implements
    the same transform on [0, 1] images (the tests hold the two equal).

    ``channels`` lists the channel counts a layer accepts: colour layers take
    greyscale or RGB, as torchvision's colour operations; geometric and noise
    layers set it to None and take any number of channels.
    """

    batch_rank = 4
    channels = (1, 3)

    def __init__(self, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.value_range = _validation.check_pair(value_range, "value_range", strict=True)

    def check_input_shape(self, input_shape):
        super().check_input_shape(input_shape)
        name = type(self).__name__
        if any(size == 0 for size in input_shape[-3:]):
            raise ValueError(
                f"{name} needs images with at least one pixel and one channel (height, "
                f"width and channels >= 1). Received input shape {tuple(input_shape)}."
            )
        if self.channels is not None and input_shape[-1] not in (None,) + self.channels:
            raise ValueError(
                f"{name} expects greyscale or RGB images, channels last (last axis 1 or 3). "
                f"Received input shape {tuple(input_shape)}."
            )

    def call(self, inputs, training=True):
        dtype = keras.backend.standardize_dtype(inputs.dtype)
        if dtype == "bool" or not (keras.backend.is_float_dtype(dtype) or "int" in dtype):
            raise TypeError(
                f"{type(self).__name__} expects integer or floating-point pixels. Received "
                f"inputs with dtype={dtype}."
            )
        return super().call(inputs, training=training)

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
