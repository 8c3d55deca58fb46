"""Files saved by keras_reg 0.1.0 keep working: every fixture written on each
backend (scripts/make_fixtures.py) loads here with ``safe_mode=True``,
predicts what 0.1.0 predicted, and resumes training where 0.1.0 left off.

"Exactly" where nothing but keras_reg changed since the file was written:
the same backend, Keras and backend-library versions as the producer. Across
backends or versions the kernels differ, so the comparison allows float32
rounding (see ``rounding_bound``).
"""

import json
import pathlib
import zipfile

import keras
import numpy as np
import pytest

import keras_reg  # noqa: F401  (registers its classes for loading)
from tests.helpers import to_numpy

FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "v0.1.0"
CASES = sorted(
    (path.parent.name, path.stem) for path in FIXTURES.glob("*/*.keras")
)
BACKEND_LIBRARY = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}


def test_every_backend_has_every_fixture():
    by_backend = {}
    for source, name in CASES:
        by_backend.setdefault(source, set()).add(name)
    assert set(by_backend) == {"tensorflow", "jax", "torch"}
    names = by_backend["jax"]
    assert len(names) == 8 and all(n == names for n in by_backend.values())


def producer_matches(data, source):
    """Whether this process runs what wrote the fixture (exact results due)."""
    if source != keras.backend.backend() or str(data["keras_version"]) != keras.__version__:
        return False
    library = pytest.importorskip(BACKEND_LIBRARY[source])
    return str(data["backend_version"]) == library.__version__


def rounding_bound(reference):
    """Largest difference float32 rounding explains between two backends.

    The fixtures are tiny networks (fan-in <= 32, depth <= 3): each output is
    a few chained dot products, each off by at most ``n·u·Σ|terms|`` with
    ``u = 2^-24`` (Higham, Accuracy and Stability of Numerical Algorithms,
    §3.1). ``n·depth = 96`` bounds it relative to the magnitude of the values.
    """
    return 96 * 2.0**-24 * max(1.0, float(np.max(np.abs(reference))))


def assert_same(actual, expected, exact, what):
    if exact:
        np.testing.assert_array_equal(actual, expected, err_msg=what)
    else:
        np.testing.assert_allclose(actual, expected, rtol=0, atol=rounding_bound(expected),
                                   err_msg=what)


def saved_optimizer_config(path):
    with zipfile.ZipFile(path) as archive:
        config = json.loads(archive.read("config.json"))
    return config["compile_config"]["optimizer"]


def public_class_paths(config):
    """0.1.0 on torch wrote a wrapped Keras optimizer under its torch class
    (``keras.src.backend.torch.optimizers.torch_sgd``); the public class
    (``keras.optimizers``) is the same optimizer on every backend."""
    if isinstance(config, dict):
        config = {k: public_class_paths(v) for k, v in config.items()}
        if str(config.get("module", "")).startswith("keras.src.backend."):
            config.update(module="keras.optimizers", registered_name=None)
    return config


def version(text):
    return tuple(int(part) for part in str(text).split(".")[:3] if part.isdigit())


def load(source, name):
    data = np.load(FIXTURES / source / f"{name}.npz")
    if version(keras.__version__) < version(data["keras_version"]):
        # E.g. Keras 3.8 does not know the `quantization_config` that Keras
        # 3.15's Dense writes: a file is for the same or a newer Keras.
        pytest.skip(f"the file was written by Keras {data['keras_version']}; Keras "
                    f"{keras.__version__} does not read files of newer Keras versions")
    model = keras.saving.load_model(FIXTURES / source / f"{name}.keras", safe_mode=True)
    if source != keras.backend.backend():
        # `jit_compile` in the file is the writing backend's "auto" (True on
        # JAX, which torch would honour with a minute of torch.compile per
        # model); here the file runs as this backend's "auto" chooses.
        model.jit_compile = None
    return model, data, producer_matches(data, source)


def has_random_layers(source, name):
    return bool(np.load(FIXTURES / source / f"{name}.npz")["random"])


def resume(model, data, exact):
    """One more ``train_on_batch`` on the file's data, checked against the
    weights 0.1.0 had after the same step."""
    before = [to_numpy(w) for w in model.weights]
    model.train_on_batch(data["x"], data["y"])
    after = [to_numpy(w) for w in model.weights]
    assert len(after) == len([k for k in data.files if k.startswith("resumed_")])
    assert any(not np.array_equal(a, b) for a, b in zip(before, after)), "no step taken"
    for i, weight in enumerate(after):
        if bool(data["random"]):
            # Random layers may draw other masks than 0.1.0 did (the layers'
            # random streams are not part of the file format): a finite step.
            assert np.all(np.isfinite(weight)), model.weights[i].path
        else:
            assert_same(weight, data[f"resumed_{i}"], exact, model.weights[i].path)


@pytest.mark.parametrize("source,name", CASES, ids=[f"{s}-{n}" for s, n in CASES])
def test_fixture_loads_predicts_and_resumes(source, name):
    model, data, exact = load(source, name)
    # Random layers are identities in inference: the output is the network's.
    assert_same(model.predict(data["x"], verbose=0), data["predictions"], exact, "inference")
    # The same training configuration: the optimizer's config is the file's.
    saved = saved_optimizer_config(FIXTURES / source / f"{name}.keras")
    current = keras.saving.serialize_keras_object(model.optimizer)
    assert public_class_paths(current) == public_class_paths(saved)
    if not has_random_layers(source, name):
        resume(model, data, exact)


# A model with random layers resumes too, from this backend's file (its
# training step compiles every augmentation: seconds each), as a slow test.
@pytest.mark.slow
@pytest.mark.parametrize(
    "name", sorted(name for source, name in CASES
                   if source == keras.backend.backend() and has_random_layers(source, name))
)
def test_fixture_with_random_layers_resumes(name):
    model, data, exact = load(keras.backend.backend(), name)
    resume(model, data, exact)
