import keras

from keras_reg import _validation
from keras_reg.augment.image._erasing import TRIES, erase, erasing_boxes
from keras_reg.augment.image._geometry import image_size
from keras_reg.augment.image._image_layer import ImageAugmentationLayer

FILL_MODES = ("const", "rand", "pixel")


@keras.saving.register_keras_serializable(package="keras_reg")
class RandomErasing(ImageAugmentationLayer):
    """Erase random boxes of each image, per image.

    With probability ``probability`` an image gets ``c ~ U{min_count, …,
    max_count}`` boxes. Each box tries up to 10 times an area
    ``A·U[scale]/c`` (``A`` the image area) and a log-uniform aspect from
    ``ratio``, with sides ``h = round(sqrt(area·r))``, ``w =
    round(sqrt(area/r))``; the first try smaller than the image is placed
    uniformly, and a box that finds none is skipped. The box is filled by
    ``fill_mode``:

    - ``"const"``: ``fill_value``;
    - ``"rand"``: one colour per box, ``fill_value + fill_std·N(0, 1)`` per
      channel;
    - ``"pixel"``: ``fill_value + fill_std·N(0, 1)`` per pixel and channel.

    These are timm's ``RandomErasing`` semantics (``min_area``,
    ``max_area``, ``min_aspect``/``max_aspect`` as ``scale`` and ``ratio``);
    timm erases normalized images, whose mean is 0 and standard deviation 1:
    the defaults ``fill_value=0, fill_std=1`` are its fills there. For pixels
    in ``[0, 255]`` pass, e.g., ``fill_value=127.5, fill_std=64``. Fills are
    not clipped. Labels pass unchanged; the layer runs in ``tf.data`` and in
    models (in training only).

    Args:
        probability: probability ``[0, 1]`` that an image is erased at all
            (DeiT's recipe: 0.25).
        scale: range of the erased area as a fraction of the image's,
            ``0 < a <= b <= 1``, shared by its ``c`` boxes.
        ratio: range of the aspect ``h/w``, ``0 < a <= b`` (timm:
            ``(0.3, 1/0.3)``).
        fill_mode: ``"const"``, ``"rand"`` or ``"pixel"`` (DeiT: ``"pixel"``).
        min_count: least number of boxes per erased image, ``>= 1``.
        max_count: most boxes, ``>= min_count``; None: ``min_count``.
        fill_value: the constant fill, or the mean of the random fills.
        fill_std: ``>= 0``, the standard deviation of the random fills.
        value_range: (low, high) of the input pixels.
        seed: int seed of the layer's ``keras.random.SeedGenerator``.

    Call arguments:
        data: images (batch, h, w, c) or one image, or a dict
            ``{"images": ..., "labels": ...}``.
        training: erase only when true.

    The transformation: ``{"boxes": (batch, max_count, 4), "fills": ...}``;
    ``keras_reg.augment.image.functional.erase`` replays it.

    Example:

    ```python
    erasing = keras_reg.augment.RandomErasing(0.25, fill_mode="pixel",
                                              fill_value=127.5, fill_std=64, seed=0)
    ```

    Reference:
        Zhong et al., "Random Erasing Data Augmentation", AAAI 2020; timm's
        ``RandomErasing``.
    """

    channels = None

    def __init__(self, probability: float = 0.5, scale: tuple[float, float] = (0.02, 1 / 3),
                 ratio: tuple[float, float] = (0.3, 1 / 0.3), fill_mode: str = "const",
                 min_count: int = 1, max_count: int | None = None, fill_value: float = 0.0,
                 fill_std: float = 1.0, value_range: tuple[float, float] = (0, 255),
                 seed: int | None = None, **kwargs):
        super().__init__(value_range=value_range, seed=seed, **kwargs)
        self.probability = _validation.check_rate(probability, "probability",
                                                  upper_inclusive=True)
        self.scale = _validation.check_pair(scale, "scale", low=0.0, high=1.0)
        self.ratio = _validation.check_pair(ratio, "ratio")
        for name, pair in (("scale", self.scale), ("ratio", self.ratio)):
            if pair[0] <= 0:
                raise ValueError(f"Argument `{name}` must be a pair (a, b) with 0 < a <= b. "
                                 f"Received: {name}={pair!r}.")
        self.fill_mode = _validation.check_choice(fill_mode, "fill_mode", FILL_MODES)
        self.min_count = _validation.check_positive_int(min_count, "min_count")
        if max_count is not None:
            _validation.check_positive_int(max_count, "max_count")
            if max_count < min_count:
                raise ValueError(f"Argument `max_count` must be >= min_count={min_count}. "
                                 f"Received: max_count={max_count}.")
        self.max_count = max_count
        self.fill_value = _validation.check_finite(fill_value, "fill_value")
        self.fill_std = _validation.check_finite(fill_std, "fill_std", low=0.0)

    def _max_boxes(self):
        return self.max_count or self.min_count

    def get_random_transformation(self, data, training=True, seed=None):
        ops = self.ops
        images = data[self.data_key]
        n, channels = ops.shape(images)[0], images.shape[-1]
        height, width = image_size(ops, images)
        k = self._max_boxes()
        erased = self.uniform((n,), seed=seed) < self.probability
        counts = self.randint((n,), self.min_count, k + 1, seed=seed)
        counts = ops.where(erased, counts, 0)
        uniforms = self.uniform((n, k, TRIES, 4), seed=seed)
        boxes = erasing_boxes(uniforms, counts, height, width, self.scale, self.ratio)
        if self.fill_mode == "const":
            fills = ops.full((1, 1, 1, 1, 1), self.fill_value, "float32")
        else:
            shape = ((n, k, 1, 1, channels) if self.fill_mode == "rand"
                     else (n, 1) + tuple(ops.shape(images)[1:]))
            fills = self.normal(shape, self.fill_value, self.fill_std, seed=seed)
        return {"boxes": boxes, "fills": fills}

    def transform_images(self, images, transformation, training=True):
        out = erase(images, transformation["boxes"], transformation["fills"])
        return self.ops.cast(out, self.compute_dtype)

    def get_config(self):
        config = super().get_config()
        config.update({
            "probability": self.probability, "scale": self.scale, "ratio": self.ratio,
            "fill_mode": self.fill_mode, "min_count": self.min_count,
            "max_count": self.max_count, "fill_value": self.fill_value,
            "fill_std": self.fill_std,
        })
        return config
