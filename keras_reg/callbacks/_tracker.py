"""The decision part of early stopping, in plain Python: smoothing, the
improvement test, the patience counter and the best value. No model, no
Keras; ``EarlyStopping`` feeds it one number per epoch."""

import math

# Monitor names whose better values are higher, for ``mode="auto"``.
_MAX_HINTS = ("acc", "auc", "precision", "recall", "f1", "iou", "top_k")


def resolve_mode(mode, monitor):
    """``"min"`` or ``"max"``: ``mode`` itself, or guessed from the name."""
    if mode != "auto":
        return mode
    name = monitor.lower()
    return "max" if any(hint in name for hint in _MAX_HINTS) else "min"


class ImprovementTracker:
    """Follows one monitored series and says when it stopped improving.

    For ``mode="min"`` (mirrored for ``"max"``): the compared value is
    ``s_t = β·s_{t−1} + (1 − β)·v_t`` (``β = smoothing``; ``s`` starts at the
    first finite ``v``, non-finite values leave it unchanged and count as no
    improvement); ``s_t`` improves on ``best`` if ``s_t < best − d`` with
    ``d = min_delta`` or ``min_delta·|best|`` (relative). An improvement sets
    ``best``; it resets ``wait`` only if it also improves on ``baseline``.
    Otherwise ``wait`` grows by one, and at ``wait >= patience`` (never at
    epoch 0) the tracker records ``stopped_epoch``. Epochs before
    ``start_from_epoch`` are ignored.
    """

    STATE_KEYS = ("best", "best_epoch", "stopped_epoch", "wait", "smoothed")

    def __init__(self, mode="min", patience=0, min_delta=0.0, relative_delta=False,
                 baseline=None, smoothing=0.0, start_from_epoch=0):
        self.sign = 1.0 if mode == "min" else -1.0
        self.patience = patience
        self.min_delta = min_delta
        self.relative_delta = relative_delta
        self.baseline = baseline
        self.smoothing = smoothing
        self.start_from_epoch = start_from_epoch
        self.reset()

    def reset(self):
        self.best = None
        self.best_epoch = None
        self.stopped_epoch = None
        self.wait = 0
        self.smoothed = None

    def state(self):
        """The counters as a JSON-ready dict (see ``load_state``)."""
        return {key: getattr(self, key) for key in self.STATE_KEYS}

    def load_state(self, state):
        for key in self.STATE_KEYS:
            setattr(self, key, state[key])

    def improves(self, value, reference):
        """Whether ``value`` beats ``reference`` (None: anything does)."""
        if reference is None:
            return True
        delta = self.min_delta * abs(reference) if self.relative_delta else self.min_delta
        return self.sign * (reference - value) > delta

    def _smooth(self, value):
        """Fold ``value`` into ``smoothed``; the value to compare, or None."""
        if not math.isfinite(value):
            return None
        if self.smoothed is None or self.smoothing == 0.0:
            self.smoothed = value
        else:
            self.smoothed = self.smoothing * self.smoothed + (1 - self.smoothing) * value
        return self.smoothed

    def update(self, epoch, value):
        """Take epoch ``epoch``'s value; return ``(improved, stop)``:
        whether it became the new best, and whether to stop now."""
        if epoch < self.start_from_epoch:
            return False, False
        compared = self._smooth(value)
        improved = compared is not None and self.improves(compared, self.best)
        if improved:
            self.best, self.best_epoch = compared, epoch
            if self.baseline is None or self.improves(compared, self.baseline):
                self.wait = 0
                return True, False
        self.wait += 1
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            return improved, True
        return improved, False
