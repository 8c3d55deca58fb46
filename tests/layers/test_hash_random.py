"""The counter hash and the normals made from it, against NumPy
transcriptions: the integer arithmetic is exact, so masks (and the quantile
table's noise) are bit-identical on every backend for a seed state.

Their statistics are tested per source in test_mask_statistics.py and
test_gaussian_dropout.py.
"""

import math
import statistics

import keras
import numpy as np
import pytest

from keras_reg import layers
from keras_reg.ops import _hash_normal, _hash_random, _random_source
from tests.helpers import Z_BOUND, to_numpy

M1, M2 = np.uint32(0x7FEB352D), np.uint32(0x846CA68B)


def _reference_words(state, counter):
    """The hash written out in NumPy uint32 (logical shifts, wrapping multiply)."""

    def xs(x, b):
        return x ^ (x >> np.uint32(b))

    with np.errstate(over="ignore"):
        s = np.asarray(state).astype(np.int64).astype(np.uint32)
        key = (s[0] * M1) ^ s[1]
        key = xs(xs(xs(key, 16) * M1, 15) * M2, 16)
        g = (np.asarray(counter, dtype=np.uint32) ^ key) * M1
        return (xs(g, 15) * M2).view(np.int32)


@pytest.mark.parametrize("rate", [0.1, 0.5, 0.9])
def test_mask_matches_numpy_reference_bit_for_bit(rate):
    # Same integer arithmetic, so the mask is identical on every backend.
    layer = layers.Dropout(rate, seed=42)
    x = keras.ops.ones((6, 7, 5))
    state = to_numpy(layer.seed_generator.state)
    with _random_source.forced_sources(keep=_random_source.HASH):
        kept = to_numpy(layer(x, training=True)) != 0
    words = _reference_words(state, np.arange(kept.size))
    expected = words >= _hash_random.keep_threshold(rate)
    np.testing.assert_array_equal(kept.ravel(), expected)


def test_threshold_gives_the_requested_probability():
    for rate in (0.0, 0.1, 0.5, 0.999):
        t = _hash_random.keep_threshold(rate)
        assert abs((2**31 - t) / 2**32 - (1 - rate)) <= 2.0**-32


def test_quantile_table_is_the_normal_quantiles():
    table = _hash_normal.normal_quantiles()
    assert table.shape == (65536,) and np.all(np.diff(table) > 0)
    normal = statistics.NormalDist()
    for k in (0, 1, 12345, 32767, 32768, 65535):
        assert table[k] == np.float32(normal.inv_cdf((k + 0.5) / 65536))


def test_table_normal_matches_numpy_reference_bit_for_bit():
    # The index is integer arithmetic and the gather is exact: the same
    # float32 values on every backend.
    seed, n = 7, 5000
    z = to_numpy(_hash_normal.table_normal((50, 100), seed)).ravel()
    words = _reference_words([seed, 0], np.arange(n))
    index = (words >> 16) + 32768  # the signed high half, shifted to [0, 2**16)
    np.testing.assert_array_equal(z, _hash_normal.normal_quantiles()[index])


def _box_muller_reference(seed, n):
    """The paired Box-Muller draw of ``n`` normals written out in NumPy:
    pair i's cosine is element i, its sine element ceil(n/2) + i."""
    counter = 2 * np.arange((n + 1) // 2)
    radial = _reference_words([seed, 0], counter)
    angular = _reference_words([seed, 0], counter + 1)
    u = ((radial >> 9) + 2.0**22 + 0.5) * 2.0**-23  # midpoints of 2**23 bins
    theta = (angular >> 8) * (math.pi * 2.0**-23)  # [-pi, pi)
    radius = np.sqrt(-2.0 * np.log(u))
    return np.concatenate([radius * np.cos(theta), (radius * np.sin(theta))[: n // 2]])


@pytest.mark.parametrize("shape", [(50, 100), (7, 11)])  # an even and an odd size
def test_box_muller_normal_matches_numpy_reference(shape):
    seed = 9
    z = to_numpy(_hash_normal.box_muller_normal(shape, seed)).ravel()
    expected = _box_muller_reference(seed, z.size)
    # float32 log, sqrt, cos and products: a few roundings (2**-24 relative)
    # of terms up to the largest radius sqrt(-2 ln 2**-24) = 5.77; the bound
    # allows 32 of them.
    np.testing.assert_allclose(z, expected, rtol=0, atol=32 * 2.0**-24 * 5.77)
    assert np.abs(expected).max() <= math.sqrt(-2 * math.log(2.0**-24))
    # Applied to a tensor, the same draw scales it element by element.
    x = np.linspace(-2.0, 2.0, z.size, dtype="float32").reshape(shape)
    scaled = to_numpy(_hash_normal.scale_by_box_muller(x, 1.0, 0.5, seed)).ravel()
    np.testing.assert_allclose(scaled, x.ravel() * (1.0 + 0.5 * expected), rtol=0, atol=1e-5)


def test_box_muller_pair_halves_are_independent():
    # The cosine and sine of one pair are independent N(0, 1) (Box & Muller
    # 1958): uncorrelated, and so are their squares (which a dependent pair,
    # e.g. sharing the radius wrongly, would correlate). A sample correlation
    # of m independent pairs has null sd 1/sqrt(m).
    n = 200_000
    z = to_numpy(_hash_normal.box_muller_normal((n,), 3)).astype("float64")
    cosines, sines = z[: n // 2], z[n // 2 :]
    m = cosines.size
    for a, b in ((cosines, sines), (cosines**2, sines**2)):
        assert abs(np.corrcoef(a, b)[0, 1]) < Z_BOUND / math.sqrt(m)
    # Neighbouring pairs too (consecutive counters share a key).
    assert abs(np.corrcoef(cosines[:-1], cosines[1:])[0, 1]) < Z_BOUND / math.sqrt(m)
