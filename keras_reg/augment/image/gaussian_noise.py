import keras

from keras_reg import _validation
from keras_reg.augment.image import functional as F
from keras_reg.augment.image._image_layer import ImageAugmentationLayer


@keras.saving.register_keras_serializable(package="keras_reg")
class GaussianNoise(ImageAugmentationLayer):
    """Additive Gaussian pixel noise with a random strength per image, clipped
    to ``value_range``.

        σ_i ~ U[stddev_range],   y = clip(x + (high - low) · σ_i · ε),  ε ~ N(0, 1)

    ``stddev_range`` is a fraction of the value range, so (0, 0.05) means "up
    to 5 % of full scale" for (0, 255) and (0, 1) images alike. Unlike
    ``keras.layers.GaussianNoise`` (one fixed σ, no clipping, a regularization
    layer for activations) this is an image augmentation: per-image strength
    and valid pixel values.
    Images may have any number of channels.

    Args:
        stddev_range: (low, high) fractions of the value range, 0 <= low <= high.
        value_range: (low, high) of the input pixels.
        seed: int seed of the layer's ``keras.random.SeedGenerator``.

    Call arguments:
        data: images (batch, h, w, c) in ``value_range``, one image, or
            ``{"images": ..., "labels": ...}``, whose labels are returned
            unchanged.
        training: noise is added only when true.

    The transformation: ``{"stddev": (batch,), "noise": ε}``, applied by
    ``keras_reg.augment.image.functional.add_gaussian_noise``.

    Example:

    ```python
    noise = keras_reg.augment.GaussianNoise((0.0, 0.05), value_range=(0, 1))
    ```
    """

    channels = None

    def __init__(self, stddev_range: tuple[float, float] = (0.0, 0.05),
                 value_range: tuple[float, float] = (0, 255), seed: int | None = None,
                 **kwargs):
        super().__init__(value_range=value_range, seed=seed, **kwargs)
        self.stddev_range = _validation.check_pair(stddev_range, "stddev_range", low=0.0)

    def get_random_transformation(self, data, training=True, seed=None):
        images = data["images"]
        stddev = self.per_image(data, *self.stddev_range, seed=seed)
        noise = self.normal(self.ops.shape(images), dtype=images.dtype, seed=seed)
        return {"stddev": stddev, "noise": noise}

    def transform_images(self, images, transformation, training=True):
        return F.add_gaussian_noise(
            images, transformation["noise"], transformation["stddev"], self.value_range
        )

    def get_config(self):
        config = super().get_config()
        config["stddev_range"] = self.stddev_range
        return config
