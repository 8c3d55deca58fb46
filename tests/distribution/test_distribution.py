"""keras_reg under Keras's own distribution: keras.distribution (JAX) and
tf.distribute.MirroredStrategy (TensorFlow). Each runs in a fresh process,
because the virtual devices must be configured before the backend starts."""

import json
import os
import subprocess
import sys

import keras
import numpy as np
import pytest

import keras_reg  # noqa: F401  (registers the classes for load_model)

# Run on all three backends with the newest Keras; left out of the oldest-Keras run.
pytestmark = pytest.mark.slow

HERE = os.path.dirname(os.path.abspath(__file__))


def run_script(name, out_dir):
    env = {k: v for k, v in os.environ.items() if k not in ("XLA_FLAGS", "KERAS_BACKEND")}
    env["PYTHONPATH"] = os.pathsep.join([os.path.dirname(os.path.dirname(HERE)),
                                         env.get("PYTHONPATH", "")])
    proc = subprocess.run([sys.executable, os.path.join(HERE, name), str(out_dir)],
                          capture_output=True, text=True, env=env, timeout=600)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    assert proc.returncode == 0 and lines, proc.stdout[-3000:] + proc.stderr[-3000:]
    return json.loads(lines[-1][len("RESULT "):])


def assert_loads_on_one_device(out_dir, stem):
    model = keras.saving.load_model(os.path.join(out_dir, f"{stem}.keras"))
    x = np.load(os.path.join(out_dir, f"{stem}_inputs.npy"))
    expected = np.load(os.path.join(out_dir, f"{stem}_outputs.npy"))
    # The sharded run sums its matmuls in another order: each output differs by
    # up to ~k·eps·Σ|terms| (float32 eps 1.2e-7, k and Σ|terms| in the tens for
    # this model), so the absolute tolerance scales with the outputs' size; an
    # output near 0 has no relative precision to hold to.
    atol = 1e-5 * max(1.0, float(np.abs(expected).max()))
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-5, atol=atol)


@pytest.mark.skipif(keras.backend.backend() != "jax",
                    reason="keras.distribution's DataParallel/ModelParallel run on JAX")
def test_jax_data_parallel_and_model_parallel(tmp_path):
    r = run_script("_jax_distribution_script.py", tmp_path)
    assert r["devices"] == 8 and r["input_shards"] == 8
    # No two of the 8 data shards got the same dropout mask.
    assert r["identical_shard_pairs"] == 0
    # A deterministic model: 8-way data parallel == one device, to float
    # reduction order (6 Adam steps, well inside 1e-4).
    assert r["dp_vs_single_max_rel"] < 1e-4
    # The model with every part trains on one device, 8 data shards and a
    # (2 x 4) model-parallel mesh.
    for key in ("single_losses", "dp_losses", "mp_losses"):
        losses = r[key]
        assert np.all(np.isfinite(losses)) and losses[-1] < losses[0], (key, losses)
    if r["partitionable_rng"]:
        # JAX >= 0.5 draws the same global random values however arrays are
        # sharded: the stochastic runs then agree up to reduction order. (Older
        # JAX draws different masks when sharded; the deterministic comparison
        # above is the exact check there.)
        np.testing.assert_allclose(r["dp_losses"], r["single_losses"], rtol=1e-4)
        np.testing.assert_allclose(r["mp_losses"], r["single_losses"], rtol=1e-4)
    assert r["hidden_kernel_shards"] == 4  # the kernel really was sharded
    assert_loads_on_one_device(tmp_path, "mp")


@pytest.mark.skipif(keras.backend.backend() != "tensorflow",
                    reason="tf.distribute.MirroredStrategy is TensorFlow's")
def test_tf_mirrored_strategy(tmp_path):
    r = run_script("_tf_mirrored_script.py", tmp_path)
    assert r["replicas"] == 2
    assert not r["replica_masks_equal"], "both replicas drew the same dropout mask"
    # Constant decay 0.1 for 3 steps of 2 replicas: 0.9**3, not 0.9**6.
    assert r["decay_ratio"] == pytest.approx(0.9**3, rel=1e-6)
    assert np.all(np.isfinite(r["losses"]))
    assert_loads_on_one_device(tmp_path, "mirrored")
