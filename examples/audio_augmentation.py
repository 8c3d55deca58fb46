"""The audio layers on synthetic tones: a waveform chain (gain, time shift,
pitch shift, noise at a random SNR), then SpecAugment masks on the
spectrogram; plots the spectrograms before and after.

A pitch shift by a fixed number of semitones is also measured: the dominant
frequency of a pure tone must move by the factor 2^(s/12).

    KERAS_BACKEND=jax python examples/audio_augmentation.py --out audio_augmentation.png
"""

import argparse

import keras
import numpy as np

import keras_reg

SAMPLE_RATE = 16000
FFT, HOP = 512, 128


def tones(count, seconds, seed=0):
    """``count`` clips, each a two-note chord (random notes between 220 and
    880 Hz) with a decaying envelope, float32 (count, samples)."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    clips = []
    for _ in range(count):
        f1, f2 = 220.0 * 2.0 ** (rng.integers(0, 25, size=2) / 12.0)
        envelope = np.exp(-2.0 * t)
        clips.append(envelope * (np.sin(2 * np.pi * f1 * t) + 0.5 * np.sin(2 * np.pi * f2 * t)))
    return np.stack(clips).astype("float32") * 0.5


def waveform_chain(seed):
    audio = keras_reg.augment.audio
    return keras.Sequential([
        audio.RandomGain((-6.0, 6.0), seed=seed),
        audio.TimeShift(0.1, seed=seed + 1),
        audio.PitchShift((-3.0, 3.0), fft_length=FFT, hop_length=HOP, seed=seed + 2),
        audio.AddNoise((10.0, 30.0), seed=seed + 3),
    ], name="waveform_augmentation")


def spectrogram_masks(seed):
    audio = keras_reg.augment.audio
    return keras.Sequential([
        audio.TimeMasking(max_width=20, count=2, seed=seed),
        audio.FrequencyMasking(max_width=24, count=2, seed=seed + 1),
    ], name="spec_augment")


def log_spectrogram(waveforms):
    """(n, frames, FFT // 2 + 1) log-magnitude, float32."""
    real, imag = keras.ops.stft(waveforms, FFT, HOP, FFT, window="hann", center=True)
    magnitude = keras.ops.sqrt(real**2 + imag**2)
    return keras.ops.log(magnitude + 1e-4)


def dominant_frequency(waveform):
    spectrum = np.abs(np.fft.rfft(waveform * np.hanning(len(waveform))))
    return np.fft.rfftfreq(len(waveform), 1.0 / SAMPLE_RATE)[np.argmax(spectrum)]


def measure_pitch_shift(semitones, seconds=0.5, frequency=440.0):
    """(frequency before, after) of a pure tone shifted by ``semitones``."""
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    tone = np.sin(2 * np.pi * frequency * t).astype("float32")[None]
    shift = keras_reg.augment.audio.PitchShift((semitones, semitones), FFT, HOP, seed=0)
    shifted = keras.ops.convert_to_numpy(shift(tone, training=True))[0]
    return dominant_frequency(tone[0]), dominant_frequency(shifted)


def plot(path, before, after, masked):
    import matplotlib.pyplot as plt

    rows = len(before)
    fig, axes = plt.subplots(rows, 3, figsize=(10, 2.2 * rows), squeeze=False)
    titles = ("original", "gain, shift, pitch, noise", "+ SpecAugment masks")
    for r in range(rows):
        for c, spec in enumerate((before[r], after[r], masked[r])):
            ax = axes[r, c]
            ax.imshow(spec.T, origin="lower", aspect="auto", cmap="magma",
                      extent=(0, spec.shape[0] * HOP / SAMPLE_RATE, 0, SAMPLE_RATE / 2000))
            ax.set_ylim(0, 4)
            if r == 0:
                ax.set_title(titles[c], fontsize=9)
            if c == 0:
                ax.set_ylabel("kHz")
            if r == rows - 1:
                ax.set_xlabel("s")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clips", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--semitones", type=float, default=3.0,
                        help="fixed pitch shift for the measurement")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="audio_augmentation.png", help="plot path ('' to skip)")
    args = parser.parse_args(argv)

    waveforms = tones(args.clips, args.seconds, args.seed)
    augmented = waveform_chain(args.seed)(waveforms, training=True)
    before = keras.ops.convert_to_numpy(log_spectrogram(waveforms))
    after_tensor = log_spectrogram(augmented)
    # The masks fill with zeros: apply them where 0 means "no information",
    # here on the log spectrogram shifted to start at 0.
    floor = keras.ops.min(after_tensor)
    masked = spectrogram_masks(args.seed + 10)(after_tensor - floor, training=True) + floor
    after = keras.ops.convert_to_numpy(after_tensor)
    masked = keras.ops.convert_to_numpy(masked)

    f0, f1 = measure_pitch_shift(args.semitones)
    expected = f0 * 2.0 ** (args.semitones / 12.0)
    print(f"pitch shift {args.semitones:+g} semitones: {f0:.1f} Hz -> {f1:.1f} Hz "
          f"(expected {expected:.1f} Hz)")
    if args.out:
        plot(args.out, before, after, masked)
        print(f"wrote {args.out}")
    return {"before_hz": f0, "after_hz": f1, "expected_hz": expected,
            "spectrograms": (before, after, masked)}


if __name__ == "__main__":
    main()
