"""keras_reg in a two-process torch job: DistributedDataParallel (gloo)
around a Keras model, a custom training loop (Keras's torch multi-GPU
guide) driving keras_reg's optimizer and callback."""

import keras
import numpy as np
import pytest

from tests.distributed import _launch
from tests.distributed import _workers_common as common

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(keras.backend.backend() != "torch",
                       reason="runs once, in the torch run (its workers set their own backend)"),
]

STEPS_PER_EPOCH = 32 // common.PER_PROCESS_BATCH


KILL_EPOCH = 3


def run_job(work_dir, kill_epoch=-1):
    with _launch.Job("torch", "_torch_worker.py", work_dir, work_dir, kill_epoch) as job:
        if kill_epoch < 0:
            assert job.wait() == [0, 0], job.tails()
            return job.results()
        # Rank 1 dies mid-epoch; rank 0 then waits in a collective until
        # the job manager (here, the test) ends it.
        assert job.wait(index=1) == [-9], job.tails()
    return None


@pytest.fixture(scope="module")
def job(tmp_path_factory):
    return run_job(tmp_path_factory.mktemp("torch_job"))


def test_ddp_overwrites_seeds_set_per_process(job):
    # Dropout(seed=1 + rank): after DDP's broadcast both ranks hold rank 0's
    # state. (Why keras_reg folds the rank in when it draws.)
    assert job[0]["seed_state_after_ddp"] == job[1]["seed_state_after_ddp"] == [[1, 0]]


def test_masks_and_augmentations_differ_across_processes(job):
    # Both ranks run the same code with the same seeds, and DDP copied rank
    # 0's seed-generator states to rank 1: the rank enters at draw time.
    for key in ("dropout_rows", "augment_rows"):
        rows = job[0][key] + job[1][key]
        assert len(rows) == 8
        assert common.distinct_rows(rows) == 0, f"{key}: two processes drew the same values"


def test_weights_identical_and_decay_once_per_global_step(job):
    first, second = job
    assert len(first["step_digests"]) == first["iterations"] > 0
    assert first["step_digests"] == second["step_digests"]
    assert first["final_digest"] == second["final_digest"]
    steps = (first["best_epoch"] + 1) * STEPS_PER_EPOCH
    expected = (1 - common.LEARNING_RATE * common.WEIGHT_DECAY) ** steps
    np.testing.assert_allclose(first["idle_ratio"], expected, rtol=1e-5)


def test_weight_averages_identical_on_every_process(job):
    common.assert_averages_identical(*job)


def test_early_stopping_same_decision_and_only_the_chief_writes(job):
    first, second = job
    assert first["stopped_epoch"] is not None
    for key in ("stopped_epoch", "best_epoch", "epochs", "val_loss"):
        assert first[key] == second[key], key
    assert "keras_reg_early_stopping.json" in first["shared_writes"]
    assert second["shared_writes"] == []


def test_killed_mid_epoch_then_restarted_ends_as_uninterrupted(job, tmp_path):
    run_job(tmp_path, kill_epoch=KILL_EPOCH)
    assert list((tmp_path / "shared" / "early_stopping").iterdir())  # the chief's backup
    resumed = run_job(tmp_path)
    for rank in (0, 1):
        assert resumed[rank]["epochs"][0] == KILL_EPOCH  # it did resume
        for key in ("stopped_epoch", "best_epoch", "final_digest"):
            assert resumed[rank][key] == job[rank][key], key
    assert resumed[1]["shared_writes"] == []
