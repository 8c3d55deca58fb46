"""The cross-entropy both losses of this package compute: a target
distribution (one-hot, smoothed, mixed) against predicted log-probabilities,
in the loss's dtype (float32 by default, also under a mixed-precision
policy)."""

import keras
from keras import ops


def log_probabilities(y_pred, from_logits, axis):
    """``log p`` along ``axis``: ``log_softmax`` of logits, or the log of
    probabilities renormalized to sum to 1 and clipped to ``[ε, 1 − ε]``
    (``ε = keras.config.epsilon()``), as Keras's categorical cross-entropy
    treats them."""
    if from_logits:
        return ops.log_softmax(y_pred, axis=axis)
    eps = keras.config.epsilon()
    probabilities = y_pred / ops.sum(y_pred, axis=axis, keepdims=True)
    return ops.log(ops.clip(probabilities, eps, 1.0 - eps))


def smoothed(target, label_smoothing, num_classes):
    """``(1 − s)·t + s/K``: the smoothing mass ``s`` spread evenly over the
    ``K`` classes (Szegedy et al. 2016, the form Keras and torch use)."""
    if not label_smoothing:
        return target
    return target * (1.0 - label_smoothing) + label_smoothing / num_classes


def cross_entropy(target, log_probs, axis):
    """``−Σ_k t_k · log p_k`` along ``axis``."""
    return -ops.sum(target * log_probs, axis=axis)


def sparse_to_one_hot(y_true, num_classes, axis, dtype):
    """Integer class labels (stored as floats by ``Loss.__call__``) as one-hot
    rows along ``axis``; a label outside ``[0, K)`` gives a zero row."""
    labels = ops.cast(ops.round(y_true), "int32")
    return ops.one_hot(labels, num_classes, axis=axis, dtype=dtype)
