"""TimeStretch and PitchShift against the input they transform: steady-state
level, the ratio of two partials and the dominant frequency, with librosa as
the oracle for frequencies and ratios (slow grid).

The targets are the ones a listener would notice: level within 0.5 dB of the
input, partial ratio within 0.5 dB, frequency within 0.5 %. Measurements skip
two FFT lengths at each end (the vocoder's onset and the crop) and read a
partial's amplitude as the Hann-windowed DTFT at its exact frequency, which has
no scalloping loss, so the measurement itself is exact to ~0.001 dB.
"""

import keras
import numpy as np
import pytest

from keras_reg.augment import audio
from keras_reg.augment.audio import functional as F
from tests.augment._backend import compiled
from tests.helpers import to_numpy

SR = 8000
SAMPLES = 8000
FFT, HOP = 256, 64
# 1500 Hz is 0.375 of the sampling rate: linear interpolation there would lose
# 1 dB on average, so the resampler's flatness is part of every pitch check.
PARTIALS = (440.0, 1500.0)
AMPLITUDES = (1.0, 0.668)  # 3.5 dB apart
LEVEL_DB, RATIO_DB, FREQ_REL = 0.5, 0.5, 0.005


def _signal(partials=PARTIALS, amplitudes=AMPLITUDES, samples=SAMPLES):
    t = np.arange(samples) / SR
    return sum(a * np.sin(2 * np.pi * f * t + 0.3) for f, a in zip(partials, amplitudes)).astype(
        "float32"
    )


def _amplitude_db(y, freq, start, stop):
    n = np.arange(start, stop)
    window = np.hanning(stop - start)
    dtft = np.sum(y[start:stop] * window * np.exp(-2j * np.pi * freq * n / SR))
    return 20 * np.log10(2 * abs(dtft) / window.sum())


def _rms_db(y, start, stop):
    return 10 * np.log10(np.mean(np.square(y[start:stop], dtype="float64")))


def _dominant_hz(y, start, stop):
    segment = y[start:stop] * np.hanning(stop - start)
    size = 16 * (stop - start)  # zero padding: a 0.06 Hz grid
    return np.argmax(np.abs(np.fft.rfft(segment, size))) * SR / size


def _measure(y, partials, start, stop):
    """(level dB, partial ratio dB, dominant Hz) of ``y`` in [start, stop)."""
    ratio = _amplitude_db(y, partials[0], start, stop) - _amplitude_db(y, partials[1], start, stop)
    return _rms_db(y, start, stop), ratio, _dominant_hz(y, start, stop)


def _check(y, x, scale, start, stop):
    level, ratio, hz = _measure(y, [p * scale for p in PARTIALS], start, stop)
    level_in, ratio_in, _ = _measure(x, PARTIALS, 2 * FFT, SAMPLES - 2 * FFT)
    assert abs(level - level_in) <= LEVEL_DB, (level, level_in)
    assert abs(ratio - ratio_in) <= RATIO_DB, (ratio, ratio_in)
    assert abs(hz / (PARTIALS[0] * scale) - 1) <= FREQ_REL, hz
    return level, ratio, hz


RATES = (0.5, 0.8, 0.99, 1.25, 2.0)
SHIFTS = (-12.0, -5.0, 7.0, 12.0)


def _stretch(x, rates, fft=FFT, hop=HOP):
    rate = np.asarray(rates, "float32")
    fn = compiled(lambda v: F.time_stretch(v, rate, fft, hop))
    return to_numpy(fn(x))


def _pitch_shift(x, shifts, fft=FFT, hop=HOP):
    semitones = np.asarray(shifts, "float32")
    top = float(max(shifts))
    fn = compiled(lambda v: F.pitch_shift(v, semitones, fft, hop, max_semitones=top))
    return to_numpy(fn(x))


def test_time_stretch_keeps_level_partials_and_pitch():
    # Below rate 1 the vocoder used to lose 4.5 dB and 1 dB of partial ratio:
    # its phase accumulation started on the reflect-padded boundary frame.
    # One batch, one rate per waveform; the last row is noise at rate 1.
    x = _signal()
    noise = np.random.default_rng(0).normal(0.0, 0.3, SAMPLES).astype("float32")
    y = _stretch(np.stack([x] * len(RATES) + [noise]), RATES + (1.0,))
    for row, r in zip(y, RATES):
        _check(row, x, 1.0, 2 * FFT, int(min(SAMPLES, SAMPLES / r)) - 2 * FFT)
    # Rate 1 re-synthesizes only the first fft_length samples (the frames that
    # saw the reflected boundary); the rest is the STFT round trip (to float32
    # rounding; TensorFlow's inverse STFT also drifts by ~1e-3 in the last
    # half frame, where its window normalization assumes full overlap).
    np.testing.assert_allclose(y[-1, FFT:-FFT], noise[FFT:-FFT], atol=1e-4)


def test_pitch_shift_keeps_level_partials_and_moves_pitch():
    # The last row: 3600 Hz up 7 semitones is 5394 Hz, above the 4000 Hz
    # Nyquist frequency; read faster without a low-pass it would fold to
    # 2606 Hz. It must vanish instead.
    x = _signal()
    high = _signal((3600.0,), (1.0,))
    y = _pitch_shift(np.stack([x] * len(SHIFTS) + [high]), SHIFTS + (7.0,))
    start, stop = 2 * FFT, SAMPLES - 2 * FFT
    for row, s in zip(y, SHIFTS):
        _check(row, x, 2 ** (s / 12), start, stop)
    assert _rms_db(y[-1], start, stop) - _rms_db(high, start, stop) < -40.0


@pytest.mark.slow
def test_half_precision_waveforms_are_stretched_in_float32():
    # Keras's stft takes float32/float64 only: a float16 TimeStretch or
    # PitchShift used to fail with a TypeError.
    x = np.tile(_signal(samples=2048), (2, 1)).astype("float16")
    start, stop = 2 * FFT, 2048 - 2 * FFT
    level_in = _rms_db(x[0].astype("float32"), start, stop)
    half = np.full((2,), 0.8, "float16")
    for fn in (lambda v: F.time_stretch(v, half, FFT, HOP),
               lambda v: F.pitch_shift(v, half * 4, FFT, HOP, max_semitones=3.2)):
        y = compiled(fn)(x)
        assert keras.backend.standardize_dtype(y.dtype) == "float16"
        assert abs(_rms_db(to_numpy(y).astype("float32")[0], start, stop) - level_in) < LEVEL_DB
    for layer in (audio.TimeStretch, audio.PitchShift):
        spec = layer(dtype="float16").compute_output_spec(keras.KerasTensor((2, 2048), "float16"))
        assert keras.backend.standardize_dtype(spec.dtype) == "float16"


# --- the full grid, with librosa as the oracle ------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("fft, hop", [(256, 64), (512, 128), (400, 100)])
def test_time_stretch_grid_matches_librosa(fft, hop):
    librosa = pytest.importorskip("librosa")
    x = _signal()
    rates = tuple(np.round(np.geomspace(0.5, 2.0, 9), 4))
    y = _stretch(np.stack([x] * len(rates)), rates, fft, hop)
    for row, rate in zip(y, rates):
        start, stop = 2 * fft, int(min(SAMPLES, SAMPLES / rate)) - 2 * fft
        _, ratio, hz = _check(row, x, 1.0, start, stop)
        reference = librosa.effects.time_stretch(x, rate=float(rate), n_fft=fft, hop_length=hop)
        _, ratio_ref, hz_ref = _measure(reference, PARTIALS, start, stop)
        assert abs(ratio - ratio_ref) <= RATIO_DB and abs(hz / hz_ref - 1) <= FREQ_REL


@pytest.mark.slow
@pytest.mark.parametrize("fft, hop", [(256, 64), (512, 128)])
def test_pitch_shift_grid_matches_librosa(fft, hop):
    librosa = pytest.importorskip("librosa")
    x = _signal()
    shifts = tuple(np.arange(-12.0, 12.5, 3.0))
    y = _pitch_shift(np.stack([x] * len(shifts)), shifts, fft, hop)
    start, stop = 2 * fft, SAMPLES - 2 * fft
    for row, semitones in zip(y, shifts):
        scale = 2 ** (semitones / 12)
        _, ratio, hz = _check(row, x, scale, start, stop)
        reference = librosa.effects.pitch_shift(x, sr=SR, n_steps=float(semitones), n_fft=fft,
                                                hop_length=hop)
        _, ratio_ref, hz_ref = _measure(reference, [p * scale for p in PARTIALS], start, stop)
        assert abs(ratio - ratio_ref) <= RATIO_DB and abs(hz / hz_ref - 1) <= FREQ_REL
