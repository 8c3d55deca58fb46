"""The image family's rules on top of the protocol: images (n, h, w, c)
channels last, integer or float pixels in ``value_range``, float output."""

from keras_reg import _validation
from keras_reg.augment._base import AugmentationLayer


def to_unit(images, value_range):
    """Pixels in ``value_range`` -> [0, 1]."""
    low, high = value_range
    return (images - low) * (1.0 / (high - low))


def from_unit(x, value_range):
    low, high = value_range
    return x * (high - low) + low


class ImageAugmentationLayer(AugmentationLayer):
    """Images under the key ``"images"``; ``transform_images`` receives them
    in the compute dtype, in ``value_range``.

    ``channels`` lists the channel counts a layer accepts: colour layers take
    greyscale or RGB, as torchvision's colour operations; geometric and noise
    layers set it to None and take any number of channels.
    """

    data_key = "images"
    batch_rank = 4
    channels = (1, 3)

    def __init__(self, value_range: tuple[float, float] = (0, 255), seed: int | None = None,
                 **kwargs):
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

    def check_input_dtype(self, dtype):
        _validation.check_input_dtype(
            dtype, "number", "integer or floating-point pixels", type(self).__name__
        )

    def per_image(self, data, minval, maxval, seed=None):
        """One uniform draw per image, shape (batch,)."""
        n = self.ops.shape(data[self.data_key])[0]
        return self.uniform((n,), minval, maxval, seed=seed)

    def get_config(self):
        config = super().get_config()
        config["value_range"] = self.value_range
        return config
