"""Helpers shared by the tests: NumPy conversion, .keras round trips, bounds."""

import importlib.util
import math
import os
import sys
import types

import keras
import numpy as np

# Statistical tests use Z_BOUND standard deviations of the estimator: with a
# fixed seed the test is deterministic, and a correct implementation lands
# outside 5 sigma with probability < 1e-6 for any seed.
Z_BOUND = 5.0


def to_numpy(x):
    return np.asarray(keras.ops.convert_to_numpy(x))


def binomial_sd(p, n):
    """Standard deviation of the fraction of successes in n Bernoulli(p)."""
    return math.sqrt(p * (1.0 - p) / n)


def save_and_load(model, tmp_path, name="model.keras"):
    """Round-trip through a .keras file, loading with the default safe_mode."""
    path = os.path.join(str(tmp_path), name)
    model.save(path)
    return keras.saving.load_model(path)


def torchvision_functional():
    """``torchvision.transforms.v2.functional``, an oracle for image ops.

    torchvision is installed without its dependencies (``--no-deps``: its
    wheel would pull a CUDA torch), and its package ``__init__`` registers
    C++ operators that the CPU torch here lacks. The functional transforms
    are pure torch, so the package is entered without running its
    ``__init__``. Skips the calling test only where torch or torchvision is
    not installed (the oldest-Keras environment).
    """
    import pytest

    pytest.importorskip("torch")
    if "torchvision" not in sys.modules:
        spec = importlib.util.find_spec("torchvision")
        if spec is None:
            pytest.skip("torchvision is not installed")
        package = types.ModuleType("torchvision")
        package.__path__ = list(spec.submodule_search_locations)
        sys.modules["torchvision"] = package
    import torchvision.transforms.v2.functional as functional

    return functional


def assert_raises_each(cases):
    """Each ``(call, error, match)`` raises ``error`` with a message matching
    ``match``. One test for many cheap cases (a test's teardown clears the
    Keras session, which costs more than these calls); a failure names its case."""
    import pytest

    for i, (call, error, match) in enumerate(cases):
        try:
            with pytest.raises(error, match=match):
                call()
        except (AssertionError, pytest.fail.Exception) as failure:
            pytest.fail(f"case {i} ({error.__name__}, {match!r}): {failure}")
