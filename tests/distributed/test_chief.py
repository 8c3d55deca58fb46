"""Which process writes shared files: a single process is the chief; under
TensorFlow, TF_CONFIG's chief task, or worker 0 of a cluster without one.
(The JAX and torch rules run in the multi-process tests.)"""

import json

import keras
import numpy as np
import pytest

import keras_reg
from keras_reg._compat import distributed


def test_a_single_process_is_the_chief():
    assert distributed.is_chief()
    assert distributed.torch_rank() is None


@pytest.mark.skipif(keras.backend.backend() != "tensorflow",
                    reason="TF_CONFIG is TensorFlow's cluster description")
@pytest.mark.parametrize("cluster, task, chief", [
    ({"worker": ["a:1", "b:2"]}, ("worker", 0), True),
    ({"worker": ["a:1", "b:2"]}, ("worker", 1), False),
    ({"chief": ["c:0"], "worker": ["a:1"]}, ("chief", 0), True),
    ({"chief": ["c:0"], "worker": ["a:1"]}, ("worker", 0), False),
])
def test_tensorflow_chief_from_tf_config(monkeypatch, cluster, task, chief):
    monkeypatch.setenv("TF_CONFIG", json.dumps(
        {"cluster": cluster, "task": {"type": task[0], "index": task[1]}}))
    assert distributed.is_chief() is chief


@pytest.mark.parametrize("chief", [True, False])
def test_only_the_chief_writes_the_early_stopping_backup(monkeypatch, tmp_path, chief):
    # The single-process wiring of what the multi-process tests check.
    monkeypatch.setattr(distributed, "is_chief", lambda: chief)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    seen = []

    class Look(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen.append(sorted(p.name for p in tmp_path.iterdir()))

    stop = keras_reg.callbacks.EarlyStopping("loss", patience=5, backup_dir=str(tmp_path))
    model.fit(np.ones((4, 3)), np.ones((4, 1)), epochs=2, verbose=0, callbacks=[stop, Look()])
    if chief:
        assert all("keras_reg_early_stopping.json" in names for names in seen)
    else:
        assert seen == [[], []]
