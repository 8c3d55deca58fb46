"""Generate data/spoken_digits.npz: the ten digits spoken by espeak-ng.

Run once (needs the ``espeak-ng`` program and scipy); the demo and the tests
read the committed file and need no speech engine.

    python scripts/make_spoken_digits.py                 # writes data/spoken_digits.npz

A *voice* is an espeak-ng accent with a voice variant (``en-us+m3``): 8
English accents x 12 variants (the default, m1-m7, f1-f4) = 96 voices. Each
voice says each digit once, at a speed and pitch drawn per clip (fixed seed).
Each clip is espeak-ng's 22050 Hz output, trimmed of leading and trailing
silence, resampled to 8 kHz with ``scipy.signal.resample_poly`` and stored as
int16, zero-padded at the end to the longest clip (under one second).

The file holds ``audio`` (clips, samples) int16, ``labels`` (clips,) int8
0-9, ``voice`` (clips,) int16 indices into ``voice_names`` (voices,) str,
``speed`` (words per minute) and ``pitch`` (espeak-ng's 0-99) per clip, and
``sample_rate``. Which voices are held out for testing is decided by the
demo (examples/spoken_digits.py), not stored here.
"""

import argparse
import io
import os
import subprocess
import wave

import numpy as np
from scipy import signal

DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
ACCENTS = ("en", "en-us", "en-gb-scotland", "en-gb-x-gbclan", "en-gb-x-rp",
           "en-gb-x-gbcwmd", "en-029", "en-us-nyc")
VARIANTS = ("", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "f1", "f2", "f3", "f4")
ESPEAK_RATE, SAMPLE_RATE = 22050, 8000
SPEED_WPM = (150, 230)  # espeak-ng's default is 175
PITCH = (25, 75)  # espeak-ng's default is 50
# Trim: drop the leading and trailing samples whose 10 ms envelope stays
# below this fraction of the clip's peak.
SILENCE = 0.02


def voice_names():
    return [accent + (f"+{variant}" if variant else "") for accent in ACCENTS
            for variant in VARIANTS]


def speak(word, voice, speed, pitch):
    """espeak-ng's waveform for ``word`` as float64 in [-1, 1] at 22050 Hz."""
    wav = subprocess.run(
        ["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "--stdout", word],
        check=True, capture_output=True).stdout
    with wave.open(io.BytesIO(wav)) as f:
        if f.getframerate() != ESPEAK_RATE or f.getsampwidth() != 2:
            raise RuntimeError(f"unexpected espeak-ng output for voice {voice!r}")
        return np.frombuffer(f.readframes(f.getnframes()), "<i2") / 32768.0


def trim(x, rate):
    """``x`` without its leading and trailing silence (see SILENCE)."""
    window = max(1, rate // 100)
    envelope = np.convolve(np.abs(x), np.ones(window) / window, mode="same")
    loud = np.flatnonzero(envelope > SILENCE * envelope.max())
    return x[loud[0]: loud[-1] + 1]


def to_8k(x):
    # 8000 / 22050 = 160 / 441
    return signal.resample_poly(x, 160, 441)


def generate(seed=0):
    rng = np.random.default_rng(seed)
    clips, labels, voices, speeds, pitches = [], [], [], [], []
    for v, voice in enumerate(voice_names()):
        for label, word in enumerate(DIGITS):
            speed = int(rng.integers(SPEED_WPM[0], SPEED_WPM[1] + 1))
            pitch = int(rng.integers(PITCH[0], PITCH[1] + 1))
            clip = to_8k(trim(speak(word, voice, speed, pitch), ESPEAK_RATE))
            if len(clip) >= SAMPLE_RATE:
                raise RuntimeError(f"{voice} saying {word!r} lasts {len(clip)} samples (>= 1 s)")
            clips.append(np.round(np.clip(clip, -1.0, 32767 / 32768) * 32768).astype("int16"))
            labels.append(label)
            voices.append(v)
            speeds.append(speed)
            pitches.append(pitch)
    length = max(len(c) for c in clips)
    audio = np.zeros((len(clips), length), "int16")
    for i, clip in enumerate(clips):
        audio[i, : len(clip)] = clip
    return {"audio": audio, "labels": np.array(labels, "int8"),
            "voice": np.array(voices, "int16"), "voice_names": np.array(voice_names()),
            "speed": np.array(speeds, "int16"), "pitch": np.array(pitches, "int16"),
            "sample_rate": np.int32(SAMPLE_RATE)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser.add_argument("--out", default=os.path.join(here, "data", "spoken_digits.npz"))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    data = generate(args.seed)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    np.savez_compressed(args.out, **data)
    print(f"wrote {args.out}: {data['audio'].shape[0]} clips of {data['audio'].shape[1]} "
          f"samples, {len(data['voice_names'])} voices, {os.path.getsize(args.out) / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
