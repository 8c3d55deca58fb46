"""Coloured noise and background noise from a bank: spectral slope, exact SNR."""

import keras
import numpy as np
import pytest
import scipy.special
import tensorflow as tf

from keras_reg.augment import audio
from keras_reg.augment.audio import functional as F
from tests.augment._backend import compiled
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
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert loaded.layers[0].beta == (0.5, 1.5) and loaded.layers[0].snr_db == (10.0, 20.0)


def test_colored_noise_refuses_bad_arguments():
    assert_raises_each([
        (lambda: audio.AddColoredNoise(beta=(0.0, 3.0)), ValueError, r"beta.*\[-2.0, 2.0\]"),
        (lambda: audio.AddColoredNoise(beta=(-2.5, 0.0)), ValueError, "beta"),
        (lambda: audio.AddColoredNoise(snr_db=(30.0, 10.0)), ValueError, "snr_db"),
    ])
