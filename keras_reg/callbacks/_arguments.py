"""EarlyStopping's argument checks that no other class shares."""

import math
import numbers
import os

from keras_reg import _validation


def check_count(value, name):
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(
            f"Argument `{name}` must be an integer >= 0. Received: {name}={value!r}."
        )
    return value


def check_baseline(baseline):
    if baseline is None:
        return None
    if isinstance(baseline, bool) or not isinstance(baseline, numbers.Real):
        raise TypeError(
            "Argument `baseline` must be a finite number or None. "
            f"Received: baseline={baseline!r} (type {type(baseline).__name__})."
        )
    if not math.isfinite(baseline):
        raise ValueError(f"Argument `baseline` must be finite. Received: baseline={baseline}.")
    return float(baseline)


def check_verbose(verbose):
    """0 (silent) or 1 (a line when stopping and restoring); any integer
    above 0 counts as 1, as in Keras."""
    if not isinstance(verbose, numbers.Integral) or verbose < 0:
        raise ValueError(
            f"Argument `verbose` must be 0 or 1. Received: verbose={verbose!r}."
        )
    return int(verbose)


def check_snapshot(snapshot):
    if snapshot == "memory":
        return snapshot
    if not isinstance(snapshot, (str, os.PathLike)) or not str(snapshot).endswith(".weights.h5"):
        raise ValueError(
            'Argument `snapshot` must be "memory" or a file path ending in '
            f'".weights.h5". Received: snapshot={snapshot!r}.'
        )
    snapshot = str(snapshot)
    _validation.check_writable_dir(os.path.dirname(snapshot), "snapshot", snapshot)
    return snapshot


def check_backup_dir(backup_dir):
    """``backup_dir`` as a string (or None); raises ValueError now if it could
    not hold the backup: it is a file, or it (or the nearest existing folder
    above it, where it would be created) is not writable."""
    if backup_dir is None:
        return None
    if not isinstance(backup_dir, (str, os.PathLike)) or not str(backup_dir):
        raise ValueError(
            "Argument `backup_dir` must be a directory path or None. "
            f"Received: backup_dir={backup_dir!r}."
        )
    backup_dir = str(backup_dir)
    existing = os.path.abspath(backup_dir)
    while not os.path.exists(existing):
        existing = os.path.dirname(existing)
    problem = None
    if not os.path.isdir(existing):
        problem = f"{existing!r} is a file, not a directory"
    elif not os.access(existing, os.W_OK | os.X_OK):
        problem = f"directory {existing!r} is not writable"
    if problem:
        raise ValueError(
            f"Argument `backup_dir` must be a writable directory (or one that can be "
            f"created): {problem}. Received: backup_dir={backup_dir!r}."
        )
    return backup_dir


def check_positive(value, name):
    """A number > 0 (a warmup's γ or power)."""
    value = _validation.check_non_negative(value, name)
    if value == 0:
        raise ValueError(f"Argument `{name}` must be > 0. Received: {name}={value!r}.")
    return value
