"""Per-spectrogram SpecAugment: mask counts drawn per example, adaptive widths."""

import keras
import numpy as np
import pytest
import scipy.stats

from keras_reg.augment import audio
from tests._tensorflow import tf
from tests.helpers import Z_BOUND, assert_raises_each, save_and_load, to_numpy


def _masked_bands(out, axis):
    """(n, axis length) booleans: frames (axis 1) or bins (axis 2) zeroed whole."""
    return (out == 0).all(axis=3 - axis)


def test_mask_count_is_drawn_per_spectrogram_with_its_law():
    n, (low, high), width = 2000, (0, 3), 4
    layer = audio.TimeMasking(max_width=width, count=(low, high), seed=3)
    t = layer.get_random_transformation({"audio": np.ones((n, 50, 4), "float32")})
    widths = to_numpy(t["width"])
    assert widths.shape == (n, high)
    nonzero = (widths > 0).sum(axis=1)
    # K ~ U{0..3} masks, each of nonzero width with probability q = W / (W + 1):
    # P(j nonzero) = mean over K of Binomial(K, q)(j).
    q = width / (width + 1)
    law = np.mean([scipy.stats.binom.pmf(np.arange(high + 1), k, q)
                   for k in range(low, high + 1)], axis=0)
    counts = np.bincount(nonzero, minlength=high + 1)
    sd = np.sqrt(n * law * (1 - law))
    assert np.all(np.abs(counts - n * law) < Z_BOUND * sd), (counts, n * law)


def test_fixed_count_keeps_todays_law_and_contiguous_masks():
    n, width = 3000, 5
    layer = audio.FrequencyMasking(max_width=width, count=2, seed=1)
    t = layer.get_random_transformation({"audio": np.ones((n, 6, 30), "float32")})
    widths, starts = to_numpy(t["width"]), to_numpy(t["start"])
    # w ~ U{0..5}: each value's count is Binomial(2n, 1/6).
    counts = np.bincount(widths.ravel(), minlength=width + 1)
    sd = np.sqrt(2 * n * (1 / 6) * (5 / 6))
    assert np.all(np.abs(counts - 2 * n / 6) < Z_BOUND * sd), counts
    assert np.all(starts >= 0) and np.all(starts + widths <= 30)


def test_max_fraction_bounds_the_width_by_the_axis_length():
    for frames, expected_bound in [(200, 20), (50, 5), (30, 3)]:
        layer = audio.TimeMasking(max_fraction=0.1, count=1, seed=frames)
        spec = np.ones((600, frames, 3), "float32")
        widths = _masked_bands(to_numpy(layer(spec)), axis=1).sum(axis=1)
        assert widths.max() == expected_bound, (frames, widths.max())
        # All of U{0..W} is drawn: each value about 600 / (W + 1) times.
        assert len(np.unique(widths)) == expected_bound + 1
    capped = audio.TimeMasking(max_width=2, max_fraction=0.5, seed=0)
    assert to_numpy(capped.get_random_transformation(
        {"audio": np.ones((400, 40, 3), "float32")})["width"]).max() == 2


def test_masks_are_independent_across_the_batch():
    spec = np.ones((64, 40, 8), "float32")
    out = to_numpy(audio.TimeMasking(max_width=10, count=(1, 2), seed=4)(spec))
    bands = _masked_bands(out, axis=1)
    assert len({row.tobytes() for row in bands}) > 50  # identical inputs, different masks


def test_adaptive_masks_in_tf_data():
    spec = np.ones((600, 80, 5), "float32")
    ds = tf.data.Dataset.from_tensor_slices(spec).batch(300)
    layer = audio.TimeMasking(max_fraction=0.25, count=(1, 1), seed=2)
    widths = np.concatenate([_masked_bands(b.numpy(), axis=1).sum(axis=1) for b in ds.map(layer)])
    assert widths.max() == 20 and len(np.unique(widths)) == 21


def test_unknown_masked_length_in_tf_data_is_a_clear_error():
    ds = tf.data.Dataset.from_generator(
        lambda: iter([np.ones((2, 40, 5), "float32")]),
        output_signature=tf.TensorSpec((None, None, 5), tf.float32))
    with pytest.raises(ValueError, match=r"TimeMasking needs the length.*tf.ensure_shape"):
        ds.map(audio.TimeMasking(max_fraction=0.25, seed=2))
    masked = ds.map(audio.FrequencyMasking(3, seed=2))  # the frequency axis is known
    assert next(iter(masked)).shape == (2, 40, 5)


def test_spec_augment_config_round_trip_and_old_configs(tmp_path):
    spec = np.random.default_rng(0).uniform(1, 2, size=(4, 30, 12)).astype("float32")
    model = keras.Sequential([
        keras.Input((30, 12)),
        audio.TimeMasking(max_width=6, count=(0, 3), max_fraction=0.3, seed=5),
        audio.FrequencyMasking(max_width=4, count=2, seed=6)])
    loaded = save_and_load(model, tmp_path)
    assert loaded.layers[0].count == (0, 3) and loaded.layers[0].max_fraction == 0.3
    np.testing.assert_array_equal(to_numpy(loaded(spec, training=True)),
                                  to_numpy(model(spec, training=True)))
    np.testing.assert_array_equal(loaded.predict(spec, verbose=0), spec)
    old = {"name": "time_masking", "max_width": 5, "count": 2, "seed": 1}  # a 0.1 config
    layer = audio.TimeMasking.from_config(old)
    assert layer.max_fraction is None and layer.count == 2


def test_spec_augment_refuses_bad_arguments():
    assert_raises_each([
        (lambda: audio.TimeMasking(), ValueError, "max_width.*max_fraction"),
        (lambda: audio.TimeMasking(max_width=0), ValueError, "max_width"),
        (lambda: audio.TimeMasking(5, count=(2, 1)), ValueError, r"count.*\(2, 1\)"),
        (lambda: audio.TimeMasking(5, count=(0, 0)), ValueError, "count"),
        (lambda: audio.TimeMasking(5, count=(1.5, 2)), ValueError, "count"),
        (lambda: audio.TimeMasking(5, count=0), ValueError, "count"),
        (lambda: audio.FrequencyMasking(max_fraction=1.5), ValueError, "max_fraction"),
        (lambda: audio.FrequencyMasking(max_fraction=0.0), ValueError, "max_fraction"),
        (lambda: audio.TimeMasking(50)(np.ones((2, 10, 3), "float32")), ValueError,
         r"max_width.*\(50\).*\(10\)"),
    ])
