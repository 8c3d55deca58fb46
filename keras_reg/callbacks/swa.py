"""Stochastic weight averaging with BatchNorm re-estimation."""

import warnings

import keras

from keras_reg import _validation
from keras_reg.callbacks import _arguments, _averaging, _config, _files, _messages
from keras_reg.callbacks._snapshot import MemorySnapshot
from keras_reg.callbacks._swa_backup import AverageBackup
from keras_reg.callbacks.batch_norm import _batch_norm_layers, recompute_batch_norm_statistics


def _is_float(array):
    return array.dtype.kind == "f" or "float" in str(array.dtype)  # bfloat16 is kind "V"


@keras.saving.register_keras_serializable(package="keras_reg")
class StochasticWeightAveraging(_config.ArgumentsConfig, keras.callbacks.Callback):
    """Average the weights of the last epochs (SWA); re-estimate BatchNorm.

    Izmailov et al.'s algorithm: from ``start_epoch`` on, at the end of every
    ``update_every``-th epoch, the weights join an equal-weight running
    average, ``w̄ ← w̄ + (w − w̄)/(n + 1)``, ``n ← n + 1``; when training ends
    the model gets ``w̄``. Averaged weights come with BatchNorm moving
    statistics of other weights, so the statistics are then re-estimated by
    one pass over ``bn_data`` (see ``recompute_batch_norm_statistics``); a
    callback never sees ``fit``'s data, hence the argument, which is required
    when the model has a BatchNormalization layer that trains. Training runs
    on its own weights throughout (validation too: the average has no valid
    statistics before that pass).

    With ``swa_learning_rate``, the learning rate moves from its value when
    training began to the SWA rate over the ``anneal_epochs`` epochs before
    ``start_epoch`` (linearly, or along a half cosine) and stays there while
    averaging — the paper's schedule; ``torch.optim.swa_utils.SWALR`` anneals
    after averaging has begun instead. When training ends the optimizer gets
    its initial rate back. The optimizer's learning rate must then be a number,
    not a schedule. Float weights are averaged; other weights keep their last
    value.

    With ``backup_dir`` (BackupAndRestore's directory) the average, its count
    and the initial learning rate are written atomically at every epoch end
    and picked up when training resumes, so a crash and resume give the same
    average as an uninterrupted run; the files are deleted when training
    ends normally. List this callback after any that restores weights at the
    end of training (e.g. ``EarlyStopping(restore_best_weights=True)``): the
    last one to write the weights wins.

    Args:
        start_epoch: the first epoch (0-based) whose weights are averaged;
            must be below ``fit``'s ``epochs``.
        swa_learning_rate: the learning rate while averaging (> 0), or None
            to leave the learning rate alone.
        anneal_epochs: epochs before ``start_epoch`` over which the rate
            moves to ``swa_learning_rate`` (0: it changes at ``start_epoch``).
        anneal_strategy: ``"linear"`` or ``"cos"``.
        update_every: average every this many epochs (the cycle length).
        bn_data: training inputs for the BatchNorm pass: arrays, ``(x, y)``,
            or an iterable of batches (e.g. a ``tf.data.Dataset``). Not part
            of ``get_config``.
        bn_batch_size: batch size of that pass for array data.
        bn_steps: at most this many batches in that pass (None: all).
        backup_dir: directory for the crash-recovery state, or None.
        verbose: 1 prints a line when the average is put in the model.

    Attributes (after ``fit``): ``count`` (the number of averaged epochs),
    ``last_update_epoch``.

    Example:

    ```python
    swa = keras_reg.callbacks.StochasticWeightAveraging(
        start_epoch=75, swa_learning_rate=0.01, anneal_epochs=10, bn_data=x_train)
    model.fit(x_train, y_train, epochs=100, callbacks=[swa])
    ```

    Reference:
        Izmailov, Podoprikhin, Garipov, Vetrov & Wilson, "Averaging Weights
        Leads to Wider Optima and Better Generalization", UAI 2018.
    """

    NOT_IN_CONFIG = ("bn_data",)

    def __init__(self, start_epoch, swa_learning_rate=None, anneal_epochs=0,
                 anneal_strategy="linear", update_every=1, bn_data=None, bn_batch_size=32,
                 bn_steps=None, backup_dir=None, verbose=0):
        super().__init__()
        self.start_epoch = _arguments.check_count(start_epoch, "start_epoch")
        if swa_learning_rate is not None:
            swa_learning_rate = _validation.check_non_negative(
                swa_learning_rate, "swa_learning_rate"
            )
            if swa_learning_rate == 0:
                raise ValueError(
                    "Argument `swa_learning_rate` must be > 0 or None. "
                    f"Received: swa_learning_rate={swa_learning_rate!r}."
                )
        self.swa_learning_rate = swa_learning_rate
        self.anneal_epochs = _arguments.check_count(anneal_epochs, "anneal_epochs")
        if self.anneal_epochs > self.start_epoch:
            raise ValueError(
                "Argument `anneal_epochs` must be at most `start_epoch` (annealing takes the "
                f"epochs before it). Received: anneal_epochs={anneal_epochs}, "
                f"start_epoch={start_epoch}."
            )
        self.anneal_strategy = _validation.check_choice(
            anneal_strategy, "anneal_strategy", ("linear", "cos")
        )
        self.update_every = _validation.check_positive_int(update_every, "update_every")
        self.bn_data = bn_data
        self.bn_batch_size = _validation.check_positive_int(bn_batch_size, "bn_batch_size")
        self.bn_steps = None if bn_steps is None else _validation.check_positive_int(
            bn_steps, "bn_steps"
        )
        self.backup_dir = _arguments.check_backup_dir(backup_dir)
        self.verbose = _arguments.check_verbose(verbose)
        self._backup = None if self.backup_dir is None else AverageBackup(self.backup_dir)
        self._average = MemorySnapshot()  # .weights: the running average
        self.count = 0
        self.last_update_epoch = None
        self._initial_lr = None
        self._saved_generations = None

    # -- before training: everything that could fail later fails now -------------

    def on_train_begin(self, logs=None):
        epochs = (self.params or {}).get("epochs")
        if epochs is not None and self.start_epoch >= epochs:
            raise ValueError(
                f"StochasticWeightAveraging: start_epoch={self.start_epoch} is beyond this "
                f"run of {epochs} epochs (0-based epochs 0-{epochs - 1}); nothing would be "
                "averaged. Lower `start_epoch` or train longer."
            )
        if self.bn_data is None and _batch_norm_layers(self.model):
            names = [layer.name for layer in _batch_norm_layers(self.model)]
            raise ValueError(
                f"StochasticWeightAveraging: the model has BatchNormalization layers {names}, "
                "whose statistics must be re-estimated for the averaged weights; pass the "
                "training inputs as `bn_data` (arrays, (x, y), or a dataset)."
            )
        self._initial_lr = None
        if self.swa_learning_rate is not None:
            self._initial_lr = self._settable_learning_rate()
        self._average.release()
        self.count, self.last_update_epoch = 0, None
        self._saved_generations = None if self._backup is None else self._backup.read()

    def _settable_learning_rate(self):
        optimizer = self.model.optimizer
        value = float(keras.ops.convert_to_numpy(optimizer.learning_rate))
        try:
            optimizer.learning_rate = value  # raises for a LearningRateSchedule
        except TypeError:
            raise ValueError(
                "StochasticWeightAveraging: `swa_learning_rate` sets the optimizer's learning "
                "rate, but it follows a LearningRateSchedule. Give the optimizer a number "
                "as learning rate, or pass swa_learning_rate=None and let the schedule reach "
                "the rate to average at."
            ) from None
        return value

    # -- during training ------------------------------------------------------------

    def on_epoch_begin(self, epoch, logs=None):
        if self._saved_generations is not None:
            generations, self._saved_generations = self._saved_generations, None
            self._backup.resume(generations, epoch, self._resume_from)
        if self.swa_learning_rate is not None:
            rate = _averaging.swa_learning_rate(
                epoch, self._initial_lr, self.swa_learning_rate, self.start_epoch,
                self.anneal_epochs, self.anneal_strategy,
            )
            if rate is not None:
                self.model.optimizer.learning_rate = rate

    def _resume_from(self, generation):
        path = self._backup.weights_path(generation)
        if (path is None) != (generation["count"] == 0):
            raise _files.BrokenFile(
                self._backup.state_path,
                f"holds count={generation['count']} with weights file {path!r}",
            )
        if path is not None:
            self._average.import_copy(path, self.model)
        else:
            self._average.release()
        self.count = generation["count"]
        self.last_update_epoch = generation["last_update_epoch"]
        if generation["initial_learning_rate"] is not None:
            self._initial_lr = generation["initial_learning_rate"]

    def on_epoch_end(self, epoch, logs=None):
        since = epoch - self.start_epoch
        if since >= 0 and since % self.update_every == 0:
            weights = self.model.get_weights()
            previous = self._average.weights or weights
            self._average.weights = [
                _averaging.running_mean(a, w, self.count) if _is_float(w) else w
                for a, w in zip(previous, weights)
            ]
            self.count += 1
            self.last_update_epoch = epoch
        if self._backup is not None:
            state = {
                "next_epoch": epoch + 1,
                "count": self.count,
                "last_update_epoch": self.last_update_epoch,
                "initial_learning_rate": self._initial_lr,
            }
            self._backup.save(state, self._average)

    def on_train_end(self, logs=None):
        if self.count:
            self._put_average()
        else:
            warnings.warn(
                f"StochasticWeightAveraging: training ended before epoch {self.start_epoch}, "
                "where averaging starts; the model keeps its weights.",
                stacklevel=2,
            )
        if self._initial_lr is not None:
            self.model.optimizer.learning_rate = self._initial_lr
        if self._backup is not None:
            self._backup.delete()

    def _put_average(self):
        """The average into the model, then its BatchNorm statistics re-estimated."""
        self._average.restore(self.model)
        batches = 0
        if self.bn_data is not None:
            batches = recompute_batch_norm_statistics(
                self.model, self.bn_data, self.bn_batch_size, self.bn_steps
            )
        if self.verbose:
            _messages.print_msg(
                f"StochasticWeightAveraging: the model holds the average of {self.count} "
                f"epochs' weights (up to epoch {self.last_update_epoch + 1}); BatchNorm "
                f"statistics re-estimated on {batches} batches."
            )
