"""Restore-best early stopping that survives NaNs, noise and crashes."""

import os
import warnings

import keras

from keras_reg import _validation
from keras_reg.callbacks import _arguments, _config, _files, _messages, _random_state
from keras_reg.callbacks._backup import Backup
from keras_reg.callbacks._monitor import monitored_value
from keras_reg.callbacks._snapshot import make_snapshot
from keras_reg.callbacks._tracker import ImprovementTracker, resolve_mode


def _tracked(name, doc):
    """An attribute kept by the tracker, readable and settable here."""
    return property(
        lambda self: getattr(self._tracker, name),
        lambda self, value: setattr(self._tracker, name, value),
        doc=doc,
    )


@keras.saving.register_keras_serializable(package="keras_reg")
class EarlyStopping(_config.ArgumentsConfig, keras.callbacks.Callback):
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
      directory) the state — best value, smoothed value, counters, the
      best-weights snapshot and the state of the model's seed generators
      (dropout masks, augmentation draws) — is written atomically at every
      epoch end, validated and picked up when training resumes, and deleted
      when training ends normally. Resumed training ends with the same
      ``best_epoch``, ``stopped_epoch`` and bit-identical restored weights as
      an uninterrupted run (with ``fit(shuffle=False)``; see the docs for
      what the backup cannot carry). List this callback **before**
      ``BackupAndRestore``: two generations of state are kept, so a crash
      between the two callbacks' writes is recovered either way.
    * **Big models**: ``snapshot="path/best.weights.h5"`` keeps the best
      weights on disk (Keras's weights format) instead of in host RAM.
    * A ``monitor`` missing from the logs raises at the end of the first
      epoch, listing the keys there are (Keras only warns); so does one that
      logs several numbers (e.g. ``F1Score(average=None)`` over classes).

    Improvement (``mode="min"``; mirrored for ``"max"``), with ``d`` =
    ``min_delta`` (absolute) or ``min_delta·|best|`` (relative):
    ``s_t < best − d``. The wait counter resets only on an improvement that
    also beats ``baseline`` (if given); training stops when it reaches
    ``patience``. Epochs before ``start_from_epoch`` are ignored entirely.

    Args:
        monitor: the logs key to watch, e.g. ``"val_loss"``. Its value must
            hold one number (a float, or an array of size 1).
        mode: ``"min"``, ``"max"`` or ``"auto"`` (``"max"`` if the name has
            acc/auc/precision/recall/f1/iou/top_k in it, else ``"min"``).
        patience: epochs without improvement before stopping (>= 0).
        min_delta: the margin an improvement must exceed (>= 0).
        min_delta_mode: ``"absolute"`` or ``"relative"``.
        baseline: a finite number that must be beaten for the wait to reset.
        start_from_epoch: epochs to ignore at the start (warm-up).
        restore_best_weights: restore the best epoch's weights at the end.
        smoothing: ``β`` in ``[0, 1)``; 0 disables smoothing.
        snapshot: ``"memory"`` or a ``.weights.h5`` path in an existing,
            writable directory.
        backup_dir: directory for the crash-recovery state (a writable
            directory, or one that can be created), or ``None``.
        verbose: 1 prints a line when stopping and restoring.

    Attributes (after ``fit``): ``best``, ``best_epoch`` (``None`` if no epoch
    was finite), ``stopped_epoch`` (``None`` if it never stopped), ``wait``.

    Example:

    ```python
    stop = keras_reg.callbacks.EarlyStopping("val_loss", patience=10,
                                             smoothing=0.6)
    model.fit(x, y, validation_split=0.2, epochs=200, callbacks=[stop])
    ```
    """

    best = _tracked("best", "The best (smoothed) monitored value, or None.")
    best_epoch = _tracked("best_epoch", "The epoch of ``best`` (0-based), or None.")
    stopped_epoch = _tracked("stopped_epoch", "The epoch training stopped at, or None.")
    wait = _tracked("wait", "Epochs since the wait counter was last reset.")
    smoothed = _tracked("smoothed", "The current smoothed value, or None.")

    def __init__(
        self,
        monitor: str = "val_loss",
        mode: str = "auto",
        patience: int = 5,
        min_delta: float = 0.0,
        min_delta_mode: str = "absolute",
        baseline: float | None = None,
        start_from_epoch: int = 0,
        restore_best_weights: bool = True,
        smoothing: float = 0.0,
        snapshot: str | os.PathLike = "memory",
        backup_dir: str | os.PathLike | None = None,
        verbose: int = 0,
    ):
        super().__init__()
        if not isinstance(monitor, str) or not monitor:
            raise TypeError(f"Argument `monitor` must be a logs key. Received: {monitor!r}.")
        self.monitor = monitor
        self.mode = _validation.check_choice(mode, "mode", ("auto", "min", "max"))
        self.patience = _arguments.check_count(patience, "patience")
        self.min_delta = _validation.check_non_negative(min_delta, "min_delta")
        self.min_delta_mode = _validation.check_choice(
            min_delta_mode, "min_delta_mode", ("absolute", "relative")
        )
        self.baseline = _arguments.check_baseline(baseline)
        self.start_from_epoch = _arguments.check_count(start_from_epoch, "start_from_epoch")
        self.restore_best_weights = bool(restore_best_weights)
        self.smoothing = _validation.check_rate(smoothing, name="smoothing")
        self.snapshot = _arguments.check_snapshot(snapshot)
        self.backup_dir = _arguments.check_backup_dir(backup_dir)
        self.verbose = _arguments.check_verbose(verbose)

        self._tracker = ImprovementTracker(
            mode=resolve_mode(mode, monitor),
            patience=self.patience,
            min_delta=self.min_delta,
            relative_delta=self.min_delta_mode == "relative",
            baseline=self.baseline,
            smoothing=self.smoothing,
            start_from_epoch=self.start_from_epoch,
        )
        self._snapshot = make_snapshot(self.snapshot) if self.restore_best_weights else None
        self._backup = None if self.backup_dir is None else Backup(self.backup_dir)
        self._saved_generations = None

    # -- callback hooks --------------------------------------------------------------

    def on_train_begin(self, logs=None):
        self._tracker.reset()
        # Read now (a damaged backup fails before any training), applied at
        # the first epoch: BackupAndRestore, listed after this callback,
        # sets the epoch training resumes at in its own on_train_begin.
        self._saved_generations = None if self._backup is None else self._backup.read()

    def on_epoch_begin(self, epoch, logs=None):
        if self._saved_generations is not None:
            generations, self._saved_generations = self._saved_generations, None
            self._backup.resume(generations, epoch, self._resume_from)

    def _resume_from(self, generation):
        """Load a saved state; raises BrokenFile before changing anything
        if one of its files is damaged or does not fit the model."""
        seeds = generation.get("seed_states")  # absent in keras_reg 0.1.0 backups
        if seeds is not None:
            _random_state.check(seeds, self.model, self._backup.state_path)
        if self._snapshot is not None and generation["best_epoch"] is not None:
            path = self._backup.weights_path(generation)
            if path is None:
                raise _files.BrokenFile(
                    self._backup.state_path, "names no best-weights file for its best epoch"
                )
            # Never into the model: it holds BackupAndRestore's latest
            # weights and optimizer state, which training continues from.
            self._snapshot.import_copy(path, self.model)
        if seeds is not None:
            _random_state.assign(seeds, self.model)
        self._tracker.load_state(generation)

    def on_epoch_end(self, epoch, logs=None):
        value = monitored_value(logs, self.monitor, epoch)
        improved, stop = self._tracker.update(epoch, value)
        if improved and self._snapshot is not None:
            self._snapshot.capture(self.model)
        if stop:
            self.model.stop_training = True
            self._say(f"Epoch {epoch + 1}: early stopping (best epoch {self._best_text()}).")
        if self._backup is not None:
            state = {
                "next_epoch": epoch + 1,
                **self._tracker.state(),
                "seed_states": _random_state.capture(self.model),
            }
            self._backup.save(state, self._snapshot)

    def on_train_end(self, logs=None):
        if self.restore_best_weights:
            if self.best_epoch is None:
                warnings.warn(
                    f"EarlyStopping: no epoch had a finite {self.monitor!r}; the "
                    "weights were not restored (they are those of the last epoch).",
                    stacklevel=2,
                )
            else:
                self._snapshot.restore(self.model)
                self._say(f"Restored the weights of epoch {self._best_text()}.")
            self._snapshot.release()
        if self._backup is not None:
            self._backup.delete()

    def _best_text(self):
        return "none" if self.best_epoch is None else f"{self.best_epoch + 1}, {self.best:.6g}"

    def _say(self, message):
        if self.verbose:
            _messages.print_msg(message)

