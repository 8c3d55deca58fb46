"""EarlyStopping's crash-recovery store: two generations of its state and the
best-weights snapshot they refer to, in one directory, written atomically."""

import os
import warnings

from keras_reg.callbacks import _files

STATE_FILE = "keras_reg_early_stopping.json"
WEIGHTS_PREFIX = "keras_reg_early_stopping_best_"


class Backup:
    """Keeps the last two per-epoch states (``next_epoch`` says which epoch
    each lets training resume at) so that whichever epoch BackupAndRestore
    resumes at, a matching state exists even after a crash between the two
    callbacks' writes."""

    def __init__(self, directory):
        self.directory = directory
        self._generations = []

    def _path(self, name):
        return os.path.join(self.directory, name)

    def load(self):
        """The saved generations, or None if there is no backup."""
        path = self._path(STATE_FILE)
        if not os.path.exists(path):
            return None
        return _files.read_json(path)["generations"]

    def choose(self, generations, epoch):
        """The generation to resume ``epoch`` from (warns if none matches)."""
        usable = [g for g in generations if g["next_epoch"] <= epoch]
        exact = [g for g in usable if g["next_epoch"] == epoch]
        if not exact:
            warnings.warn(
                f"EarlyStopping: the backup in {self.directory!r} holds state up to "
                f"epoch {generations[-1]['next_epoch']} but training resumes at epoch "
                f"{epoch}; using the closest earlier state.",
                stacklevel=3,
            )
        chosen = (exact or usable or [None])[-1]
        self._generations = [] if chosen is None else [chosen]
        return chosen

    def weights_path(self, state):
        return None if state["weights_file"] is None else self._path(state["weights_file"])

    def save(self, state, write_best):
        """Persist ``state``; if its best epoch is new, first write the best
        weights with ``write_best(path_stem) -> file name``."""
        os.makedirs(self.directory, exist_ok=True)
        previous = self._generations[-1] if self._generations else None
        weights_file = previous["weights_file"] if previous else None
        if state["best_epoch"] is not None and (
            previous is None or previous["best_epoch"] != state["best_epoch"]
        ):
            weights_file = write_best(self._path(f"{WEIGHTS_PREFIX}{state['best_epoch']}"))
        state = {**state, "weights_file": weights_file}
        self._generations = (self._generations + [state])[-2:]
        _files.write_json_atomic(self._path(STATE_FILE), {"generations": self._generations})
        keep = {g["weights_file"] for g in self._generations}
        for name in os.listdir(self.directory):
            if name.startswith(WEIGHTS_PREFIX) and name not in keep:
                os.remove(self._path(name))

    def delete(self):
        """Remove everything this store wrote (training ended normally)."""
        self._generations = []
        if not os.path.isdir(self.directory):
            return
        for name in os.listdir(self.directory):
            if name.startswith("keras_reg_early_stopping"):
                os.remove(self._path(name))
