"""A ``.keras`` file with a wrapped optimizer trains on every backend: the 3×3
matrix. The file is saved on each backend (the other two in subprocesses),
then each is loaded here and trained one step, which must equal the step the
saving process took (exactly on the same backend, to float32 rounding on
another). Keras names a built-in optimizer on torch by its torch class; a
file that kept that name loaded elsewhere but failed at this first step."""

import os
import pathlib
import subprocess
import sys

import keras
import numpy as np
import pytest

from tests.helpers import to_numpy

pytestmark = pytest.mark.slow  # two subprocesses, each importing a backend

BACKENDS = ("tensorflow", "jax", "torch")
ROOT = pathlib.Path(__file__).resolve().parents[2]


def save_and_step(out):
    """Save a model compiled with DecoupledWeightDecay(SGD) after one step,
    then record the weights after one more (run on each backend)."""
    import keras_reg

    rng = np.random.default_rng(3)
    x = rng.normal(size=(8, 5)).astype("float32")
    y = rng.normal(size=(8, 2)).astype("float32")
    keras.utils.set_random_seed(3)
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(4, activation="tanh"),
                              keras.layers.Dense(2)])
    optimizer = keras_reg.optimizers.DecoupledWeightDecay(
        keras.optimizers.SGD(0.05, momentum=0.9), 0.1
    )
    model.compile(optimizer, "mse")
    model.train_on_batch(x, y)  # momentum is non-zero in the file
    backend = keras.backend.backend()
    model.save(os.path.join(out, f"{backend}.keras"))
    model.train_on_batch(x, y)
    np.savez(os.path.join(out, f"{backend}.npz"), x=x, y=y,
             **{f"w{i}": to_numpy(w) for i, w in enumerate(model.weights)})


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    out = tmp_path_factory.mktemp("portable")
    here = keras.backend.backend()
    for backend in BACKENDS:
        if backend == here:
            continue
        pytest.importorskip(backend)
        env = dict(os.environ, KERAS_BACKEND=backend, CUDA_VISIBLE_DEVICES="")
        code = ("import sys; from tests.optimizers.test_portable_files import save_and_step; "
                "save_and_step(sys.argv[1])")
        subprocess.run([sys.executable, "-c", code, str(out)], cwd=ROOT, env=env, check=True,
                       capture_output=True)
    save_and_step(str(out))
    return out


@pytest.mark.parametrize("source", BACKENDS)
def test_file_saved_on_any_backend_trains_here(saved, source):
    import keras_reg

    data = np.load(saved / f"{source}.npz")
    model = keras.saving.load_model(saved / f"{source}.keras", safe_mode=True)
    assert isinstance(model.optimizer, keras_reg.optimizers.DecoupledWeightDecay)
    assert isinstance(model.optimizer.inner_optimizer, keras.optimizers.SGD)
    if source != keras.backend.backend():
        model.jit_compile = None  # this backend's "auto", not the writer's (JAX: True)
    model.train_on_batch(data["x"], data["y"])
    for i, weight in enumerate(model.weights):
        expected = data[f"w{i}"]
        if source == keras.backend.backend():
            np.testing.assert_array_equal(to_numpy(weight), expected)
        else:
            # Two float32 steps of a 5-4-2 network: each value a few dot
            # products of fan-in <= 5, each off by <= n·u·Σ|terms| (u = 2^-24).
            bound = 64 * 2.0**-24 * max(1.0, float(np.max(np.abs(expected))))
            np.testing.assert_allclose(to_numpy(weight), expected, rtol=0, atol=bound)
