import keras

from keras_reg import _validation
from keras_reg.augment.image import _functional as F
from keras_reg.augment.image._image_layer import ImageAugmentationLayer

FLIPS = ("horizontal", "vertical", "horizontal_and_vertical")


@keras.saving.register_keras_serializable(package="keras_reg")
class RandomFlipRotation(ImageAugmentationLayer):
    """Random flip and rotation in one resampling pass, per image.

    Each image is flipped with probability 1/2 along each axis of ``flip``
    and rotated about its centre by an angle drawn from
    ``U[-degrees, degrees]``; both are folded into one projective transform,
    so the batch is resampled once (bilinear, corners filled with black) —
    ``keras.layers.RandomFlip`` then ``RandomRotation`` make two passes.
    Images may have any number of channels (greyscale too).

    Args:
        flip: "horizontal", "vertical", "horizontal_and_vertical" or None.
        degrees: maximum absolute angle in degrees (as torchvision's
            ``RandomRotation(degrees)``; Keras's ``factor`` is ``degrees / 360``).
        value_range: (low, high) of the input pixels.
        seed: int seed of the layer's ``keras.random.SeedGenerator``.

    Example:

    >>> aug = keras_reg.augment.RandomFlipRotation("horizontal", degrees=10, seed=0)
    """

    channels = None

    def __init__(self, flip="horizontal", degrees=10.0, value_range=(0, 255), seed=None,
                 **kwargs):
        super().__init__(value_range=value_range, seed=seed, **kwargs)
        if flip not in FLIPS + (None,):
            raise ValueError(
                f"Argument `flip` must be one of {FLIPS} or None. Received: flip={flip!r}."
            )
        self.flip = flip
        self.degrees = _validation.check_magnitude(degrees, "degrees")

    def augment(self, batch):
        # Geometry commutes with the value scaling: resample the input as it
        # is, filling the corners with its black, ``value_range[0]``.
        x = self.ops.cast(batch, self.compute_dtype)
        return self._flip_rotate(x, fill_value=self.value_range[0])

    def augment_unit(self, x):
        return self._flip_rotate(x, fill_value=0.0)

    def _flip_rotate(self, x, fill_value):
        ops = self.ops
        n = ops.shape(x)[0]
        height, width = F.image_size(ops, x)
        angle = self.uniform((n,), -self.degrees, self.degrees)
        t = F.rotation_transform(ops, angle, height, width)
        rows = [t[:, 0:3], t[:, 3:6]]
        # A flip of the source coordinate: x_in -> (w - 1) - x_in.
        for axis, size in ((0, width), (1, height)):
            wanted = self.flip in ("horizontal_and_vertical",) or (
                self.flip == ("horizontal", "vertical")[axis]
            )
            if wanted:
                flipped = self.uniform((n, 1)) < 0.5
                offset = ops.convert_to_tensor([[0.0, 0.0, 1.0]], dtype=t.dtype) * (size - 1.0)
                rows[axis] = ops.where(flipped, offset - rows[axis], rows[axis])
        transform = ops.concatenate([rows[0], rows[1], t[:, 6:8]], axis=1)
        return F.affine(ops, x, transform, fill_value=fill_value)

    def get_config(self):
        config = super().get_config()
        config.update({"flip": self.flip, "degrees": self.degrees})
        return config
