"""A callback's crash-recovery store: two generations of its state and the
weights copy they refer to, in one directory, written atomically, and
validated when read back. ``Backup`` is EarlyStopping's (the best weights);
a subclass names its own files, fields and owner (SWA keeps its average)."""

import math
import os
import warnings

from keras_reg._compat import distributed
from keras_reg.callbacks import _files

STATE_FILE = "keras_reg_early_stopping.json"
FILE_PREFIX = "keras_reg_early_stopping"
WEIGHTS_PREFIX = FILE_PREFIX + "_best_"


def _is_count(value):
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_finite_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _optional(check):
    return lambda value: value is None or check(value)


def is_weights_name(prefix):
    """A validator of a weights-file name: a bare name this store wrote
    (starting with ``prefix``), never a path to elsewhere."""
    return lambda value: isinstance(value, str) and value == os.path.basename(value) and (
        value.startswith(prefix)
    )


_FIELDS = {
    "next_epoch": lambda value: _is_count(value) and value >= 1,
    "best": _optional(_is_finite_number),
    "best_epoch": _optional(_is_count),
    "stopped_epoch": _optional(_is_count),
    "wait": _is_count,
    "smoothed": _optional(_is_finite_number),
    "weights_file": _optional(is_weights_name(WEIGHTS_PREFIX)),
}


class Backup:
    """Keeps the last two per-epoch states (``next_epoch`` says which epoch
    each lets training resume at) so that whichever epoch BackupAndRestore
    resumes at, a matching state exists even after a crash between the two
    callbacks' writes; if that one is damaged, the earlier one is used.

    A subclass sets the class attributes: its name in messages (``OWNER``),
    its files (``STATE_FILE``, ``FILE_PREFIX``, ``WEIGHTS_PREFIX``), the
    state's fields and their validators (``FIELDS``), the field whose change
    calls for a new weights copy (``WEIGHTS_KEY``: the copy holds the weights
    of that epoch), and what resuming without the state means
    (``RESTART_NOTE``)."""

    OWNER = "EarlyStopping"
    STATE_FILE = STATE_FILE
    FILE_PREFIX = FILE_PREFIX
    WEIGHTS_PREFIX = WEIGHTS_PREFIX
    FIELDS = _FIELDS
    WEIGHTS_KEY = "best_epoch"
    RESTART_NOTE = "the best value and patience count restart at the resumed epoch"

    def __init__(self, directory):
        self.directory = directory
        self.state_path = os.path.join(directory, self.STATE_FILE)
        self._generations = []

    def weights_path(self, generation):
        name = generation["weights_file"]
        return None if name is None else os.path.join(self.directory, name)

    def read(self):
        """The saved generations, or None if there is no backup. Raises
        ValueError, naming the file, if the state file is damaged."""
        if not os.path.exists(self.state_path):
            return None
        try:
            generations = self._parse(_files.read_json(self.state_path))
        except _files.BrokenFile as broken:
            raise self._unusable([broken]) from None
        return generations

    def _parse(self, data):
        generations = data.get("generations") if isinstance(data, dict) else None
        if not isinstance(generations, list) or not generations:
            raise _files.BrokenFile(self.state_path, "holds no list of saved states")
        for generation in generations:
            if not isinstance(generation, dict):
                raise _files.BrokenFile(self.state_path, f"holds {generation!r} as a state")
            for key, valid in self.FIELDS.items():
                if key not in generation or not valid(generation[key]):
                    raise _files.BrokenFile(
                        self.state_path,
                        f"holds {key}={generation.get(key, '<missing>')!r} in a saved state",
                    )
        return generations

    def resume(self, generations, epoch, apply):
        """Apply the state to resume ``epoch`` from with ``apply(generation)``
        (which raises ``BrokenFile`` for damaged files): the one saved for
        ``epoch``, else the latest earlier one (with a warning). Returns the
        generation used, or None; raises ValueError if none is usable."""
        candidates = sorted(
            (g for g in generations if g["next_epoch"] <= epoch),
            key=lambda g: g["next_epoch"],
            reverse=True,
        )
        broken = []
        for generation in candidates:
            try:
                apply(generation)
            except _files.BrokenFile as error:
                broken.append(error)
                continue
            used = f"the state saved for epoch {generation['next_epoch']}"
            if broken:
                skipped = "".join(f"\n  skipped: {b}" for b in broken)
                self._warn(f"has damaged files; resuming epoch {epoch} from {used}.{skipped}")
            elif generation["next_epoch"] != epoch:
                self._warn(
                    f"holds state up to epoch {generations[-1]['next_epoch']} but training "
                    f"resumes at epoch {epoch}; using {used}."
                )
            self._generations = [generation]
            return generation
        if broken:
            raise self._unusable(broken)
        self._warn(
            f"holds state for epochs after {epoch} only; {self.OWNER} starts afresh "
            f"at epoch {epoch}."
        )
        self._generations = []
        return None

    def _warn(self, message):
        warnings.warn(f"{self.OWNER}: the backup in {self.directory!r} {message}", stacklevel=4)

    def _unusable(self, broken):
        ours = sorted(n for n in os.listdir(self.directory) if n.startswith(self.FILE_PREFIX))
        lines = dict.fromkeys(f"\n  - {b.path}: {b.reason}" for b in broken)
        listed = "".join(lines)
        return ValueError(
            f"{self.OWNER}: the crash-recovery backup in {self.directory!r} cannot be "
            f"used:{listed}\nDelete {self.OWNER}'s files there ({', '.join(ours)}) to "
            f"resume without its state ({self.RESTART_NOTE}), or delete the directory "
            f"{self.directory!r} to restart training from scratch."
        )

    def save(self, state, snapshot):
        """Persist ``state``; if its ``WEIGHTS_KEY`` epoch (the best epoch) is
        new, first export a copy of those weights from ``snapshot`` (a
        strategy of ``_snapshot``, or None when no weights are kept)."""
        os.makedirs(self.directory, exist_ok=True)
        if not distributed.is_chief():
            return  # one writer per job: the path is shared (docs/scaling.md)
        previous = self._generations[-1] if self._generations else None
        weights_file = previous["weights_file"] if previous else None
        epoch = state[self.WEIGHTS_KEY]
        if snapshot is not None and epoch is not None and (
            previous is None or previous[self.WEIGHTS_KEY] != epoch or weights_file is None
        ):
            weights_file = f"{self.WEIGHTS_PREFIX}{epoch}{snapshot.extension}"
            snapshot.export(os.path.join(self.directory, weights_file))
        state = {**state, "weights_file": weights_file}
        self._generations = (self._generations + [state])[-2:]
        _files.write_json_atomic(self.state_path, {"generations": self._generations})
        keep = {g["weights_file"] for g in self._generations}
        for name in os.listdir(self.directory):
            if name.startswith(self.WEIGHTS_PREFIX) and name not in keep:
                os.remove(os.path.join(self.directory, name))

    def delete(self):
        """Remove everything this store wrote (training ended normally)."""
        self._generations = []
        if not os.path.isdir(self.directory) or not distributed.is_chief():
            return
        for name in os.listdir(self.directory):
            if name.startswith(self.FILE_PREFIX):
                os.remove(os.path.join(self.directory, name))

