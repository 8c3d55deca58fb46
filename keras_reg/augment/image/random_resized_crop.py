import keras

from keras_reg import _validation
from keras_reg.augment.image._crop import (
    INTERPOLATIONS,
    TRIES,
    centre_box,
    resized_crop,
    resized_crop_boxes,
)
from keras_reg.augment.image._geometry import image_size
from keras_reg.augment.image._image_layer import ImageAugmentationLayer


def _check_size(size):
    pair = (size, size) if isinstance(size, int) and not isinstance(size, bool) else size
    if (not isinstance(pair, (list, tuple)) or len(pair) != 2
            or any(isinstance(v, bool) or not isinstance(v, int) or v < 1 for v in pair)):
        raise ValueError(
            "Argument `size` must be a positive int or a pair (height, width) of positive "
            f"ints. Received: size={size!r}."
        )
    return tuple(pair)


@keras.saving.register_keras_serializable(package="keras_reg")
class RandomResizedCrop(ImageAugmentationLayer):
    """A random crop of random area and aspect, resized to ``size``, per image.

    For an image of area ``A = H·W`` each try draws an area fraction
    ``s ~ U[scale]`` and a log-aspect ``log r ~ U[log ratio]``; the box has
    sides ``w = round(sqrt(s·A·r))``, ``h = round(sqrt(s·A/r))`` and, when it
    fits, a uniform position. The first of 10 tries that fits is cropped;
    when none does, the centre crop with the image's aspect clamped into
    ``ratio``. The crop is resized to ``size`` (bilinear without antialiasing,
    or nearest). This is torchvision's ``RandomResizedCrop`` (its sampler and
    its ``resized_crop(..., antialias=False)``), the first transform of the
    ImageNet training recipes; each image of a batch gets its own box.

    At inference (``training=False`` inside a model) the layer still
    returns ``size``, so the model's input shape is the same in ``fit`` and
    ``predict``: the fallback box (the whole image, its aspect clamped into
    ``ratio``), resized. That is not torchvision's evaluation transform
    (resize of the short side, centre crop of 87.5 %): for that, preprocess
    the evaluation data separately. Labels pass
    unchanged. Images may have any number of channels and integer or float
    pixels; the output is float.

    The crops are resized by two batched gathers (rows, then columns); in
    a TensorFlow graph (tf.data under any backend, a TensorFlow-backend
    model without ``jit_compile``) they are XLA-compiled into fused loops
    in training, while eager TensorFlow calls and inference (so that an
    exported model holds no XLA call) resize each crop with TensorFlow's
    resize kernel (the same sampling).

    Args:
        size: output ``(height, width)``, or an int for a square.
        scale: range of the crop's area as a fraction of the image's,
            ``0 <= a <= b <= 1``, ``b > 0`` (torchvision: ``(0.08, 1.0)``).
        ratio: range of the crop's aspect width/height, ``0 < a <= b``
            (torchvision: ``(3/4, 4/3)``).
        interpolation: ``"bilinear"`` or ``"nearest"``.
        value_range: (low, high) of the input pixels (kept in the output).
        seed: int seed of the layer's ``keras.random.SeedGenerator``.

    Call arguments:
        data: images (batch, h, w, c) or one image, or a dict
            ``{"images": ..., "labels": ...}``.
        training: a random crop when true, the centre crop when false.

    The transformation: ``{"boxes": (batch, 4)}`` int32
    ``[top, left, height, width]``; ``keras_reg.augment.image.functional.
    resized_crop(images, boxes, size)`` replays it.

    Example:

    ```python
    crop = keras_reg.augment.RandomResizedCrop(224, scale=(0.08, 1.0), seed=0)
    ds = ds.map(keras_reg.augment.paired(crop))   # (x, y) batches in tf.data
    ```

    Reference:
        Szegedy et al., "Going Deeper with Convolutions", CVPR 2015 (the
        crop augmentation); torchvision's ``RandomResizedCrop``.
    """

    channels = None
    applies_at_inference = True

    def __init__(self, size: int | tuple[int, int],
                 scale: tuple[float, float] = (0.08, 1.0),
                 ratio: tuple[float, float] = (3.0 / 4.0, 4.0 / 3.0),
                 interpolation: str = "bilinear",
                 value_range: tuple[float, float] = (0, 255), seed: int | None = None,
                 **kwargs):
        super().__init__(value_range=value_range, seed=seed, **kwargs)
        self.size = _check_size(size)
        self.scale = _validation.check_pair(scale, "scale", low=0.0, high=1.0)
        if self.scale[1] == 0:
            raise ValueError(
                f"Argument `scale` must allow a crop of positive area (b > 0). "
                f"Received: scale={scale!r}."
            )
        self.ratio = _validation.check_pair(ratio, "ratio")
        if self.ratio[0] <= 0:
            raise ValueError(
                f"Argument `ratio` must be a pair (a, b) with 0 < a <= b. "
                f"Received: ratio={ratio!r}."
            )
        _validation.check_choice(interpolation, "interpolation", INTERPOLATIONS)
        self.interpolation = interpolation

    def get_random_transformation(self, data, training=True, seed=None):
        images = data[self.data_key]
        ops = self.ops
        height, width = image_size(ops, images)
        n = ops.shape(images)[0]
        if not training:
            box = ops.cast(centre_box(ops, height, width, self.ratio), "int32")
            return {"boxes": ops.broadcast_to(box[None, :], (n, 4))}
        uniforms = self.uniform((n, TRIES, 4), seed=seed)
        return {"boxes": resized_crop_boxes(uniforms, height, width, self.scale, self.ratio)}

    def transform_images(self, images, transformation, training=True):
        # At inference op by op: a model exported for serving (SavedModel,
        # TFLite) then holds no XLA-compiled call that its runtime must support.
        crop = resized_crop if training else resized_crop.__wrapped__
        return crop(images, transformation["boxes"], self.size, self.interpolation)

    def compute_output_shape(self, input_shape):
        def resized(shape):
            return tuple(shape[:-3]) + self.size + (shape[-1],)

        if isinstance(input_shape, dict):
            return {**input_shape, self.data_key: resized(input_shape[self.data_key])}
        return resized(input_shape)

    def compute_output_spec(self, data, training=True):
        spec = super().compute_output_spec(data, training=training)
        images = spec[self.data_key] if isinstance(spec, dict) else spec
        resized = keras.KerasTensor(self.compute_output_shape(tuple(images.shape)),
                                    dtype=images.dtype)
        return {**spec, self.data_key: resized} if isinstance(spec, dict) else resized

    def get_config(self):
        config = super().get_config()
        config.update({"size": self.size, "scale": self.scale, "ratio": self.ratio,
                       "interpolation": self.interpolation})
        return config
