"""The counter-based dropout mask is a proper random draw.

Bounds come from the null distribution of each statistic for i.i.d.
Bernoulli(q) units: a fraction has sd sqrt(q(1-q)/n), a sample correlation
has sd 1/sqrt(n), and a chi-square with k degrees of freedom has mean k and
sd sqrt(2k). Each test allows Z_BOUND (5) of those sds.
"""

import math

import keras
import numpy as np
import pytest

from keras_reg import layers
from keras_reg.ops import _hash_random
from tests.helpers import Z_BOUND, binomial_sd, to_numpy

M1, M2 = np.uint32(0x7FEB352D), np.uint32(0x846CA68B)


def _reference_words(state, n):
    """The hash written out in NumPy uint32 (logical shifts, wrapping multiply)."""

    def xs(x, b):
        return x ^ (x >> np.uint32(b))

    with np.errstate(over="ignore"):
        s = np.asarray(state).astype(np.int64).astype(np.uint32)
        key = (s[0] * M1) ^ s[1]
        key = xs(xs(xs(key, 16) * M1, 15) * M2, 16)
        g = (np.arange(n, dtype=np.uint32) ^ key) * M1
        return (xs(g, 15) * M2).view(np.int32)


def _masks(rate, shape, steps, seed=0):
    """``steps`` consecutive keep masks of one layer, as a bool array."""
    layer = layers.Dropout(rate, seed=seed)
    x = keras.ops.ones(shape)
    return np.stack([to_numpy(layer(x, training=True)) != 0 for _ in range(steps)])


def _correlation_z(a, b):
    """Sample correlation of two boolean arrays, in units of its null sd."""
    a, b = a.ravel().astype(np.float64), b.ravel().astype(np.float64)
    return np.corrcoef(a, b)[0, 1] * math.sqrt(a.size)


@pytest.mark.parametrize("rate", [0.1, 0.5, 0.9])
def test_mask_matches_numpy_reference_bit_for_bit(rate):
    # Same integer arithmetic, so the mask is identical on every backend.
    layer = layers.Dropout(rate, seed=42)
    x = keras.ops.ones((6, 7, 5))
    layer(x)  # build
    state = to_numpy(layer.seed_generator.state)
    kept = to_numpy(layer(x, training=True)) != 0
    words = _reference_words(state, kept.size)
    expected = words >= _hash_random.keep_threshold(rate)
    np.testing.assert_array_equal(kept.ravel(), expected)


def test_keep_rate_of_every_position_over_many_steps():
    rate, steps = 0.3, 200
    masks = _masks(rate, (16, 32), steps)
    counts = masks.sum(axis=0).ravel()
    q = 1 - rate
    # Sum over positions of squared z-scores ~ chi-square with k = positions.
    chi2 = np.sum((counts - steps * q) ** 2 / (steps * q * (1 - q)))
    k = counts.size
    assert abs(chi2 - k) < Z_BOUND * math.sqrt(2 * k)
    assert abs(masks.mean() - q) < Z_BOUND * binomial_sd(q, masks.size)


def test_neighbouring_positions_and_samples_are_uncorrelated():
    mask = _masks(0.5, (64, 32, 32), 1)[0]
    assert abs(_correlation_z(mask[:, :, :-1], mask[:, :, 1:])) < Z_BOUND  # channels
    assert abs(_correlation_z(mask[:, :-1], mask[:, 1:])) < Z_BOUND  # rows
    assert abs(_correlation_z(mask[:-1], mask[1:])) < Z_BOUND  # samples


def test_consecutive_steps_are_uncorrelated():
    masks = _masks(0.5, (128, 512), 4)
    for t in range(3):
        assert abs(_correlation_z(masks[t], masks[t + 1])) < Z_BOUND


def test_eight_bit_patterns_are_uniform():
    mask = _masks(0.5, (256, 1024), 1)[0].ravel()
    patterns = mask.reshape(-1, 8).astype(np.int64) @ (1 << np.arange(8))
    counts = np.bincount(patterns, minlength=256)
    expected = patterns.size / 256
    chi2 = np.sum((counts - expected) ** 2 / expected)
    assert abs(chi2 - 255) < Z_BOUND * math.sqrt(2 * 255)


def test_layers_with_different_seeds_are_independent_and_same_seed_replays():
    shape = (128, 512)
    a, b = _masks(0.5, shape, 2, seed=1), _masks(0.5, shape, 2, seed=2)
    assert abs(_correlation_z(a[0], b[0])) < Z_BOUND
    np.testing.assert_array_equal(a, _masks(0.5, shape, 2, seed=1))


def test_threshold_gives_the_requested_probability():
    for rate in (0.0, 0.1, 0.5, 0.999):
        t = _hash_random.keep_threshold(rate)
        assert abs((2**31 - t) / 2**32 - (1 - rate)) <= 2.0**-32
