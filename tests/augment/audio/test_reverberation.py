"""Reverberation: FFT convolution against scipy, RT60 by Schroeder integration."""

import keras
import numpy as np
import scipy.signal

from keras_reg.augment import audio
from keras_reg.augment.audio import functional as F
from tests._tensorflow import tf
from tests.augment._backend import compiled
from tests.augment.test_audio_filters import assert_same_training_outputs_after_reload
from tests.helpers import Z_BOUND, assert_raises_each, save_and_load, to_numpy

SR = 8000


def _noise(n, samples, seed=0):
    return np.random.default_rng(seed).normal(size=(n, samples)).astype("float32")


def _room(taps=400, peak=37, seed=1):
    """A fixed response whose peak (the direct path) is at ``peak``."""
    rng = np.random.default_rng(seed)
    h = rng.uniform(-1, 1, size=taps) * np.exp(-np.arange(taps) / 80.0)
    h[peak] = 2.0
    return h.astype("float32")


def _reference(x, h, wet=1.0):
    """The documented rule in NumPy/scipy: the full linear convolution read
    from the response's peak on, blended with the dry signal, and rescaled
    to the input's RMS."""
    x, h = x.astype("float64"), np.broadcast_to(h, (len(x), h.shape[-1])).astype("float64")
    peak = np.argmax(np.abs(h), axis=1)
    full = np.stack([scipy.signal.fftconvolve(xi, hi) for xi, hi in zip(x, h)])
    r = np.stack([row[p:p + x.shape[1]] for row, p in zip(full, peak)])
    mixed = np.reshape(wet, (-1, 1)) * r + (1 - np.reshape(wet, (-1, 1))) * x
    return mixed * np.sqrt(np.mean(x**2, axis=1, keepdims=True)
                           / np.mean(mixed**2, axis=1, keepdims=True))


def _schroeder_rt60(h, sr, fit_db=(-5.0, -25.0)):
    """RT60 from the Schroeder backward integral ``E(t) = Σ_{τ≥t} h_τ²``:
    a least-squares line through 10·log10(E / E(0)) where it lies in
    ``fit_db``, extrapolated to −60 dB."""
    edc = np.cumsum((h.astype("float64") ** 2)[::-1])[::-1]
    db = 10 * np.log10(edc / edc[0])
    inside = (db <= fit_db[0]) & (db >= fit_db[1])
    slope = np.polyfit(np.nonzero(inside)[0] / sr, db[inside], 1)[0]  # dB per second
    return -60.0 / slope


def test_convolution_equals_scipy_fftconvolve_after_alignment_and_level():
    x, h = _noise(3, 2000), _room()
    out = to_numpy(compiled(F.convolve_impulse_response)(x, h))
    diff = np.abs(out - _reference(x, h)).max()
    assert diff < 1e-5 * np.abs(x).max(), diff  # float32 FFT round-off, ~6e-7 measured
    # One response per waveform, and a dry/wet blend per waveform.
    hs = np.stack([_room(peak=p, seed=p) for p in (0, 10, 399)])
    wet = np.array([1.0, 0.5, 0.0], "float32")
    out = to_numpy(compiled(F.convolve_impulse_response)(x, hs, wet))
    np.testing.assert_allclose(out, _reference(x, hs, wet), atol=1e-5 * np.abs(x).max())
    np.testing.assert_allclose(out[2], x[2], rtol=1e-5, atol=1e-6)  # all dry: unchanged


def test_direct_path_stays_in_place_and_level_and_silence_are_kept():
    impulse = np.zeros((2, 1000), "float32")
    impulse[0, 500] = 1.0  # row 1 stays silent
    out = to_numpy(F.convolve_impulse_response(impulse, _room(peak=37)))
    assert np.argmax(np.abs(out[0])) == 500
    np.testing.assert_array_equal(out[1], 0.0)
    x = _noise(4, 1000, seed=3) * np.array([[0.1], [1.0], [3.0], [10.0]], "float32")
    y = to_numpy(audio.Reverberation(sample_rate=SR, rt60=(0.1, 0.5), seed=0)(x))
    np.testing.assert_allclose(np.sqrt(np.mean(y**2, 1)), np.sqrt(np.mean(x**2, 1)), rtol=1e-4)


def test_synthetic_responses_have_the_requested_rt60_by_schroeder_integration():
    rt60 = np.array([0.1, 0.3, 0.6, 1.0], "float32")
    u = np.random.default_rng(5).uniform(-1, 1, size=(4, SR + 1)).astype("float32")
    h = to_numpy(compiled(lambda u, r: F.synthetic_impulse_response(u, r, SR))(u, rt60))
    assert np.all(np.argmax(np.abs(h), axis=1) == 0)  # the direct path is the peak
    for fit in [(-5.0, -25.0), (-5.0, -35.0)]:  # T20 and T30
        measured = np.array([_schroeder_rt60(row, SR, fit) for row in h])
        assert np.all(np.abs(measured / rt60 - 1) < 0.10), (fit, measured)


def test_layer_draws_rt60_and_reflections_per_waveform():
    layer = audio.Reverberation(sample_rate=SR, rt60=(0.2, 0.8), early_reflections=3, seed=2)
    t = layer.get_random_transformation({"audio": np.ones((16, 800), "float32")})
    rt60, irs = to_numpy(t["rt60"]), to_numpy(t["impulse_response"])
    assert irs.shape == (16, 6401) and rt60.min() >= 0.2 and rt60.max() <= 0.8
    assert rt60.std() > 0.1  # U[0.2, 0.8] has sd 0.17
    measured = np.array([_schroeder_rt60(row, SR, (-10.0, -30.0)) for row in irs])
    assert np.all(np.abs(measured / rt60 - 1) < 0.10), (measured, rt60)
    # The response is the documented function of the recorded draws.
    delays, gains = to_numpy(t["reflection_delays"]), to_numpy(t["reflection_gains"])
    replay = F.synthetic_impulse_response(t["noise"], t["rt60"], SR, delays, gains)
    np.testing.assert_allclose(to_numpy(replay), irs, atol=1e-6)
    # Delays in [1 ms, 50 ms) = [8, 400) samples; |gain| in [0.3, 0.9] of the envelope.
    assert delays.shape == (16, 3) and delays.min() >= 8 and delays.max() < 400
    share = np.abs(gains) / np.exp(-np.log(1000) * delays / (rt60[:, None] * SR))
    assert share.min() >= 0.3 - 1e-5 and share.max() <= 0.9 + 1e-5
    assert 0 < np.mean(gains > 0) < 1  # both signs
    assert np.all(np.argmax(np.abs(irs), axis=1) == 0)


def test_bank_responses_are_drawn_per_waveform():
    bank = np.stack([_room(peak=p, seed=p) for p in (0, 5, 20, 60)])
    n = 400
    layer = audio.Reverberation(bank, bank_sample_rate=SR, sample_rate=SR, seed=4)
    t = layer.get_random_transformation({"audio": np.ones((n, 500), "float32")})
    clip = to_numpy(t["clip"])
    np.testing.assert_array_equal(to_numpy(t["impulse_response"]), bank[clip])
    # Each clip's count is Binomial(400, 1/4): sd 8.7.
    counts = np.bincount(clip, minlength=4)
    assert np.all(np.abs(counts - n / 4) < Z_BOUND * np.sqrt(n * 0.25 * 0.75)), counts
    x = np.repeat(_noise(1, 500), 8, axis=0)
    y = to_numpy(audio.Reverberation(sample_rate=SR, rt60=(0.05, 0.5), seed=4)(x))
    assert len({row.tobytes() for row in y}) == 8  # one input, eight rooms


def test_reverberation_in_tf_data_and_model_round_trip(tmp_path):
    x = _noise(4, 512, seed=1)
    for layer in [audio.Reverberation(sample_rate=SR, rt60=(0.05, 0.2), early_reflections=2,
                                      wet=(0.3, 0.9), seed=2),
                  audio.Reverberation(np.stack([_room(200, 3), _room(200, 50)]), SR,
                                      sample_rate=SR, seed=3)]:
        ds = tf.data.Dataset.from_tensor_slices({"audio": x, "labels": np.arange(4)}).batch(2)
        out = np.concatenate([b["audio"].numpy() for b in ds.map(layer)])
        assert out.shape == x.shape and np.abs(out - x).max() > 0.1
        np.testing.assert_allclose(np.mean(out**2, 1), np.mean(x**2, 1), rtol=1e-4)
        model = keras.Sequential([keras.Input((512,)), layer])
        loaded = save_and_load(model, tmp_path)
        np.testing.assert_allclose(loaded.predict(x, verbose=0), x)  # predict: unchanged
        assert_same_training_outputs_after_reload(model, x, tmp_path)
        assert loaded.layers[0].get_config() == layer.get_config()


def test_reverberation_refuses_bad_input():
    bank = np.stack([_room(), _room(seed=2)])
    silent = bank.copy()
    silent[1] = 0.0
    bad = bank.copy()
    bad[0, 3] = np.nan
    assert_raises_each([
        (lambda: audio.Reverberation(np.zeros((0, 10), "float32"), 16000), ValueError,
         "impulse_responses.*empty"),
        (lambda: audio.Reverberation(bank, 22050, sample_rate=16000), ValueError,
         "bank_sample_rate.*22050.*16000"),
        (lambda: audio.Reverberation(bank, None), TypeError, "bank_sample_rate"),
        (lambda: audio.Reverberation(bank_sample_rate=16000), ValueError, "bank_sample_rate"),
        (lambda: audio.Reverberation((bank * 100).astype("int16"), 16000), TypeError,
         "impulse_responses.*float.*int16"),
        (lambda: audio.Reverberation(bad, 16000), ValueError, "impulse_responses.*finite"),
        (lambda: audio.Reverberation(silent, 16000), ValueError, r"silent.*\[1\].*direct"),
        (lambda: audio.Reverberation(rt60=(0.0, 0.5)), ValueError, "rt60"),
        (lambda: audio.Reverberation(rt60=(0.5, 0.2)), ValueError, "rt60"),
        (lambda: audio.Reverberation(wet=(0.5, 1.5)), ValueError, "wet"),
        (lambda: audio.Reverberation(early_reflections=-1), ValueError, "early_reflections"),
        (lambda: audio.Reverberation(sample_rate=0), ValueError, "sample_rate"),
    ])
