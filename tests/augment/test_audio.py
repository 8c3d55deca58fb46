import math

import keras
import numpy as np
import pytest

from keras_reg.augment import audio
from tests._tensorflow import tf
from tests.helpers import save_and_load, to_numpy

SR = 8000


def _tones(freqs, samples=8000):
    t = np.arange(samples) / SR
    return np.stack([np.sin(2 * np.pi * f * t) for f in freqs]).astype("float32")


def _dominant_hz(y, start=1024, stop=-1024):
    """Peak of the FFT of the middle of ``y`` (edges hold STFT transients)."""
    seg = y[start:stop] * np.hanning(len(y[start:stop]))
    spectrum = np.abs(np.fft.rfft(seg))
    return np.argmax(spectrum) * SR / len(seg), SR / len(seg)


@pytest.mark.slow
@pytest.mark.parametrize("semitones", [-4.0, 3.0])
def test_pitch_shift_moves_dominant_frequency_and_keeps_length(semitones):
    x = _tones([440.0, 440.0])
    y = to_numpy(audio.PitchShift((semitones, semitones), seed=0)(x))
    assert y.shape == x.shape
    for row in y:
        hz, bin_hz = _dominant_hz(row)
        assert abs(hz - 440.0 * 2 ** (semitones / 12)) <= bin_hz


@pytest.mark.slow
@pytest.mark.parametrize("rate", [0.8, 1.25])
def test_time_stretch_keeps_pitch_and_changes_duration(rate):
    x = _tones([500.0], samples=8000)
    x[:, 6000:] = 0.0  # 0.75 s of tone, then silence
    y = to_numpy(audio.TimeStretch((rate, rate), seed=0)(x))[0]
    assert y.shape == (8000,)
    hz, bin_hz = _dominant_hz(y, 512, 4000)
    assert abs(hz - 500.0) <= bin_hz
    # The tone now lasts 6000 / rate samples (to within an STFT frame).
    envelope = np.abs(y) > 0.1
    last = np.nonzero(envelope)[0].max()
    assert abs(last - min(6000 / rate, 8000)) <= 512


@pytest.mark.slow
def test_add_noise_hits_the_requested_snr():
    x = _tones([300.0, 1200.0, 700.0, 50.0])
    layer = audio.AddNoise((5.0, 40.0), seed=3)
    y = to_numpy(layer(x))
    snr = 10 * np.log10(np.mean(x**2, axis=1) / np.mean((y - x) ** 2, axis=1))
    assert np.all((snr >= 5.0 - 0.5) & (snr <= 40.0 + 0.5))
    fixed = to_numpy(audio.AddNoise((20.0, 20.0), seed=4)(x))
    snr = 10 * np.log10(np.mean(x**2, axis=1) / np.mean((fixed - x) ** 2, axis=1))
    np.testing.assert_allclose(snr, 20.0, atol=0.5)


@pytest.mark.slow
def test_gain_and_shift():
    x = _tones([100.0] * 64, samples=1000)
    y = to_numpy(audio.RandomGain((-6, 6), seed=0)(x))
    db = 20 * np.log10(np.abs(y).max(axis=1) / np.abs(x).max(axis=1))
    assert db.min() >= -6 - 1e-3 and db.max() <= 6 + 1e-3 and db.std() > 1
    impulse = np.zeros((64, 1000), "float32")
    impulse[:, 500] = 1.0
    shifted = to_numpy(audio.TimeShift(0.1, seed=1)(impulse))
    where = shifted.argmax(axis=1)
    assert np.all(np.abs(where - 500) <= 100) and len(np.unique(where)) > 20
    assert np.allclose(shifted.sum(axis=1), 1.0)  # no wrap-around, nothing lost


@pytest.mark.slow
@pytest.mark.parametrize("cls, axis", [(audio.TimeMasking, 1), (audio.FrequencyMasking, 2)])
def test_spec_augment_masks_contiguous_bands(cls, axis):
    spec = np.ones((32, 40, 24), "float32")
    out = to_numpy(cls(max_width=6, count=1, seed=0)(spec))
    zero = (out == 0).all(axis=3 - axis)  # (n, masked axis)
    widths = zero.sum(axis=1)
    assert widths.max() <= 6 and len(np.unique(widths)) > 2
    for row in zero:
        idx = np.nonzero(row)[0]
        assert len(idx) == 0 or idx.max() - idx.min() + 1 == len(idx)


def test_audio_chain_in_tf_data_and_model_round_trip(tmp_path):
    x = _tones([220.0, 330.0, 440.0, 550.0], samples=2048)
    chain = [audio.RandomGain(seed=1), audio.TimeShift(0.05, seed=2), audio.AddNoise(seed=3),
             audio.PitchShift((-2, 2), fft_length=256, hop_length=64, seed=4),
             audio.TimeStretch((0.9, 1.1), fft_length=256, hop_length=64, seed=5)]
    ds = tf.data.Dataset.from_tensor_slices(x).batch(2)
    for layer in chain:
        ds = ds.map(layer)
    out = np.concatenate([b.numpy() for b in ds])
    assert out.shape == x.shape and np.all(np.isfinite(out))
    model = keras.Sequential([keras.Input((2048,)), *chain, keras.layers.Dense(1)])
    loaded = save_and_load(model, tmp_path)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-5)
    assert math.isclose(loaded.layers[3].semitones[0], -2.0)


def test_time_shift_equals_a_numpy_shift_with_zero_fill():
    x = np.arange(1, 4 * 9 + 1, dtype="float32").reshape(4, 9)
    shifts = [3, -2, 0, 12]  # later, earlier, none, past the end (all silence)
    expected = np.zeros_like(x)
    for row, s in enumerate(shifts):
        for t in range(9):
            if 0 <= t - s < 9:
                expected[row, t] = x[row, t - s]
    got = to_numpy(audio.functional.time_shift(x, np.array(shifts, "int32")))
    np.testing.assert_array_equal(got, expected)
