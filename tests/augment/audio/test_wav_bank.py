"""Banks read once from a folder of WAV files (Python's ``wave`` module)."""

import os
import wave

import numpy as np
import pytest

from keras_reg.augment import audio
from tests.helpers import assert_raises_each, to_numpy


def _write(path, samples, rate, width=2, channels=1):
    """Integer PCM from floats in [-1, 1): samples (frames,) or (frames, channels)."""
    scale = 2.0 ** (8 * width - 1)
    ints = np.round(np.asarray(samples, "float64").reshape(-1, channels) * scale)
    ints = np.clip(ints, -scale, scale - 1).astype("<i4")
    if width == 1:
        raw = (ints + 128).astype("uint8").tobytes()
    elif width == 3:
        raw = ints.astype("<i4").view("uint8").reshape(-1, 4)[:, :3].tobytes()
    else:
        raw = ints.astype(f"<i{width}").tobytes()
    with wave.open(str(path), "wb") as f:
        f.setnchannels(channels)
        f.setsampwidth(width)
        f.setframerate(rate)
        f.writeframes(raw)


def _sine(hz, seconds, rate, amplitude=0.5):
    return amplitude * np.sin(2 * np.pi * hz * np.arange(int(seconds * rate)) / rate)


def test_pcm_widths_and_channels_are_read_and_scaled(tmp_path):
    tone = _sine(250, 0.05, 8000)
    for width in (1, 2, 3, 4):
        _write(tmp_path / f"w{width}.wav", tone, 8000, width=width)
    _write(tmp_path / "stereo.wav", np.stack([tone, -0.5 * tone], axis=1), 8000, channels=2)
    (tmp_path / "notes.txt").write_text("not audio")  # ignored
    bank = audio.load_wav_bank(str(tmp_path), 8000)
    assert bank.shape == (5, len(tone)) and bank.dtype == np.float32
    for row, width in zip(bank[1:], (1, 2, 3, 4)):  # sorted by name: stereo, w1 .. w4
        np.testing.assert_allclose(row, tone, atol=1.0 / 2 ** (8 * width - 1))
    np.testing.assert_allclose(bank[0], 0.25 * tone, atol=1e-4)  # channels averaged


def test_lengths_are_cropped_padded_or_looped(tmp_path):
    _write(tmp_path / "a.wav", _sine(100, 0.1, 8000), 8000)  # 800 samples
    _write(tmp_path / "b.wav", _sine(300, 0.025, 8000), 8000)  # 200 samples
    longest = audio.load_wav_bank(str(tmp_path), 8000)
    assert longest.shape == (2, 800)
    np.testing.assert_array_equal(longest[1, 200:], 0.0)  # zeros by default
    looped = audio.load_wav_bank(str(tmp_path), 8000, length=500, pad="loop")
    np.testing.assert_array_equal(looped[1], np.resize(longest[1, :200], 500))
    np.testing.assert_array_equal(looped[0], longest[0, :500])  # cropped to its start


def test_other_rates_are_refused_or_resampled(tmp_path):
    _write(tmp_path / "a.wav", _sine(440, 0.25, 8000), 8000)
    _write(tmp_path / "b.wav", _sine(440, 0.25, 16000), 16000)
    with pytest.raises(ValueError, match=r"b\.wav.*16000 Hz.*sample_rate=8000.*resample=True"):
        audio.load_wav_bank(str(tmp_path), 8000)
    bank = audio.load_wav_bank(str(tmp_path), 8000, resample=True)
    assert bank.shape == (2, 2000)
    # 440 Hz is far inside the resampler's passband (flat within 0.1 dB, 1.2 %,
    # up to 0.8 of the 4 kHz cutoff): the 16 kHz tone read at 8 kHz is the 8 kHz
    # tone, away from the ends (the kernel's 8-sample half-width sees zeros there).
    np.testing.assert_allclose(bank[1, 16:-16], bank[0, 16:-16], atol=0.5 * 0.012 + 1e-3)
    up = audio.load_wav_bank(str(tmp_path), 16000, resample=True)  # 8 kHz read at 16 kHz
    np.testing.assert_allclose(up[0, 32:-32], up[1, 32:-32], atol=0.5 * 0.012 + 1e-3)


def test_layers_load_their_banks_from_a_folder(tmp_path):
    rng = np.random.default_rng(0)
    for i in range(3):
        _write(tmp_path / f"n{i}.wav", 0.3 * rng.uniform(-1, 1, 100 + 50 * i), 8000)
    noise = audio.AddBackgroundNoise.from_wav_folder(str(tmp_path), sample_rate=8000,
                                                     snr_db=(5.0, 5.0), seed=1)
    assert noise.noise_bank.shape == (3, 200) and noise.snr_db == (5.0, 5.0)
    np.testing.assert_array_equal(noise.noise_bank[0], np.resize(noise.noise_bank[0, :100], 200))
    reverb = audio.Reverberation.from_wav_folder(str(tmp_path), sample_rate=8000, length=150,
                                                 wet=(0.5, 0.5), seed=2)
    assert reverb.impulse_responses.shape == (3, 150) and reverb.wet == (0.5, 0.5)
    np.testing.assert_array_equal(reverb.impulse_responses[0, 100:], 0.0)
    x = rng.normal(size=(2, 400)).astype("float32")
    assert to_numpy(reverb(x)).shape == (2, 400)


def test_bad_folders_are_refused(tmp_path):
    empty = tmp_path / "empty"
    os.makedirs(empty)
    (tmp_path / "float.wav").write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x03\x00"
                                         b"\x01\x00\x40\x1f\x00\x00\x00\x7d\x00\x00\x04\x00"
                                         b"\x20\x00data\x00\x00\x00\x00")
    assert_raises_each([
        (lambda: audio.load_wav_bank(str(empty), 8000), ValueError, "no .wav files"),
        (lambda: audio.load_wav_bank(str(tmp_path / "missing"), 8000), ValueError,
         "folder.*directory"),
        (lambda: audio.load_wav_bank(str(tmp_path), 8000), ValueError,
         r"float\.wav.*integer PCM"),
        (lambda: audio.load_wav_bank(str(empty), 0), ValueError, "sample_rate"),
        (lambda: audio.load_wav_bank(str(empty), 8000, length=0), ValueError, "length"),
        (lambda: audio.load_wav_bank(str(empty), 8000, pad="edge"), ValueError, "pad"),
    ])
