"""Which process writes shared files: a single process is the chief; under
TensorFlow, TF_CONFIG's chief task, or worker 0 of a cluster without one.
(The JAX and torch rules run in the multi-process tests.)"""

import json

import keras
import pytest

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
