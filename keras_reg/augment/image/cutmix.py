import keras

from keras_reg.augment.image.mix import MixUpCutMix
from keras_reg.augment.image.mixup import _FIXED, _check_positive_alpha


@keras.saving.register_keras_serializable(package="keras_reg")
class CutMix(MixUpCutMix):
    """CutMix: a box of each image replaced by the same box of a partner,
    labels mixed by the uncovered share.

    The box has sides ``sqrt(1 − λ)`` of the image's, ``λ ~ Beta(α, α)``,
    a uniform centre, clipped to the image (``minmax=(a, b)``: sides drawn
    from ``[a, b)`` of the image's instead); with ``correct_lam`` the label
    weight ``λ`` is the exact uncovered share. ``MixUpCutMix`` with MixUp off
    (see it for ``prob``, ``mode``, labels and the transformation).

    Args:
        alpha: ``α > 0``.
        minmax: ``(a, b)``, ``0 <= a < b <= 1``, or None.
        prob: probability that a sample (the batch, in ``"batch"`` mode) is
            mixed.
        mode: ``"batch"``, ``"pair"`` or ``"elem"``.
        correct_lam: the label weight from the clipped box's area.
        label_smoothing: ``s`` in ``[0, 1]``, applied before the labels are
            mixed.
        num_classes: ``K``; required for class-id labels.
        value_range: (low, high) of the input pixels (pasted boxes keep
            their values).
        seed: int seed of the layer's ``keras.random.SeedGenerator``.

    Call arguments:
        data: ``{"images": ..., "labels": ...}``; the labels come back as
            float32 rows (batch, K).
        training: paste boxes when true; when false the images pass
            unchanged and the labels become their (smoothed) rows.

    Example:

    ```python
    cutmix = keras_reg.augment.CutMix(alpha=1.0, num_classes=10, seed=0)
    ds = ds.batch(64).map(keras_reg.augment.paired(cutmix))
    ```

    Reference:
        Yun et al., "CutMix: Regularization Strategy to Train Strong
        Classifiers with Localizable Features", ICCV 2019.
    """

    def __init__(self, alpha: float = 1.0, minmax: tuple[float, float] | None = None,
                 prob: float = 1.0, mode: str = "batch", correct_lam: bool = True,
                 label_smoothing: float = 0.0, num_classes: int | None = None,
                 value_range: tuple[float, float] = (0, 255), seed: int | None = None,
                 **kwargs):
        super().__init__(mixup_alpha=0.0, cutmix_alpha=_check_positive_alpha(alpha),
                         cutmix_minmax=minmax, prob=prob, mode=mode, correct_lam=correct_lam,
                         label_smoothing=label_smoothing, num_classes=num_classes,
                         value_range=value_range, seed=seed, **kwargs)

    def get_config(self):
        config = {k: v for k, v in super().get_config().items() if k not in _FIXED}
        config.update(alpha=self.cutmix_alpha, minmax=self.cutmix_minmax,
                      correct_lam=self.correct_lam)
        return config
