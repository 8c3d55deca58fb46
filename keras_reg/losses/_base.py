"""What both cross-entropy losses share: argument checks, the class axis,
and the configuration."""

import keras

from keras_reg import _validation
from keras_reg.losses import _cross_entropy


class CrossEntropyLoss(keras.losses.Loss):
    """Base of keras_reg's cross-entropy losses; subclasses say how labels
    are read (``targets``)."""

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name=None, dtype=None):
        if not isinstance(from_logits, bool):
            raise TypeError(
                f"Argument `from_logits` must be True or False. "
                f"Received: from_logits={from_logits!r} (type {type(from_logits).__name__})."
            )
        if isinstance(axis, bool) or not isinstance(axis, int):
            raise ValueError(
                f"Argument `axis` must be an int. Received: axis={axis!r} "
                f"(type {type(axis).__name__})."
            )
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.from_logits = from_logits
        self.label_smoothing = _validation.check_rate(
            label_smoothing, "label_smoothing", upper_inclusive=True
        )
        self.axis = axis

    def class_axis(self, y_pred):
        """``axis`` as a non-negative index, and the static class count."""
        rank = len(y_pred.shape)
        if not -rank <= self.axis < rank:
            raise ValueError(
                f"{type(self).__name__}: argument `axis` must index a dimension of "
                f"`y_pred` (rank {rank}). Received: axis={self.axis}."
            )
        axis = self.axis % rank
        num_classes = y_pred.shape[axis]
        if num_classes is None:
            raise ValueError(
                f"{type(self).__name__} needs a static class dimension: y_pred has "
                f"shape {tuple(y_pred.shape)} with axis={self.axis}."
            )
        return axis, num_classes

    def targets(self, y_true, y_pred, axis, num_classes):
        raise NotImplementedError

    def call(self, y_true, y_pred):
        axis, num_classes = self.class_axis(y_pred)
        target = self.targets(y_true, y_pred, axis, num_classes)
        target = _cross_entropy.smoothed(target, self.label_smoothing, num_classes)
        log_probs = _cross_entropy.log_probabilities(y_pred, self.from_logits, axis)
        return _cross_entropy.cross_entropy(target, log_probs, axis)

    def get_config(self):
        config = super().get_config()
        config.update(
            from_logits=self.from_logits,
            label_smoothing=self.label_smoothing,
            axis=self.axis,
            # Keras's Loss leaves its dtype out of the config; keep it.
            dtype=self.dtype,
        )
        return config
