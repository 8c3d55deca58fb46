"""A bank of clips read once from a folder of WAV files, with Python's
``wave`` module (integer PCM; no dependency beyond NumPy and Keras)."""

import math
import os
import wave

import keras
import numpy as np

from keras_reg import _validation
from keras_reg.augment.audio import _resample

PADS = ("zeros", "loop")


def _read_pcm(path):
    """(samples,) float32 in [-1, 1], channels averaged, and the file's rate."""
    try:
        with wave.open(path, "rb") as f:
            width, channels, rate = f.getsampwidth(), f.getnchannels(), f.getframerate()
            raw = f.readframes(f.getnframes())
    except (wave.Error, EOFError) as error:
        raise ValueError(f"Cannot read {path!r} as integer PCM WAV ({error}). Convert it to "
                         "16-bit PCM first (floating-point WAV is not read).") from None
    if width == 3:  # 24-bit: widen each little-endian sample to 32 bits
        triples = np.frombuffer(raw, np.uint8).reshape(-1, 3)
        raw = np.pad(triples, ((0, 0), (1, 0))).tobytes()
        width = 4
    if width == 1:  # 8-bit WAV is unsigned, centred on 128
        samples = (np.frombuffer(raw, np.uint8).astype("float32") - 128.0) / 128.0
    else:
        samples = np.frombuffer(raw, f"<i{width}").astype("float64") / 2.0 ** (8 * width - 1)
    return samples.reshape(-1, channels).mean(axis=1).astype("float32"), rate


def _resampled(clip, rate, sample_rate):
    """``clip`` at ``sample_rate``, band-limited (windowed sinc, see ``_resample``)."""
    factor = rate / sample_rate  # input samples per output sample
    cutoff = min(1.0, 1.0 / factor)
    samples = int(math.floor(len(clip) / factor))
    positions = (np.arange(samples, dtype="float32") * factor)[None, :]
    ops = keras.ops
    out = _resample.resample(ops, ops.convert_to_tensor(clip[None, :]),
                             ops.convert_to_tensor(positions), cutoff,
                             _resample.half_width(cutoff))
    return np.asarray(ops.convert_to_numpy(out), "float32")[0]


def _fit(clip, length, pad):
    if len(clip) >= length:
        return clip[:length]
    if pad == "loop":
        return np.resize(clip, length)  # repeats the clip from its start
    return np.pad(clip, (0, length - len(clip)))


def load_wav_bank(folder: str, sample_rate: int, length: int | None = None,
                  resample: bool = False, pad: str = "zeros") -> np.ndarray:
    """Read every ``*.wav`` file of ``folder`` (sorted by name, not recursive)
    into one (clips, length) float32 array at ``sample_rate``.

    Integer PCM (8, 16, 24 or 32 bit) is scaled to [-1, 1) (divided by
    ``2^(bits − 1)``) and its channels are averaged to mono. A file at
    another rate is resampled with a band-limited (windowed-sinc) resampler
    when ``resample`` is true, else refused with an error naming the file and
    its rate. Every clip is then cropped to its first ``length`` samples, or
    extended to them: with zeros (``pad="zeros"``, for impulse responses) or
    by repeating it from its start (``pad="loop"``, for noise).

    Args:
        folder: a directory holding WAV files.
        sample_rate: the rate of the bank, in Hz.
        length: samples per clip; None: the longest clip's (after resampling).
        resample: resample clips at other rates (else raise).
        pad: ``"zeros"`` or ``"loop"``.

    Returns:
        (clips, length) float32 NumPy array.

    Example:

    ```python
    irs = keras_reg.augment.audio.load_wav_bank("rooms/", 16000, resample=True)
    reverb = keras_reg.augment.audio.Reverberation(irs, bank_sample_rate=16000)
    ```
    """
    sample_rate = _validation.check_positive_int(sample_rate, "sample_rate")
    if length is not None:
        length = _validation.check_positive_int(length, "length")
    pad = _validation.check_choice(pad, "pad", PADS)
    if not os.path.isdir(folder):
        raise ValueError(f"Argument `folder` must be a directory. Received: folder={folder!r}.")
    names = sorted(n for n in os.listdir(folder) if n.lower().endswith(".wav"))
    if not names:
        raise ValueError(f"The folder {folder!r} holds no .wav files.")
    clips = []
    for name in names:
        path = os.path.join(folder, name)
        clip, rate = _read_pcm(path)
        if rate != sample_rate:
            if not resample:
                raise ValueError(
                    f"{path!r} is sampled at {rate} Hz, not sample_rate={sample_rate} Hz. "
                    "Pass resample=True to resample it, or convert the file."
                )
            clip = _resampled(clip, rate, sample_rate)
        clips.append(clip)
    length = length or max(len(clip) for clip in clips)
    return np.stack([_fit(clip, length, pad) for clip in clips])
