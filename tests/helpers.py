"""Helpers shared by the tests: NumPy conversion, .keras round trips, bounds."""

import math
import os

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
