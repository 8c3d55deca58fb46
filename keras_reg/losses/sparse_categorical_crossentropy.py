"""Sparse categorical cross-entropy with label smoothing."""

import keras

from keras_reg.losses import _cross_entropy
from keras_reg.losses._base import CrossEntropyLoss


@keras.saving.register_keras_serializable(package="keras_reg")
class SparseCategoricalCrossentropy(CrossEntropyLoss):
    """Cross-entropy for integer class ids, with label smoothing.

    Keras's ``SparseCategoricalCrossentropy`` gains ``label_smoothing`` only
    in Keras 3.16; this loss gives it to Keras 3.8–3.15 with the same
    arguments and meaning. For the class id ``y`` and ``K`` classes,

    ```
    loss = (1 − s)·(−log p_y) + (s/K)·Σ_k (−log p_k)
    ```

    the cross-entropy against the smoothed one-hot target
    ``(1 − s)·onehot(y) + s/K`` (``s = label_smoothing``; ``s = 0`` is plain
    sparse cross-entropy). ``y_true`` has ``y_pred``'s shape without the
    class axis, or with a class axis of size 1. Keras's ``ignore_class`` is
    not offered: use Keras's loss for segmentation masks with a void class.
    A class id outside ``[0, K)`` is read as an all-zero row.

    Args:
        from_logits: whether ``y_pred`` holds logits (``True``) or
            probabilities (``False``, renormalized and clipped to
            ``[ε, 1 − ε]`` as Keras does).
        label_smoothing: ``s`` in ``[0, 1]``.
        axis: the class axis of ``y_pred``.
        reduction: as in ``keras.losses.Loss``.
        name: the loss's name.
        dtype: the dtype of the computation; ``None`` uses
            ``keras.config.floatx()``.

    Example:

    ```python
    loss = keras_reg.losses.SparseCategoricalCrossentropy(
        from_logits=True, label_smoothing=0.1)
    loss([0, 2], [[2.0, 0.5, -1.0], [0.1, 0.2, 3.0]])
    ```

    Reference:
        Szegedy et al., "Rethinking the Inception Architecture for Computer
        Vision", CVPR 2016, section 7.
    """

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size",
                 name="sparse_categorical_crossentropy", dtype=None):
        super().__init__(from_logits=from_logits, label_smoothing=label_smoothing,
                         axis=axis, reduction=reduction, name=name, dtype=dtype)

    def targets(self, y_true, y_pred, axis, num_classes):
        rank, true_rank = len(y_pred.shape), len(y_true.shape)
        if true_rank == rank and y_true.shape[axis] == 1:
            y_true = keras.ops.squeeze(y_true, axis=axis)
        elif true_rank != rank - 1:
            raise ValueError(
                f"SparseCategoricalCrossentropy: `y_true` must hold class ids, with the "
                f"shape of `y_pred` {tuple(y_pred.shape)} without its class axis (or with "
                f"a class axis of size 1). Received: y_true with shape "
                f"{tuple(y_true.shape)}."
            )
        return _cross_entropy.sparse_to_one_hot(y_true, num_classes, axis, y_pred.dtype)
