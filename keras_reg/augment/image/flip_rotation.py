import keras

from keras_reg import _validation
from keras_reg.augment.image import functional as F
from keras_reg.augment.image._geometry import image_size
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

    Call arguments:
        data: images (batch, h, w, c) or one image, or a dict
            ``{"images": ..., "labels": ...}`` (labels unchanged).
        training: transform only when true.

    The transformation: ``{"degrees": (batch,)}`` and, per axis of ``flip``,
    ``"flip_horizontal"`` / ``"flip_vertical"`` (batch,) booleans.

    Example:

    ```python
    aug = keras_reg.augment.RandomFlipRotation("horizontal", degrees=10, seed=0)
    ```
    """

    channels = None

    def __init__(self, flip: str | None = "horizontal", degrees: float = 10.0,
                 value_range: tuple[float, float] = (0, 255), seed: int | None = None,
                 **kwargs):
        super().__init__(value_range=value_range, seed=seed, **kwargs)
        if flip not in FLIPS + (None,):
            raise ValueError(
                f"Argument `flip` must be one of {FLIPS} or None. Received: flip={flip!r}."
            )
        self.flip = flip
        self.degrees = _validation.check_magnitude(degrees, "degrees")

    def _axes(self):
        """The flip axes: (name, x (0) or y (1))."""
        return [(f"flip_{name}", axis) for axis, name in enumerate(("horizontal", "vertical"))
                if self.flip in (name, "horizontal_and_vertical")]

    def get_random_transformation(self, data, training=True, seed=None):
        transformation = {"degrees": self.per_image(data, -self.degrees, self.degrees, seed)}
        for name, _ in self._axes():
            transformation[name] = self.per_image(data, 0.0, 1.0, seed) < 0.5
        return transformation

    def transform_images(self, images, transformation, training=True):
        # Flips and rotation folded into one transform: one resampling, the
        # corners filled with the range's black.
        ops = self.ops
        height, width = image_size(ops, images)
        t = F.rotation_transform(transformation["degrees"], height, width)
        rows = [t[:, 0:3], t[:, 3:6]]
        for name, axis in self._axes():
            # A flip of the source coordinate: x_in -> (w - 1) - x_in.
            size = (width, height)[axis]
            offset = ops.convert_to_tensor([[0.0, 0.0, 1.0]], dtype=t.dtype) * (size - 1.0)
            flipped = transformation[name][:, None]
            rows[axis] = ops.where(flipped, offset - rows[axis], rows[axis])
        transform = ops.concatenate([rows[0], rows[1], t[:, 6:8]], axis=1)
        return F.affine(images, transform, fill_value=self.value_range[0])

    def get_config(self):
        config = super().get_config()
        config.update({"flip": self.flip, "degrees": self.degrees})
        return config
