"""``bench_augment.py --audio``: clips/s of keras_reg's audio layers in
``tf.data`` against audiomentations on NumPy, the same transforms, in one run.

Setup: 1-second clips at 16 kHz (a harmonic tone with a syllable-like
envelope, float32), batch 64. keras_reg: ``ds.map(layer)`` on whole batches
(``num_parallel_calls=AUTOTUNE``, prefetch), under whatever ``KERAS_BACKEND``
is set (inside ``tf.data`` the layers run TensorFlow ops). audiomentations
0.43.1 (``pip install audiomentations==0.43.1``, which brings
``python-stretch`` for its default stretcher; it is a benchmark-only
dependency, no test imports it): each transform with ``p=1`` called on one
clip at a time, a Python loop over the batch (its normal use), each output
written into a batch array as a data loader's collation would.

Each repetition runs every pair's two sides in turn (ours, theirs, next
pair, ...) for ``batches`` batches each, so a burst of load on this shared
machine hits both alike; the table gives the median clips/s per side and
ours / theirs.

``AUDIO_PAIRS`` is the table of pairs: ``(name, ours(setup), theirs(setup))``
with ``setup`` the ``AudioSetup`` below (sample rate, a noise bank as an array
and as WAV files). A new pair is one added row. The parameters are chosen so
both sides do the same work; where the semantics differ it says so:

* AddNoise ↔ AddGaussianSNR: SNR U[5, 40] dB both; ours rescales the draw to
  the exact SNR, theirs scales to the expected noise RMS.
* RandomGain ↔ Gain: U[-6, 6] dB both.
* TimeShift ↔ Shift: up to ±10 % of the clip, zero fill (``rollover=False``)
  and no fade (``fade_duration=0``; ours never fades).
* TimeStretch ↔ TimeStretch: rate U[0.8, 1.25], length kept. Theirs by default
  is Signalsmith Stretch (C++); the "(librosa PV)" row is its
  ``librosa_phase_vocoder`` method, the algorithm ours implements (librosa:
  n_fft 2048, hop 512; ours: 512, 128, so 4x more frames of a quarter size).
* PitchShift ↔ PitchShift: U[-4, 4] semitones; the same two methods.
* LowPass / HighPass ↔ LowPassFilter / HighPassFilter: order 2 (roll-off
  12 dB/octave, ``min_rolloff = max_rolloff = 12``). Ours applies the magnitude
  of ``butter(2, f_c)`` with zero phase on the rfft of the clip; theirs runs
  the same Butterworth as a causal IIR (``zero_phase=False``: same magnitude,
  plus its phase; ``zero_phase=True`` would square the magnitude). Cutoffs:
  ours log-uniform, theirs mel-uniform over the same range.
* BandPass ↔ BandPassFilter: ``order=1`` ↔ ``rolloff=6`` (both
  ``butter(1, [f_1, f_2], "band")``, order 2). Ours Q U[0.5, 2] in warped
  frequency, theirs bandwidth fraction U[0.5, 1.99] of the centre in Hz (≈ 1/Q;
  their fraction must stay below 2). Centre 300-3000 Hz.
* AddColoredNoise ↔ AddColorNoise: β U[0, 2] ↔ f_decay U[-6.02, 0] dB/octave
  (β = −f_decay / (10 log10 2)), SNR U[5, 40] dB. Ours shapes the whole clip's
  spectrum; theirs convolves with a 128-tap (``n_fft=128``) decay.
* AddBackgroundNoise ↔ AddBackgroundNoise: 8 noise clips of 1.5 s, SNR U[3, 30]
  dB. Ours holds the bank in memory; theirs reads a WAV file per call (its
  cache was removed in 0.43), which is its normal use.
* Reverberation ↔ ApplyImpulseResponse: 8 synthetic room responses of 0.5 s
  (RT60 0.4 s), length kept both. Ours FFT-convolves, reads from the response's
  peak and keeps the input's RMS; theirs convolves (``scipy.signal.convolve``)
  and keeps the input's peak level. Theirs caches the decoded WAVs (LRU).
* SpecAugment (TimeMasking / FrequencyMasking) has no audiomentations peer
  (its transforms are on waveforms): not timed.
"""

import os
import statistics
import tempfile
import time
from dataclasses import dataclass

import keras
import numpy as np
from _harness import environment

from keras_reg.augment import audio as KA

SAMPLE_RATE = 16000


@dataclass
class AudioSetup:
    sample_rate: int
    noise_bank: np.ndarray  # (clips, samples) float32
    noise_dir: str  # the same clips as WAV files
    impulse_responses: np.ndarray  # (responses, samples) float32
    impulse_dir: str  # the same responses as WAV files


def _am():
    import audiomentations

    return audiomentations


def _stretchers(method):
    return [
        (f"TimeStretch{method[1]}",
         lambda s: KA.TimeStretch((0.8, 1.25), seed=0),
         lambda s: _am().TimeStretch(0.8, 1.25, leave_length_unchanged=True, method=method[0],
                                     p=1.0)),
        (f"PitchShift{method[1]}",
         lambda s: KA.PitchShift((-4.0, 4.0), seed=0),
         lambda s: _am().PitchShift(-4.0, 4.0, method=method[0], p=1.0)),
    ]


AUDIO_PAIRS = [
    ("AddNoise", lambda s: KA.AddNoise((5.0, 40.0), seed=0),
     lambda s: _am().AddGaussianSNR(5.0, 40.0, p=1.0)),
    ("RandomGain", lambda s: KA.RandomGain((-6.0, 6.0), seed=0),
     lambda s: _am().Gain(-6.0, 6.0, p=1.0)),
    ("TimeShift", lambda s: KA.TimeShift(0.1, seed=0),
     lambda s: _am().Shift(-0.1, 0.1, "fraction", rollover=False, fade_duration=0.0, p=1.0)),
    *_stretchers(("signalsmith_stretch", "")),
    *_stretchers(("librosa_phase_vocoder", " (librosa PV)")),
    ("LowPass", lambda s: KA.LowPass((500.0, 4000.0), s.sample_rate, order=2, seed=0),
     lambda s: _am().LowPassFilter(500.0, 4000.0, 12, 12, zero_phase=False, p=1.0)),
    ("HighPass", lambda s: KA.HighPass((50.0, 800.0), s.sample_rate, order=2, seed=0),
     lambda s: _am().HighPassFilter(50.0, 800.0, 12, 12, zero_phase=False, p=1.0)),
    ("BandPass",
     lambda s: KA.BandPass((300.0, 3000.0), (0.5, 2.0), s.sample_rate, order=1, seed=0),
     lambda s: _am().BandPassFilter(300.0, 3000.0, 0.5, 1.99, 6, 6, zero_phase=False, p=1.0)),
    ("AddColoredNoise", lambda s: KA.AddColoredNoise((0.0, 2.0), (5.0, 40.0), seed=0),
     lambda s: _am().AddColorNoise(5.0, 40.0, -6.0206, 0.0, p=1.0)),
    ("AddBackgroundNoise",
     lambda s: KA.AddBackgroundNoise(s.noise_bank, s.sample_rate, s.sample_rate, (3.0, 30.0),
                                     seed=0),
     lambda s: _am().AddBackgroundNoise(s.noise_dir, 3.0, 30.0, p=1.0)),
    ("Reverberation",
     lambda s: KA.Reverberation(s.impulse_responses, s.sample_rate, s.sample_rate, seed=0),
     lambda s: _am().ApplyImpulseResponse(s.impulse_dir, p=1.0, leave_length_unchanged=True)),
]


def clips(count, samples=SAMPLE_RATE, seed=0):
    """Harmonic tones (f0 100-300 Hz, 12 partials) under a syllable envelope."""
    rng = np.random.default_rng(seed)
    t = np.arange(samples) / SAMPLE_RATE
    out = np.empty((count, samples), "float32")
    for i in range(count):
        f0 = rng.uniform(100, 300)
        tone = sum(np.sin(2 * np.pi * k * f0 * t + rng.uniform(0, 6.3)) / k
                   for k in range(1, 13) if k * f0 < SAMPLE_RATE / 2)
        envelope = np.sin(np.pi * t * rng.integers(2, 6)) ** 2
        out[i] = 0.3 * tone * envelope + 0.003 * rng.normal(size=samples)
    return out


def _setup(folder):
    bank = np.random.default_rng(1).normal(size=(8, SAMPLE_RATE * 3 // 2)).astype("float32")
    bank *= 0.1
    uniform = np.random.default_rng(2).uniform(-1, 1, size=(8, SAMPLE_RATE // 2))
    responses = keras.ops.convert_to_numpy(KA.functional.synthetic_impulse_response(
        uniform.astype("float32"), 0.4, SAMPLE_RATE)).astype("float32")
    import soundfile

    noise_dir, impulse_dir = os.path.join(folder, "noise"), os.path.join(folder, "ir")
    for directory, clips_ in ((noise_dir, bank), (impulse_dir, responses)):
        os.makedirs(directory)
        for i, clip in enumerate(clips_):
            soundfile.write(os.path.join(directory, f"{i}.wav"), clip, SAMPLE_RATE,
                            subtype="FLOAT")
    return AudioSetup(SAMPLE_RATE, bank, noise_dir, responses, impulse_dir)


def _ours(layer, batch):
    import tensorflow as tf

    ds = tf.data.Dataset.from_tensors(tf.constant(batch)).repeat()
    ds = ds.map(lambda x: layer(x, training=True), num_parallel_calls=tf.data.AUTOTUNE)
    ds = ds.prefetch(tf.data.AUTOTUNE)  # traced here, once

    def burst(batches):
        # A fresh pipeline per burst, dropped at its end, so that nothing runs
        # ahead while the peer is timed. Its start-up (tf.data optimizes the
        # graph per iterator) and first batches are not timed: batches come
        # out of the parallel map in pairs at first, so the clock starts once
        # they come one period apart.
        it = iter(ds)
        for _ in range(3):
            next(it).numpy()
        t0 = time.perf_counter()
        for _ in range(batches):
            next(it).numpy()
        rate = batches * len(batch) / (time.perf_counter() - t0)
        del it
        return rate

    return burst


def _theirs(transform, batch, sample_rate):
    out = np.empty_like(batch)

    def burst(batches):
        t0 = time.perf_counter()
        for _ in range(batches):
            for i, clip in enumerate(batch):  # into a batch, as a data loader collates
                out[i] = transform(samples=clip, sample_rate=sample_rate)
        return batches * len(batch) / (time.perf_counter() - t0)

    transform(samples=batch[0], sample_rate=sample_rate)  # imports and caches outside
    return burst


def run_audio(batch_size, batches, repeats, only=None):
    import audiomentations
    import tensorflow as tf

    rows = [r for r in AUDIO_PAIRS if only is None or r[0] in only.split(",")]
    batch = clips(batch_size)
    with tempfile.TemporaryDirectory() as folder:
        setup = _setup(folder)
        peers = {name: theirs(setup) for name, _, theirs in rows}
        sides = {name: (_ours(ours(setup), batch),
                        _theirs(peers[name], batch, setup.sample_rate))
                 for name, ours, _ in rows}
        rates = {name: ([], []) for name in sides}
        for _ in range(repeats):
            for name, (ours, theirs) in sides.items():
                rates[name][0].append(ours(batches))
                rates[name][1].append(theirs(batches))
    import keras_reg

    print(f"# {keras.backend.backend()} | {environment()} | tf {tf.__version__} | "
          f"audiomentations {audiomentations.__version__} | load average "
          f"{' '.join(f'{v:.2f}' for v in os.getloadavg())} | keras_reg from "
          f"{os.path.dirname(os.path.dirname(keras_reg.__file__))}")
    print(f"# 1 s clips at {SAMPLE_RATE} Hz, batch {batch_size}, {batches} batches a burst, "
          f"median of {repeats} interleaved bursts")
    print("| keras_reg layer (tf.data) | audiomentations | ours clips/s | theirs clips/s | "
          "ours / theirs |")
    print("|---|---|---|---|---|")
    for name in sides:
        a, b = (statistics.median(r) for r in rates[name])
        print(f"| {name} | {type(peers[name]).__name__} | {a:.0f} | {b:.0f} | {a / b:.2f} |")
    print("| TimeMasking / FrequencyMasking | no peer (spectrograms) | – | – | – |")
