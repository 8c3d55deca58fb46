import keras

from keras_reg import _validation
from keras_reg.augment.audio import _mixing
from keras_reg.augment.audio._audio_layer import AudioAugmentationLayer


@keras.saving.register_keras_serializable(package="keras_reg")
class MixWaveforms(AudioAugmentationLayer):
    """Mix each waveform with another of the batch, and its labels alike.

    The partner of waveform ``i`` of a batch of ``n`` is waveform
    ``n − 1 − i`` (the batch flipped, as the image ``MixUp`` pairs images).
    With probability ``prob`` a waveform is mixed, with a weight drawn per
    waveform,

        λ ~ Beta(α, α)   (else λ = 1),
        x' = λ · x + (1 − λ) · x_partner,
        y' = λ · y + (1 − λ) · y_partner           (label_mode="weights")
        y' = max(y, y_partner) where λ < 1, else y (label_mode="union")

    with ``y`` the label rows: class ids become one-hot rows; one-hot, soft
    and multi-hot rows are used as they are. ``"weights"`` suits single-label
    classification (the soft target is the mix's composition, as in MixUp);
    ``"union"`` suits sound-event tagging, where both clips' events are
    present in the mix whatever their weights. The waveforms are mixed by
    ``λ`` in both modes (their levels are not equalized first).

    The layer needs the labels: call it on ``{"audio": x, "labels": y}`` or
    map ``keras_reg.augment.paired(layer)`` over ``(x, y)`` batches. The
    output labels are float32 rows (batch, K); at inference the waveforms
    pass unchanged and the labels become their rows, unmixed.

    Args:
        alpha: ``α > 0`` of the Beta law of ``λ`` (1: uniform; small:
            mostly one clip with a little of the other).
        prob: probability in [0, 1] that a waveform is mixed.
        label_mode: ``"weights"`` or ``"union"``.
        num_classes: ``K``; required for class-id labels, checked against rows.
        seed: int seed of the layer's ``keras.random.SeedGenerator``.

    Call arguments:
        data: ``{"audio": (batch, samples), "labels": ...}``.
        training: mix when true.

    The transformation: ``{"weight": (batch,)}`` (``λ``), applied by
    ``functional.mix_waveforms`` and ``functional.mix_labels``.

    Example:

    ```python
    mixer = keras_reg.augment.audio.MixWaveforms(alpha=0.4, label_mode="union", seed=0)
    ds = ds.batch(32).map(keras_reg.augment.paired(mixer))  # (waveforms, multi-hot tags)
    ```

    Reference: Zhang et al., "mixup: Beyond Empirical Risk Minimization",
    ICLR 2018; Tokozume et al., "Learning from Between-class Examples for
    Deep Sound Recognition", ICLR 2018.
    """

    applies_at_inference = True  # the labels still become rows (the declared output)
    draws_gamma = True  # Beta(α, α) λ

    def __init__(self, alpha=0.4, prob=1.0, label_mode="weights", num_classes=None, seed=None,
                 **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.alpha = _validation.check_non_negative(alpha, "alpha")
        if self.alpha == 0:
            raise ValueError("Argument `alpha` must be > 0 (the Beta(α, α) law of λ). "
                             "Received: alpha=0.")
        self.prob = _validation.check_rate(prob, "prob", upper_inclusive=True)
        self.label_mode = _validation.check_choice(label_mode, "label_mode",
                                                   _mixing.LABEL_MODES)
        self.num_classes = None if num_classes is None else _validation.check_positive_int(
            num_classes, "num_classes")

    def __call__(self, data, *args, **kwargs):
        _mixing.check_labelled_batch(type(self).__name__, data)
        return super().__call__(data, *args, **kwargs)

    def get_random_transformation(self, data, training=True, seed=None):
        ops = self.ops
        n = ops.shape(data["audio"])[0]
        if not training:
            return {"weight": ops.ones((n,), "float32")}
        lam = self._draw("beta", seed, (n,), alpha=self.alpha, beta=self.alpha, dtype="float32")
        mixed = self.uniform((n,), seed=seed) < self.prob
        return {"weight": ops.where(mixed, lam, 1.0)}

    def transform_audio(self, audio, transformation, training=True):
        out = _mixing.mix_waveforms(audio, transformation["weight"])
        return self.ops.cast(out, self.compute_dtype)

    def transform_labels(self, labels, transformation, training=True):
        return _mixing.mix_labels(labels, transformation["weight"], self.num_classes,
                                  self.label_mode)

    def compute_output_spec(self, data, training=True):
        spec = super().compute_output_spec(data, training=training)
        shape = data["labels"].shape
        sparse = len(shape) == 1 or (shape[-1] == 1 and self.num_classes != 1)
        classes = self.num_classes if sparse else shape[-1]
        return {**spec, "labels": keras.KerasTensor((shape[0], classes), "float32")}

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha, "prob": self.prob,
                "label_mode": self.label_mode, "num_classes": self.num_classes}
