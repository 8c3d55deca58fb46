"""Cross-entropy against soft targets (mixed, smoothed), sparse labels too."""

import keras

from keras_reg.losses import _cross_entropy
from keras_reg.losses._base import CrossEntropyLoss


@keras.saving.register_keras_serializable(package="keras_reg")
class SoftTargetCrossentropy(CrossEntropyLoss):
    """Cross-entropy between a target distribution and the prediction, for
    labels that are soft (MixUp, CutMix, distillation) *or* sparse.

    For a target distribution ``t`` over ``K`` classes and predicted
    probabilities ``p`` (``softmax`` of the logits when ``from_logits``),

    ```
    loss = −Σ_k t'_k · log p_k,    t' = (1 − s)·t + s/K
    ```

    with ``s = label_smoothing``. ``y_true`` may be either

    - a distribution of the shape of ``y_pred`` (one-hot, smoothed or mixed
      rows; each row should sum to 1), or
    - integer class ids, with ``y_pred``'s shape less the class axis, or
      with a class axis of size 1, read as one-hot rows.

    Which one is decided from the static shapes, so one compiled model
    trains on mixed (soft) batches and evaluates on a validation set whose
    labels are plain class ids; Keras's ``CategoricalCrossentropy`` refuses
    the latter and ``SparseCategoricalCrossentropy`` the former. For one-hot
    or soft ``y_true`` the value equals Keras's ``CategoricalCrossentropy``
    with the same arguments. Computed in the loss's ``dtype`` (float32 by
    default, also when the model runs under ``mixed_float16``). A class id
    outside ``[0, K)`` is read as an all-zero row (loss ``s``-weighted only);
    the label mixers of ``keras_reg.augment`` check ids before mixing.

    Args:
        from_logits: whether ``y_pred`` holds logits (``True``) or
            probabilities (``False``, renormalized to sum to 1 and clipped
            to ``[ε, 1 − ε]`` as Keras does).
        label_smoothing: ``s`` in ``[0, 1]``; ``0.1`` is the ImageNet recipe's
            value (Szegedy et al.; DeiT).
        axis: the class axis of ``y_pred``.
        reduction: as in ``keras.losses.Loss`` (``"sum_over_batch_size"``,
            ``"sum"``, ``"mean"``, ``"none"`` or ``None``).
        name: the loss's name.
        dtype: the dtype of the computation; ``None`` uses
            ``keras.config.floatx()``.

    Example:

    ```python
    model.compile(
        optimizer="adam",
        loss=keras_reg.losses.SoftTargetCrossentropy(from_logits=True,
                                                    label_smoothing=0.1),
    )
    model.fit(mixed_train_ds, validation_data=(x_val, class_ids_val))
    ```

    Reference:
        Szegedy et al., "Rethinking the Inception Architecture for Computer
        Vision", CVPR 2016 (label smoothing); Zhang et al., "mixup: Beyond
        Empirical Risk Minimization", ICLR 2018 (soft targets).
    """

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="soft_target_crossentropy",
                 dtype=None):
        super().__init__(from_logits=from_logits, label_smoothing=label_smoothing,
                         axis=axis, reduction=reduction, name=name, dtype=dtype)

    def targets(self, y_true, y_pred, axis, num_classes):
        rank, true_rank = len(y_pred.shape), len(y_true.shape)
        if true_rank == rank - 1:
            return _cross_entropy.sparse_to_one_hot(y_true, num_classes, axis, y_pred.dtype)
        if true_rank == rank and y_true.shape[axis] == num_classes:
            return y_true
        if true_rank == rank and y_true.shape[axis] == 1:
            y_true = keras.ops.squeeze(y_true, axis=axis)
            return _cross_entropy.sparse_to_one_hot(y_true, num_classes, axis, y_pred.dtype)
        raise ValueError(
            f"SoftTargetCrossentropy: `y_true` must have the shape of `y_pred` "
            f"{tuple(y_pred.shape)} (a distribution over its {num_classes} classes) or "
            f"that shape without the class axis (class ids). Received: y_true with "
            f"shape {tuple(y_true.shape)}."
        )
