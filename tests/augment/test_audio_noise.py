"""Coloured noise and background noise from a bank: spectral slope, exact SNR."""

import keras
import numpy as np
import pytest
import scipy.special

from keras_reg.augment import audio
from keras_reg.augment.audio import functional as F
from tests._tensorflow import tf
from tests.augment._backend import compiled
from tests.augment.test_audio_filters import assert_same_training_outputs_after_reload
from tests.helpers import assert_raises_each, save_and_load, to_numpy

SR, SAMPLES = 8000, 4096
LOG_K = np.log(np.arange(1, SAMPLES // 2))  # bins 1 .. L/2 - 1 (no DC, no Nyquist)


def _white(n, seed=0, samples=SAMPLES):
    return np.random.default_rng(seed).normal(size=(n, samples)).astype("float32")


def _slope(noise):
    """β̂ = −slope of the least-squares line through log(mean periodogram) vs
    log k, and its standard error: the log of a mean of ``rows`` periodogram
    ordinates (exponential) has variance ψ'(rows), independent across bins."""
    power = np.mean(np.abs(np.fft.rfft(noise)) ** 2, axis=0)[1:-1]
    slope = np.polyfit(LOG_K, np.log(power), 1)[0]
    se = np.sqrt(scipy.special.polygamma(1, len(noise)) / np.sum((LOG_K - LOG_K.mean()) ** 2))
    return -slope, se


def _snr_db(x, y):
    return 10 * np.log10(np.mean(x**2, axis=1) / np.mean((y - x) ** 2, axis=1))


@pytest.mark.parametrize("beta", [-2.0, -1.0, 0.0, 1.0, 2.0])
def test_color_noise_has_the_requested_spectral_slope(beta):
    noise = to_numpy(compiled(lambda w: F.color_noise(w, beta))(_white(8, seed=int(beta) + 5)))
    estimate, se = _slope(noise)
    assert abs(estimate - beta) < 5 * se, (estimate, se)
    np.testing.assert_allclose(noise.mean(axis=1), 0.0, atol=1e-5 * noise.std())  # DC zeroed


def test_colored_noise_layer_exact_snr_and_beta_per_waveform():
    t = np.arange(SAMPLES) / SR
    x = np.stack([np.sin(2 * np.pi * 440 * t) * (i + 1) for i in range(12)]).astype("float32")
    x[3] = 0.0  # silence stays silence
    layer = audio.AddColoredNoise(beta=(-1.0, 2.0), snr_db=(0.0, 30.0), seed=7)
    y = to_numpy(layer(x))
    np.testing.assert_array_equal(y[3], 0.0)
    loud = np.arange(12) != 3
    snr = _snr_db(x[loud], y[loud])
    assert np.all((snr >= -1e-3) & (snr <= 30.0 + 1e-3)) and snr.std() > 3
    fixed = audio.AddColoredNoise(beta=(1.0, 1.0), snr_db=(12.0, 12.0), seed=8)
    np.testing.assert_allclose(_snr_db(x[loud], to_numpy(fixed(x))[loud]), 12.0, atol=1e-3)
    # The noise of each row alone: β̂ within 5 SE of the drawn range, and spread over it.
    betas = np.array([_slope((y - x)[i : i + 1])[0] for i in np.nonzero(loud)[0]])
    se = _slope(y[:1])[1]
    assert betas.min() > -1.0 - 5 * se and betas.max() < 2.0 + 5 * se and betas.std() > 0.4


def test_colored_noise_in_tf_data_and_model_round_trip(tmp_path):
    x = _white(4, seed=1, samples=512)
    layer = audio.AddColoredNoise(beta=(0.5, 1.5), snr_db=(10.0, 20.0), seed=2)
    ds = tf.data.Dataset.from_tensor_slices({"audio": x, "labels": np.arange(4)}).batch(2)
    out = np.concatenate([b["audio"].numpy() for b in ds.map(layer)])
    snr = _snr_db(x, out)
    assert np.all((snr > 10.0 - 1e-3) & (snr < 20.0 + 1e-3))
    model = keras.Sequential([keras.Input((512,)), layer])
    np.testing.assert_allclose(to_numpy(model(x, training=False)), x)
    loaded = save_and_load(model, tmp_path)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), x)  # predict: unchanged
    assert_same_training_outputs_after_reload(model, x, tmp_path)
    assert loaded.layers[0].beta == (0.5, 1.5) and loaded.layers[0].snr_db == (10.0, 20.0)


def test_colored_noise_refuses_bad_arguments():
    assert_raises_each([
        (lambda: audio.AddColoredNoise(beta=(0.0, 3.0)), ValueError, r"beta.*\[-2.0, 2.0\]"),
        (lambda: audio.AddColoredNoise(beta=(-2.5, 0.0)), ValueError, "beta"),
        (lambda: audio.AddColoredNoise(snr_db=(30.0, 10.0)), ValueError, "snr_db"),
    ])


def _bank(clips=4, clip_samples=300, seed=11):
    return _white(clips, seed=seed, samples=clip_samples)


def _find_clip_and_offset(noise, bank):
    """The (clip, offset) whose looped segment is proportional to ``noise``."""
    clips, clip_samples = bank.shape
    t = np.arange(noise.shape[-1])
    found = []
    for row in noise:
        unit = row / np.linalg.norm(row)
        best = (-1.0, None)
        for c in range(clips):
            segments = bank[c][(np.arange(clip_samples)[:, None] + t[None, :]) % clip_samples]
            corr = segments @ unit / np.linalg.norm(segments, axis=1)
            if corr.max() > best[0]:
                best = (corr.max(), (c, int(corr.argmax())))
        assert best[0] > 1 - 1e-5, best  # the noise is exactly one looped segment, scaled
        found.append(best[1])
    return np.array(found)


def test_loop_clips_matches_numpy_indexing():
    bank = _bank()
    clip, offset = np.array([0, 3, 1]), np.array([0, 299, 150])
    out = to_numpy(compiled(lambda b, c, o: F.loop_clips(b, c, o, 700))(bank, clip, offset))
    expected = bank[clip[:, None], (offset[:, None] + np.arange(700)) % 300]
    np.testing.assert_array_equal(out, expected)


def test_background_noise_exact_snr_and_independent_clip_and_offset_per_waveform():
    n, samples, clips = 64, 1000, 4
    bank = _bank(clips)
    t = np.arange(samples) / SR
    x = np.stack([np.sin(2 * np.pi * (200 + 10 * i) * t) for i in range(n)]).astype("float32")
    x[5] = 0.0
    layer = audio.AddBackgroundNoise(bank, bank_sample_rate=SR, sample_rate=SR,
                                     snr_db=(-5.0, 25.0), seed=3)
    y = to_numpy(layer(x))
    np.testing.assert_array_equal(y[5], 0.0)  # silence stays silence
    loud = np.arange(n) != 5
    snr = _snr_db(x[loud], y[loud])
    assert np.all((snr >= -5.0 - 1e-3) & (snr <= 25.0 + 1e-3)) and snr.std() > 5
    found = _find_clip_and_offset((y - x)[loud], bank)
    # Each clip's count is Binomial(63, 1/4): mean 15.75, sd 3.44; 4 sd either side.
    counts = np.bincount(found[:, 0], minlength=clips)
    sd = np.sqrt(63 * 0.25 * 0.75)
    assert np.all(np.abs(counts - 63 / 4) < 4 * sd), counts
    # 63 offsets out of 300: about 300 (1 - (299/300)^63) = 56.9 distinct ones expected.
    assert len(np.unique(found[:, 1])) >= 50 and found[:, 1].max() >= 250
    fixed = audio.AddBackgroundNoise(bank, SR, sample_rate=SR, snr_db=(6.0, 6.0), seed=4)
    np.testing.assert_allclose(_snr_db(x[loud], to_numpy(fixed(x))[loud]), 6.0, atol=1e-3)


def test_background_noise_in_tf_data_and_model_round_trip(tmp_path):
    x = _white(4, seed=1, samples=512)
    layer = audio.AddBackgroundNoise(_bank(clip_samples=200), 8000, sample_rate=8000,
                                     snr_db=(10.0, 20.0), seed=2)
    ds = tf.data.Dataset.from_tensor_slices({"audio": x, "labels": np.arange(4)}).batch(2)
    out = np.concatenate([b["audio"].numpy() for b in ds.map(layer)])
    snr = _snr_db(x, out)
    assert np.all((snr > 10.0 - 1e-3) & (snr < 20.0 + 1e-3))
    model = keras.Sequential([keras.Input((512,)), layer])
    np.testing.assert_allclose(to_numpy(model(x, training=False)), x)
    loaded = save_and_load(model, tmp_path)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), x)  # predict: unchanged
    assert_same_training_outputs_after_reload(model, x, tmp_path)
    np.testing.assert_array_equal(loaded.layers[0].noise_bank, layer.noise_bank)
    assert loaded.layers[0].bank_sample_rate == 8000 and loaded.layers[0].snr_db == (10.0, 20.0)


def test_background_noise_refuses_bad_banks():
    bank = _bank()
    silent = bank.copy()
    silent[2] = 0.0
    assert_raises_each([
        (lambda: audio.AddBackgroundNoise(np.zeros((0, 100), "float32"), 16000), ValueError,
         "noise_bank.*empty"),
        (lambda: audio.AddBackgroundNoise(np.zeros((3, 0), "float32"), 16000), ValueError,
         "empty"),
        (lambda: audio.AddBackgroundNoise(bank, 22050, sample_rate=16000), ValueError,
         "bank_sample_rate.*22050.*16000"),
        (lambda: audio.AddBackgroundNoise((bank * 1000).astype("int16"), 16000), TypeError,
         "noise_bank.*float.*int16"),
        (lambda: audio.AddBackgroundNoise(bank[0], 16000), ValueError, r"\(clips, samples\)"),
        (lambda: audio.AddBackgroundNoise(silent, 16000), ValueError, r"silent clips.*\[2\]"),
        (lambda: audio.AddBackgroundNoise(bank, 16000, snr_db=(5.0,)), ValueError, "snr_db"),
    ])


def test_add_noise_draws_snr_and_noise_from_distinct_keys_under_an_explicit_seed():
    # From one key, the SNR's uniform u and the noise's first normal would be
    # tied draws of the same random bits; compare with the noise a layer with
    # a single normal draw gets from the seed's first key: it must differ.
    layer = audio.AddNoise((0.0, 10.0))
    data = {"audio": np.ones((4, 64), "float32")}
    t = layer.get_random_transformation(data, seed=3)
    first_key_noise = to_numpy(layer.normal((4, 64), seed=3))
    assert np.abs(to_numpy(t["noise"]) - first_key_noise).max() > 0.1
