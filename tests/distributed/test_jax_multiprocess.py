"""keras_reg in a two-process JAX job (jax.distributed on CPU, processes
standing in for hosts): model.fit under keras.distribution.DataParallel over
the global mesh, then a host killed mid-epoch and the job restarted."""

import os

import keras
import numpy as np
import pytest

from tests.distributed import _launch
from tests.distributed import _workers_common as common

pytestmark = [
    # Newest Keras only (jax.distributed on CPU with gloo needs a recent JAX).
    pytest.mark.slow,
    pytest.mark.skipif(keras.backend.backend() != "jax",
                       reason="runs once, in the jax run (its workers set their own backend)"),
]

STEPS_PER_EPOCH = 32 // common.PER_PROCESS_BATCH
KILL_EPOCH = 3


def run_job(work_dir, kill_epoch=-1):
    with _launch.Job("jax", "_jax_worker.py", work_dir, work_dir, kill_epoch) as job:
        if kill_epoch < 0:
            assert job.wait() == [0, 0], job.tails()
            return job.results()
        # Process 1 dies mid-epoch; process 0 then waits for it in a
        # collective, and the job manager (here, the test) ends it.
        assert job.wait(index=1) == [-9], job.tails()
    return None


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    return run_job(tmp_path_factory.mktemp("uninterrupted"))


def test_masks_and_augmentations_differ_across_processes(uninterrupted):
    for key in ("dropout_rows", "augment_rows"):
        rows = uninterrupted[0][key] + uninterrupted[1][key]
        assert len(rows) == 8
        assert common.distinct_rows(rows) == 0, f"{key}: two processes drew the same values"


def test_weights_identical_and_decay_once_per_global_step(uninterrupted):
    first, second = uninterrupted
    assert len(first["step_digests"]) == first["iterations"] > 0
    assert first["step_digests"] == second["step_digests"]
    assert first["final_digest"] == second["final_digest"]
    # The idle kernel only decays; EarlyStopping restored the best epoch's
    # weights, taken after (best_epoch + 1) epochs of global steps. Once per
    # global step, not once per process (2x) or per device (4x).
    steps = (first["best_epoch"] + 1) * STEPS_PER_EPOCH
    expected = (1 - common.LEARNING_RATE * common.WEIGHT_DECAY) ** steps
    np.testing.assert_allclose(first["idle_ratio"], expected, rtol=1e-5)


def test_weight_averages_identical_on_every_process(uninterrupted):
    common.assert_averages_identical(*uninterrupted)


def test_early_stopping_same_decision_and_only_the_chief_writes(uninterrupted):
    first, second = uninterrupted
    assert first["stopped_epoch"] is not None
    for key in ("stopped_epoch", "best_epoch", "epochs", "val_loss"):
        assert first[key] == second[key], key
    # Process 0 wrote the backup (and deleted it at the end); process 1 never
    # touched the shared path (both did in keras_reg 0.1.0: os.replace of
    # the other's .tmp failed).
    assert "keras_reg_early_stopping.json" in first["shared_writes"]
    assert second["shared_writes"] == []


def test_killed_mid_epoch_then_restarted_ends_as_uninterrupted(uninterrupted, tmp_path):
    run_job(tmp_path, kill_epoch=KILL_EPOCH)
    shared = tmp_path / "shared"
    # Keras's BackupAndRestore: one directory per process, each with its
    # process's state; keras_reg's backup: the chief's, on the shared path.
    assert sorted(os.listdir(shared)) == ["early_stopping", "keras_backup_0", "keras_backup_1"]
    assert os.listdir(shared / "early_stopping")
    resumed = run_job(tmp_path)
    for process in (0, 1):
        assert resumed[process]["epochs"][0] == KILL_EPOCH  # it did resume
        for key in ("stopped_epoch", "best_epoch", "final_digest"):
            assert resumed[process][key] == uninterrupted[process][key], key
    assert not os.listdir(shared / "early_stopping")  # deleted at the end
