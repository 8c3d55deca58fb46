"""SWA's crash-recovery store: EarlyStopping's two-generation backup, with the
running average (and its count) as the weights copy."""

from keras_reg.callbacks import _backup

FILE_PREFIX = "keras_reg_swa"
WEIGHTS_PREFIX = FILE_PREFIX + "_average_"


class AverageBackup(_backup.Backup):
    OWNER = "StochasticWeightAveraging"
    STATE_FILE = FILE_PREFIX + ".json"
    FILE_PREFIX = FILE_PREFIX
    WEIGHTS_PREFIX = WEIGHTS_PREFIX
    FIELDS = {
        "next_epoch": lambda value: _backup._is_count(value) and value >= 1,
        "count": _backup._is_count,
        "last_update_epoch": _backup._optional(_backup._is_count),
        "initial_learning_rate": _backup._optional(_backup._is_finite_number),
        "weights_file": _backup._optional(_backup.is_weights_name(WEIGHTS_PREFIX)),
    }
    # A new copy of the average whenever it took in another epoch.
    WEIGHTS_KEY = "last_update_epoch"
    RESTART_NOTE = "the average restarts empty at the resumed epoch"
