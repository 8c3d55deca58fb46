import keras

from keras_reg import _validation
from keras_reg.augment import _labels
from keras_reg.augment.image import _mixing
from keras_reg.augment.image._geometry import image_size
from keras_reg.augment.image._image_layer import ImageAugmentationLayer

MODES = ("batch", "pair", "elem")


def _check_alpha(value, name):
    return _validation.check_non_negative(value, name)


def _check_num_classes(num_classes):
    if num_classes is not None:
        _validation.check_positive_int(num_classes, "num_classes")
    return num_classes


@keras.saving.register_keras_serializable(package="keras_reg")
class MixUpCutMix(ImageAugmentationLayer):
    """MixUp or CutMix of each image with a partner, labels mixed alike.

    The partner of image ``i`` of a batch of ``n`` is image ``n − 1 − i``
    (the batch flipped: no gather). With probability ``prob`` a sample is
    mixed: by CutMix with probability ``switch_prob`` when both alphas are
    positive (else by the one whose alpha is positive), otherwise by MixUp,

    ```
    MixUp:   x' = λ·x + (1 − λ)·x_partner,        λ ~ Beta(mixup_alpha, mixup_alpha)
    CutMix:  x' = x with a box of x_partner,      λ ~ Beta(cutmix_alpha, cutmix_alpha)
    labels:  y' = λ·ỹ + (1 − λ)·ỹ_partner,        ỹ = (1 − s)·onehot(y) + s/K
    ```

    CutMix's box has sides ``sqrt(1 − λ)`` of the image's, a uniform centre,
    and is clipped to the image; with ``correct_lam`` (or ``cutmix_minmax``)
    ``λ`` becomes the exact share of the image left uncovered. With
    ``cutmix_minmax=(a, b)`` the box sides are drawn as fractions of the
    image's from ``[a, b)`` instead. ``mode`` says what is drawn per sample:
    ``"batch"`` one draw for the whole batch, ``"pair"`` one per mirrored
    pair (images ``i`` and ``n − 1 − i`` swap the same box or share ``λ``),
    ``"elem"`` one per image. These are timm's ``Mixup`` semantics (DeiT's
    recipe: ``mixup_alpha=0.8, cutmix_alpha=1.0, switch_prob=0.5``, the
    defaults here); ``label_smoothing`` defaults to 0 so that smoothing is
    applied once, here or in the loss.

    The layer needs the labels: call it on ``{"images": x, "labels": y}`` or
    map ``keras_reg.augment.paired(layer)`` over ``(x, y)`` batches, in
    ``tf.data`` under any backend or on backend tensors in a JAX or torch
    loop (or in a model whose inputs are such a dict). In ``"pair"`` mode an
    odd batch's middle image is its own partner: it stays as it is while its
    ``λ`` may be below 1 (timm refuses odd batches; here a last, smaller
    batch of an epoch still runs). Labels may be class ids ((batch,) or (batch, 1); ``num_classes``
    required) or rows (batch, K) (one-hot or soft); the output labels are
    float32 rows (batch, K) for ``keras_reg.losses.SoftTargetCrossentropy``.

    Args:
        mixup_alpha: ``α ≥ 0`` of MixUp's Beta law; 0 switches MixUp off.
        cutmix_alpha: ``α ≥ 0`` of CutMix's Beta law; 0 switches CutMix off
            (unless ``cutmix_minmax`` is given).
        cutmix_minmax: ``(a, b)``, ``0 <= a < b <= 1``: CutMix box sides as
            fractions of the image's, instead of from ``λ``; or None.
        prob: probability ``[0, 1]`` that a sample (a batch, in ``"batch"``
            mode) is mixed at all.
        switch_prob: probability ``[0, 1]`` of CutMix rather than MixUp when
            both are on.
        mode: ``"batch"``, ``"pair"`` or ``"elem"``.
        correct_lam: set CutMix's ``λ`` to the uncovered share after
            clipping the box.
        label_smoothing: ``s`` in ``[0, 1]``.
        num_classes: ``K``; required for class-id labels, checked against
            label rows.
        value_range: (low, high) of the input pixels.
        seed: int seed of the layer's ``keras.random.SeedGenerator``.

    Call arguments:
        data: ``{"images": (batch, h, w, c), "labels": ...}``.
        training: mix when true; when false the images pass unchanged and
            the labels become their (smoothed) rows, unmixed.

    The transformation: ``{"lam": (batch,), "use_cutmix": (batch,) bool,
    "boxes": (batch, 4) [top, left, bottom, right]}``;
    ``keras_reg.augment.image.functional.mix_images`` replays it on images.

    Example:

    ```python
    mixer = keras_reg.augment.MixUpCutMix(num_classes=10, label_smoothing=0.1, seed=0)
    ds = ds.batch(64).map(keras_reg.augment.paired(mixer))
    model.compile(loss=keras_reg.losses.SoftTargetCrossentropy(from_logits=True), ...)
    ```

    Reference:
        Zhang et al., "mixup: Beyond Empirical Risk Minimization", ICLR 2018;
        Yun et al., "CutMix: Regularization Strategy to Train Strong
        Classifiers with Localizable Features", ICCV 2019; Touvron et al.,
        "Training data-efficient image transformers", ICML 2021 (DeiT).
    """

    channels = None
    # At inference the labels still become rows (unmixed), as the output
    # spec says, so a model holding the layer has one output signature.
    applies_at_inference = True
    draws_gamma = True  # Beta(α, α) λ

    def __init__(self, mixup_alpha: float = 0.8, cutmix_alpha: float = 1.0,
                 cutmix_minmax: tuple[float, float] | None = None, prob: float = 1.0,
                 switch_prob: float = 0.5, mode: str = "batch", correct_lam: bool = True,
                 label_smoothing: float = 0.0, num_classes: int | None = None,
                 value_range: tuple[float, float] = (0, 255), seed: int | None = None,
                 **kwargs):
        super().__init__(value_range=value_range, seed=seed, **kwargs)
        self.mixup_alpha = _check_alpha(mixup_alpha, "mixup_alpha")
        self.cutmix_alpha = _check_alpha(cutmix_alpha, "cutmix_alpha")
        self.cutmix_minmax = None if cutmix_minmax is None else _validation.check_pair(
            cutmix_minmax, "cutmix_minmax", low=0.0, high=1.0, strict=True)
        if not (self.mixup_alpha or self.cutmix_alpha or self.cutmix_minmax):
            raise ValueError(
                f"{type(self).__name__} mixes nothing: `mixup_alpha` and `cutmix_alpha` are "
                "both 0 and `cutmix_minmax` is None. Give one a positive value."
            )
        self.prob = _validation.check_rate(prob, "prob", upper_inclusive=True)
        self.switch_prob = _validation.check_rate(switch_prob, "switch_prob", upper_inclusive=True)
        self.mode = _validation.check_choice(mode, "mode", MODES)
        if not isinstance(correct_lam, bool):
            raise TypeError(f"Argument `correct_lam` must be True or False. "
                            f"Received: correct_lam={correct_lam!r}.")
        self.correct_lam = correct_lam
        self.label_smoothing = _validation.check_rate(
            label_smoothing, "label_smoothing", upper_inclusive=True)
        self.num_classes = _check_num_classes(num_classes)

    def __call__(self, data, *args, **kwargs):
        if not isinstance(data, dict) or "labels" not in data:
            raise ValueError(
                f"{type(self).__name__} mixes labels too: call it on a dict "
                "{'images': x, 'labels': y}, or map keras_reg.augment.paired(layer) over "
                "(x, y) batches (a Sequential model gives it no labels)."
            )
        images, labels = data[self.data_key], data["labels"]
        shape = tuple(getattr(images, "shape", ()))
        if len(shape) != 4:
            self.check_input_shape(shape)
        n, m = shape[0], (tuple(getattr(labels, "shape", ())) or (None,))[0]
        if n is not None and m is not None and n != m:
            raise ValueError(
                f"{type(self).__name__}: the batch has {n} images but {m} labels."
            )
        return super().__call__(data, *args, **kwargs)

    def check_input_shape(self, shape):
        if len(shape) != 4:
            raise ValueError(
                f"{type(self).__name__} mixes the images of a batch: it needs images of "
                f"rank 4 (batch, height, width, channels). Received shape {tuple(shape)}."
            )
        super().check_input_shape(shape)

    def _cutmix_on(self):
        return bool(self.cutmix_alpha or self.cutmix_minmax)

    def _draw_lambda(self, alpha, k, seed):
        if not alpha:
            return self.ops.ones((k,), "float32")
        return self._draw("beta", seed, (k,), alpha=alpha, beta=alpha, dtype="float32")

    def get_random_transformation(self, data, training=True, seed=None):
        ops = self.ops
        images = data[self.data_key]
        n = ops.shape(images)[0]
        if not training:  # no mixing: λ = 1, no box
            return {"lam": ops.ones((n,), "float32"), "use_cutmix": ops.zeros((n,), "bool"),
                    "boxes": ops.zeros((n, 4), "int32")}
        height, width = image_size(ops, images)
        k = 1 if self.mode == "batch" else n
        u = self.uniform((k, 6), seed=seed)
        if self._cutmix_on() and self.mixup_alpha:
            use_cutmix = u[:, 1] < self.switch_prob
        else:
            use_cutmix = ops.full((k,), self._cutmix_on(), dtype="bool")
        lam = ops.where(use_cutmix, self._draw_lambda(self.cutmix_alpha, k, seed),
                        self._draw_lambda(self.mixup_alpha, k, seed))
        mixed = u[:, 0] < self.prob
        lam, use_cutmix = ops.where(mixed, lam, 1.0), use_cutmix & mixed
        if not self._cutmix_on():
            boxes = ops.zeros((k, 4), "int32")
        elif self.cutmix_minmax is not None:
            boxes = _mixing.cutmix_minmax_boxes(u[:, 2:6], height, width, self.cutmix_minmax)
        else:
            boxes = _mixing.cutmix_boxes(lam, u[:, 2:4], height, width)
        boxes = ops.where(use_cutmix[:, None], boxes, 0)
        if self.correct_lam or self.cutmix_minmax is not None:
            lam = ops.where(use_cutmix, _mixing.box_lambda(boxes, height, width), lam)
        t = {"lam": lam, "use_cutmix": use_cutmix, "boxes": boxes}
        if self.mode == "batch":  # broadcast, not repeat: 1 op, not 12 (tf.data runs each)
            return {key: ops.broadcast_to(value, (n,) + tuple(value.shape[1:]))
                    for key, value in t.items()}
        if self.mode == "pair":  # image n-1-i takes the draw of image i, for i < n/2
            index = ops.arange(n)
            first_half = index <= n - 1 - index
            return {key: ops.where(ops.reshape(first_half, (-1,) + (1,) * (len(v.shape) - 1)),
                                   v, ops.flip(v, axis=0)) for key, v in t.items()}
        return t

    def transform_images(self, images, transformation, training=True):
        if not training:
            return self.ops.cast(images, self.compute_dtype)
        kinds = ("mixup",) * bool(self.mixup_alpha) + ("cutmix",) * self._cutmix_on()
        out = _mixing.mix_images(images, transformation["lam"], transformation["use_cutmix"],
                                 transformation["boxes"], kinds)
        return self.ops.cast(out, self.compute_dtype)

    def transform_labels(self, labels, transformation, training=True):
        ops = self.ops
        rows = _labels.target_rows(ops, labels, self.num_classes, self.label_smoothing,
                                   type(self).__name__)
        return _labels.mix_rows(ops, rows, transformation["lam"], ops.flip(rows, axis=0))

    def compute_output_spec(self, data, training=True):
        spec = super().compute_output_spec(data, training=training)
        labels = data["labels"]
        classes = self.num_classes if len(labels.shape) == 1 or labels.shape[-1] == 1 \
            else labels.shape[-1]
        return {**spec, "labels": keras.KerasTensor((labels.shape[0], classes), "float32")}

    def get_config(self):
        config = super().get_config()
        config.update({
            "mixup_alpha": self.mixup_alpha, "cutmix_alpha": self.cutmix_alpha,
            "cutmix_minmax": self.cutmix_minmax, "prob": self.prob,
            "switch_prob": self.switch_prob, "mode": self.mode,
            "correct_lam": self.correct_lam, "label_smoothing": self.label_smoothing,
            "num_classes": self.num_classes,
        })
        return config
