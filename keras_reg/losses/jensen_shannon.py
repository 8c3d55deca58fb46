"""AugMix's loss: cross-entropy on the clean view plus the Jensen–Shannon
divergence between the predictions on all views."""

import keras

from keras_reg import _validation
from keras_reg.losses import _cross_entropy
from keras_reg.losses.soft_target_crossentropy import SoftTargetCrossentropy


@keras.saving.register_keras_serializable(package="keras_reg")
class JensenShannonCrossentropy(SoftTargetCrossentropy):
    """Cross-entropy on clean images plus a consistency term across their
    augmented views (AugMix's training loss).

    The batch holds ``S = num_splits`` views of ``B`` images as consecutive
    blocks, ``[clean; view_1; …; view_{S−1}]`` (what
    ``keras_reg.augment.consistency_views`` builds). With ``p_s`` the
    predicted distribution of view ``s`` and ``M = (1/S)·Σ_s p_s``,

    ```
    loss_i = CE(y_i, p_0,i) + alpha · (1/S)·Σ_s KL(p_s,i ‖ M_i)
    ```

    the second term being the Jensen–Shannon divergence of the ``S``
    predictions (``M`` clipped below at ``1e-7``, as timm's
    ``JsdCrossEntropy``). The cross-entropy is ``SoftTargetCrossentropy``'s
    (class ids or soft rows, ``label_smoothing``) on the clean block's labels.
    Each image's value is repeated for its ``S`` rows, so the mean over the
    batch is the mean over images and ``sample_weight`` may weight rows
    (``reduction="sum"`` is then ``S`` times the sum over images).

    Validation data must have the same layout: map
    ``consistency_views(None)`` over it (``S`` copies of each image: the
    divergence is 0 and the loss is the clean cross-entropy).

    Args:
        num_splits: ``S >= 2``; the batch size must be a multiple of it.
        alpha: weight ``>= 0`` of the divergence (the paper: 12).
        from_logits: whether ``y_pred`` holds logits.
        label_smoothing: ``s`` in ``[0, 1]`` of the cross-entropy.
        reduction: as in ``keras.losses.Loss``.
        name: the loss's name.
        dtype: the dtype of the computation.

    Example:

    ```python
    views = keras_reg.augment.consistency_views(keras_reg.augment.AugMix(seed=0))
    model.compile(loss=keras_reg.losses.JensenShannonCrossentropy(from_logits=True), ...)
    model.fit(train_ds.map(views),
              validation_data=val_ds.map(keras_reg.augment.consistency_views(None)))
    ```

    Reference:
        Hendrycks et al., "AugMix: A Simple Data Processing Method to Improve
        Robustness and Uncertainty", ICLR 2020.
    """

    def __init__(self, num_splits: int = 3, alpha: float = 12.0, from_logits: bool = False,
                 label_smoothing: float = 0.0, reduction="sum_over_batch_size",
                 name="jensen_shannon_crossentropy", dtype=None):
        super().__init__(from_logits=from_logits, label_smoothing=label_smoothing, axis=-1,
                         reduction=reduction, name=name, dtype=dtype)
        self.num_splits = _validation.check_positive_int(num_splits, "num_splits")
        if self.num_splits < 2:
            raise ValueError("Argument `num_splits` must be >= 2 (the clean images and at "
                             f"least one view). Received: num_splits={num_splits}.")
        self.alpha = _validation.check_non_negative(alpha, "alpha")

    def call(self, y_true, y_pred):
        ops = keras.ops
        splits = self.num_splits
        batch = y_pred.shape[0]
        if batch is not None and batch % splits:
            raise ValueError(
                f"JensenShannonCrossentropy: the batch ({batch} rows) must hold "
                f"num_splits={splits} views of each image (a multiple of {splits}); build "
                "it with keras_reg.augment.consistency_views."
            )
        num_classes = self.class_axis(y_pred)[1]
        target = self.targets(y_true, y_pred, len(y_pred.shape) - 1, num_classes)
        target = _cross_entropy.smoothed(target, self.label_smoothing, num_classes)
        log_probs = _cross_entropy.log_probabilities(y_pred, self.from_logits, -1)
        log_probs = ops.reshape(log_probs, (splits, -1, num_classes))  # (S, B, K)
        clean_target = ops.reshape(target, (splits, -1, num_classes))[0]
        cross_entropy = _cross_entropy.cross_entropy(clean_target, log_probs[0], -1)
        probs = ops.exp(log_probs)
        log_mixture = ops.log(ops.clip(ops.mean(probs, axis=0), 1e-7, 1.0))
        divergence = ops.mean(ops.sum(probs * (log_probs - log_mixture), axis=-1), axis=0)
        per_image = cross_entropy + self.alpha * divergence
        return ops.tile(per_image, (splits,))

    def get_config(self):
        config = super().get_config()
        config.pop("axis")
        config.update(num_splits=self.num_splits, alpha=self.alpha)
        return config
