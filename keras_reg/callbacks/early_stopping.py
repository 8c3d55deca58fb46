"""Restore-best early stopping that survives NaNs, noise and crashes."""

import math
import os
import warnings

import keras

from keras_reg import _validation
from keras_reg.callbacks import _files, _messages
from keras_reg.callbacks._backup import Backup

_MAX_HINTS = ("acc", "auc", "precision", "recall", "f1", "iou", "top_k")


def _resolve_mode(mode, monitor):
    if mode != "auto":
        return mode
    name = monitor.lower()
    return "max" if any(hint in name for hint in _MAX_HINTS) else "min"


@keras.saving.register_keras_serializable(package="keras_reg")
class EarlyStopping(keras.callbacks.Callback):
    """Stop when a monitored value stops improving; restore the best weights.

    The tutorial's algorithm (Prechelt, "Early Stopping — But When?", 1998):
    track the best monitored value, count epochs without improvement, stop
    after ``patience`` of them, and restore the weights of the best epoch —
    at the end of training whether or not patience ran out. What it adds over
    ``keras.callbacks.EarlyStopping``:

    * **NaN/inf-proof**: a non-finite value never becomes "best" and counts
      as an epoch without improvement (Keras makes a NaN first epoch the best
      forever). If no epoch was finite, nothing is restored and a warning says
      why.
    * **Noise**: with ``smoothing = β > 0`` the decision uses the exponential
      moving average ``s_t = β·s_{t−1} + (1 − β)·v_t`` (``s_0 = v_0``, the
      first finite monitored value; non-finite values leave ``s`` unchanged),
      and ``best`` is the best ``s_t``.
    * **Relative ``min_delta``**: with ``min_delta_mode="relative"`` a value
      improves on ``best`` only by more than ``min_delta·|best|``.
    * **Crash-proof**: with ``backup_dir`` (typically BackupAndRestore's
      directory) the state — best value, smoothed value, counters and the
      best-weights snapshot — is written atomically at every epoch end,
      picked up in ``on_train_begin`` when training resumes, and deleted when
      training ends normally. Resumed training ends with the same
      ``best_epoch``, ``stopped_epoch`` and bit-identical restored weights as
      an uninterrupted run. List this callback **before**
      ``BackupAndRestore``: two generations of state are kept, so a crash
      between the two callbacks' writes is recovered either way.
    * **Big models**: ``snapshot="path/best.weights.h5"`` keeps the best
      weights on disk (Keras's weights format) instead of in host RAM.
    * A ``monitor`` missing from the logs raises at the end of the first
      epoch, listing the keys there are (Keras only warns).

    Improvement (``mode="min"``; mirrored for ``"max"``), with ``d`` =
    ``min_delta`` (absolute) or ``min_delta·|best|`` (relative):
    ``s_t < best − d``. The wait counter resets only on an improvement that
    also beats ``baseline`` (if given); training stops when it reaches
    ``patience``. Epochs before ``start_from_epoch`` are ignored entirely.

    Args:
        monitor: the logs key to watch, e.g. ``"val_loss"``.
        mode: ``"min"``, ``"max"`` or ``"auto"`` (``"max"`` if the name has
            acc/auc/precision/recall/f1/iou/top_k in it, else ``"min"``).
        patience: epochs without improvement before stopping (>= 0).
        min_delta: the margin an improvement must exceed (>= 0).
        min_delta_mode: ``"absolute"`` or ``"relative"``.
        baseline: a value that must be beaten for the wait to reset.
        start_from_epoch: epochs to ignore at the start (warm-up).
        restore_best_weights: restore the best epoch's weights at the end.
        smoothing: ``β`` in ``[0, 1)``; 0 disables smoothing.
        snapshot: ``"memory"`` or a ``.weights.h5`` path in an existing,
            writable directory.
        backup_dir: directory for the crash-recovery state, or ``None``.
        verbose: 1 prints a line when stopping and restoring.

    Attributes (after ``fit``): ``best``, ``best_epoch`` (``None`` if no epoch
    was finite), ``stopped_epoch`` (``None`` if it never stopped), ``wait``.

    Example:

    >>> stop = keras_reg.callbacks.EarlyStopping("val_loss", patience=10,
    ...                                          smoothing=0.6)
    >>> model.fit(x, y, validation_split=0.2, epochs=200, callbacks=[stop])
    """

    def __init__(
        self,
        monitor="val_loss",
        mode="auto",
        patience=5,
        min_delta=0.0,
        min_delta_mode="absolute",
        baseline=None,
        start_from_epoch=0,
        restore_best_weights=True,
        smoothing=0.0,
        snapshot="memory",
        backup_dir=None,
        verbose=0,
    ):
        super().__init__()
        if not isinstance(monitor, str) or not monitor:
            raise TypeError(f"Argument `monitor` must be a logs key. Received: {monitor!r}.")
        self.monitor = monitor
        self.mode = _validation.check_choice(mode, "mode", ("auto", "min", "max"))
        self.patience = self._check_count(patience, "patience")
        self.min_delta = _validation.check_non_negative(min_delta, "min_delta")
        self.min_delta_mode = _validation.check_choice(
            min_delta_mode, "min_delta_mode", ("absolute", "relative")
        )
        if baseline is not None:
            baseline = float(baseline)
            if not math.isfinite(baseline):
                raise ValueError(f"Argument `baseline` must be finite. Received: {baseline}.")
        self.baseline = baseline
        self.start_from_epoch = self._check_count(start_from_epoch, "start_from_epoch")
        self.restore_best_weights = bool(restore_best_weights)
        self.smoothing = _validation.check_rate(smoothing, name="smoothing")
        if snapshot != "memory":
            if not isinstance(snapshot, (str, os.PathLike)) or not str(snapshot).endswith(
                ".weights.h5"
            ):
                raise ValueError(
                    'Argument `snapshot` must be "memory" or a file path ending in '
                    f'".weights.h5". Received: snapshot={snapshot!r}.'
                )
            snapshot = str(snapshot)
            _validation.check_writable_dir(os.path.dirname(snapshot), "snapshot", snapshot)
        self.snapshot = snapshot
        if backup_dir is not None:
            backup_dir = str(backup_dir)
        self.backup_dir = backup_dir
        self._backup = None if backup_dir is None else Backup(backup_dir)
        self.verbose = int(verbose)
        self._direction = 1.0 if _resolve_mode(mode, monitor) == "min" else -1.0
        self._reset()

    @staticmethod
    def _check_count(value, name):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(
                f"Argument `{name}` must be an integer >= 0. Received: {name}={value!r}."
            )
        return value

    # -- state -----------------------------------------------------------------------

    def _reset(self):
        self.best = None
        self.best_epoch = None
        self.stopped_epoch = None
        self.wait = 0
        self.smoothed = None
        self._best_weights = None
        self._pending_resume = None

    def _state(self, next_epoch):
        return {
            "next_epoch": next_epoch,
            "best": self.best,
            "best_epoch": self.best_epoch,
            "stopped_epoch": self.stopped_epoch,
            "wait": self.wait,
            "smoothed": self.smoothed,
        }

    def _load_state(self, state):
        self.best = state["best"]
        self.best_epoch = state["best_epoch"]
        self.stopped_epoch = state["stopped_epoch"]
        self.wait = state["wait"]
        self.smoothed = state["smoothed"]
        self._best_weights = None
        path = self._backup.weights_path(state)
        if path is None or not self.restore_best_weights:
            return
        # Never load into the model here: it holds BackupAndRestore's latest
        # weights and optimizer state, which training continues from.
        if self.snapshot == "memory":
            self._best_weights = _files.read_arrays(path)
        else:
            _files.copy_atomic(path, self.snapshot)

    def _write_best(self, stem):
        """Write the best weights for the backup without touching the model:
        the arrays as .npz (memory mode) or a copy of the disk snapshot."""
        if not self.restore_best_weights:
            return None
        if self.snapshot == "memory":
            _files.write_arrays_atomic(stem + ".npz", self._best_weights)
            return os.path.basename(stem) + ".npz"
        _files.copy_atomic(self.snapshot, stem + ".weights.h5")
        return os.path.basename(stem) + ".weights.h5"

    # -- decision --------------------------------------------------------------------

    def _is_improvement(self, value, reference):
        if reference is None:
            return True
        delta = self.min_delta
        if self.min_delta_mode == "relative":
            delta *= abs(reference)
        return self._direction * (reference - value) > delta

    def _observe(self, value):
        """Update the smoothed value; return the value to compare, or None."""
        if value is None or not math.isfinite(value):
            return None
        if self.smoothed is None or self.smoothing == 0.0:
            self.smoothed = value
        else:
            self.smoothed = self.smoothing * self.smoothed + (1 - self.smoothing) * value
        return self.smoothed

    # -- callback hooks --------------------------------------------------------------

    def on_train_begin(self, logs=None):
        self._reset()
        if self._backup is not None:
            self._pending_resume = self._backup.load()

    def on_epoch_begin(self, epoch, logs=None):
        if self._pending_resume is None:
            return
        generations, self._pending_resume = self._pending_resume, None
        chosen = self._backup.choose(generations, epoch)
        if chosen is not None:
            self._load_state(chosen)

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.monitor not in logs:
            raise ValueError(
                f"EarlyStopping: monitor={self.monitor!r} is not in the logs of epoch "
                f"{epoch}. Available keys: {sorted(logs)}. (Validation keys such as "
                "'val_loss' need validation data.)"
            )
        if epoch >= self.start_from_epoch:
            self._update(epoch, float(logs[self.monitor]))
        if self._backup is not None:
            self._backup.save(self._state(epoch + 1), self._write_best)

    def _update(self, epoch, raw):
        value = self._observe(raw)
        if value is not None and self._is_improvement(value, self.best):
            self.best, self.best_epoch = value, epoch
            self._snapshot_best()
            if self.baseline is None or self._is_improvement(value, self.baseline):
                self.wait = 0
                return
        self.wait += 1
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True
            if self.verbose:
                _messages.print_msg(
                    f"Epoch {epoch + 1}: early stopping (best epoch {self._fmt_best()})."
                )

    def _fmt_best(self):
        return "none" if self.best_epoch is None else f"{self.best_epoch + 1}, {self.best:.6g}"

    def _snapshot_best(self):
        if not self.restore_best_weights:
            return
        if self.snapshot == "memory":
            self._best_weights = self.model.get_weights()
        else:
            _files.save_weights_atomic(self.model, self.snapshot)

    def on_train_end(self, logs=None):
        if self.restore_best_weights:
            if self.best_epoch is None:
                warnings.warn(
                    f"EarlyStopping: no epoch had a finite {self.monitor!r}; the "
                    "weights were not restored (they are those of the last epoch).",
                    stacklevel=2,
                )
            else:
                if self.snapshot == "memory":
                    self.model.set_weights(self._best_weights)
                else:
                    self.model.load_weights(self.snapshot)
                if self.verbose:
                    _messages.print_msg(
                        f"Restored the weights of epoch {self._fmt_best()}."
                    )
        self._best_weights = None
        if self._backup is not None:
            self._backup.delete()

    def get_config(self):
        return {
            "monitor": self.monitor,
            "mode": self.mode,
            "patience": self.patience,
            "min_delta": self.min_delta,
            "min_delta_mode": self.min_delta_mode,
            "baseline": self.baseline,
            "start_from_epoch": self.start_from_epoch,
            "restore_best_weights": self.restore_best_weights,
            "smoothing": self.smoothing,
            "snapshot": self.snapshot,
            "backup_dir": self.backup_dir,
            "verbose": self.verbose,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)
