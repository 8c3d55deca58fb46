"""Each source of keep masks gives a proper random draw.

Every test runs on every source (``keras_reg.ops._random_source``: the
counter hash and the backend's generator), forced. Bounds come from the null
distribution of each statistic for i.i.d. Bernoulli(q) units: a fraction has
sd sqrt(q(1-q)/n), a sample correlation has sd 1/sqrt(n), and a chi-square
with k degrees of freedom has mean k and sd sqrt(2k). Each test allows
Z_BOUND (5) of those sds.
"""

import math

import keras
import numpy as np
import pytest

from keras_reg import layers
from keras_reg.ops import _random_source
from tests.helpers import Z_BOUND, binomial_sd, to_numpy

sources = pytest.mark.parametrize("source", _random_source.KEEP_SOURCES)


def _masks(source, rate, shape, steps, seed=0):
    """``steps`` consecutive keep masks of one layer, as a bool array."""
    layer = layers.Dropout(rate, seed=seed)
    x = keras.ops.ones(shape)
    with _random_source.forced_sources(keep=source):
        return np.stack([to_numpy(layer(x, training=True)) != 0 for _ in range(steps)])


def _correlation_z(a, b):
    """Sample correlation of two boolean arrays, in units of its null sd."""
    a, b = a.ravel().astype(np.float64), b.ravel().astype(np.float64)
    return np.corrcoef(a, b)[0, 1] * math.sqrt(a.size)


@sources
def test_keep_rate_of_every_position_over_many_steps(source):
    rate, steps = 0.3, 200
    masks = _masks(source, rate, (16, 32), steps)
    counts = masks.sum(axis=0).ravel()
    q = 1 - rate
    # Sum over positions of squared z-scores ~ chi-square with k = positions.
    chi2 = np.sum((counts - steps * q) ** 2 / (steps * q * (1 - q)))
    k = counts.size
    assert abs(chi2 - k) < Z_BOUND * math.sqrt(2 * k)
    assert abs(masks.mean() - q) < Z_BOUND * binomial_sd(q, masks.size)


@sources
def test_neighbouring_positions_and_samples_are_uncorrelated(source):
    mask = _masks(source, 0.5, (64, 32, 32), 1)[0]
    assert abs(_correlation_z(mask[:, :, :-1], mask[:, :, 1:])) < Z_BOUND  # channels
    assert abs(_correlation_z(mask[:, :-1], mask[:, 1:])) < Z_BOUND  # rows
    assert abs(_correlation_z(mask[:-1], mask[1:])) < Z_BOUND  # samples


@sources
def test_consecutive_steps_are_uncorrelated(source):
    masks = _masks(source, 0.5, (128, 512), 4)
    for t in range(3):
        assert abs(_correlation_z(masks[t], masks[t + 1])) < Z_BOUND


@sources
def test_eight_bit_patterns_are_uniform(source):
    mask = _masks(source, 0.5, (256, 1024), 1)[0].ravel()
    patterns = mask.reshape(-1, 8).astype(np.int64) @ (1 << np.arange(8))
    counts = np.bincount(patterns, minlength=256)
    expected = patterns.size / 256
    chi2 = np.sum((counts - expected) ** 2 / expected)
    assert abs(chi2 - 255) < Z_BOUND * math.sqrt(2 * 255)


@sources
def test_layers_with_different_seeds_are_independent_and_same_seed_replays(source):
    shape = (128, 512)
    a, b = _masks(source, 0.5, shape, 2, seed=1), _masks(source, 0.5, shape, 2, seed=2)
    assert abs(_correlation_z(a[0], b[0])) < Z_BOUND
    np.testing.assert_array_equal(a, _masks(source, 0.5, shape, 2, seed=1))
