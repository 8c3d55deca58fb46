"""A claim docs/scaling.md makes of Keras, pinned: MultiWorkerMirroredStrategy
does not run Keras 3's ``fit`` (keras#20585). When a Keras release fixes it,
this test fails and the page must be updated (keras_reg builds nothing
around it)."""

import keras
import pytest

from tests.distributed import _launch

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(keras.backend.backend() != "tensorflow",
                       reason="runs once, in the tensorflow run (workers set their own backend)"),
]


def test_multi_worker_mirrored_strategy_fit_fails(tmp_path):
    ports = [_launch.free_port(), _launch.free_port()]
    while ports[1] == ports[0]:
        ports[1] = _launch.free_port()
    with _launch.Job("tensorflow", "_tf_multiworker_worker.py", tmp_path, *ports) as job:
        assert job.wait() == [0, 0], job.tails()
        for result in job.results():
            assert result["error"] is not None, "fit ran: update docs/scaling.md"
            assert result["error"].startswith("ValueError: Attempt to convert a value (PerReplica")
