import keras

from keras_reg import _validation
from keras_reg.augment.image.mix import MixUpCutMix

# MixUpCutMix's arguments that MixUp and CutMix fix or rename.
_FIXED = ("mixup_alpha", "cutmix_alpha", "cutmix_minmax", "switch_prob", "correct_lam")


def _check_positive_alpha(alpha):
    alpha = _validation.check_non_negative(alpha, "alpha")
    if alpha == 0:
        raise ValueError("Argument `alpha` must be > 0 (the Beta(α, α) law of λ). "
                         "Received: alpha=0.")
    return alpha


@keras.saving.register_keras_serializable(package="keras_reg")
class MixUp(MixUpCutMix):
    """MixUp: each image blended with a partner, its labels alike.

    ``x' = λ·x + (1 − λ)·x_partner``, ``y' = λ·ỹ + (1 − λ)·ỹ_partner`` with
    ``λ ~ Beta(α, α)``, the partner of image ``i`` being image ``n − 1 − i``
    and ``ỹ`` the (smoothed) one-hot label; ``MixUpCutMix`` with CutMix off
    (see it for ``prob``, ``mode``, labels and the transformation).
    Keras's ``MixUp`` also draws a ``λ`` per image from Beta(α, α) (with a
    shuffled partner); beyond it: class-id labels, ``prob``, the batch and
    pair modes, and label smoothing (the default ``alpha`` is Keras's, 0.2).

    Args:
        alpha: ``α > 0``.
        prob: probability that a sample (the batch, in ``"batch"`` mode) is
            mixed.
        mode: ``"batch"``, ``"pair"`` or ``"elem"``.
        label_smoothing: ``s`` in ``[0, 1]``, the smoothing of ``ỹ``.
        num_classes: ``K``, the length of ``ỹ``: needed for class-id labels.
        value_range: (low, high) of the input pixels; blends stay inside it.
        seed: int seed of the layer's ``keras.random.SeedGenerator``.

    Call arguments:
        data: ``{"images": (batch, h, w, c), "labels": ids or rows}``.
        training: blend when true (otherwise only the labels change, to
            their smoothed rows).

    Example:

    ```python
    mixup = keras_reg.augment.MixUp(alpha=0.2, num_classes=10, mode="elem", seed=0)
    ds = ds.batch(64).map(keras_reg.augment.paired(mixup))
    ```

    Reference:
        Zhang et al., "mixup: Beyond Empirical Risk Minimization", ICLR 2018.
    """

    def __init__(self, alpha: float = 0.2, prob: float = 1.0, mode: str = "batch",
                 label_smoothing: float = 0.0, num_classes: int | None = None,
                 value_range: tuple[float, float] = (0, 255), seed: int | None = None,
                 **kwargs):
        super().__init__(mixup_alpha=_check_positive_alpha(alpha), cutmix_alpha=0.0,
                         prob=prob, mode=mode, label_smoothing=label_smoothing,
                         num_classes=num_classes, value_range=value_range, seed=seed, **kwargs)

    def get_config(self):
        config = {k: v for k, v in super().get_config().items() if k not in _FIXED}
        config["alpha"] = self.mixup_alpha
        return config
