"""Waveform level, noise and shift, and SpecAugment masks, with a parameter
per waveform (or spectrogram)."""

from keras_reg.augment._params import Tensor, as_tensor, batch_values, ops_for, per_sample


def float_audio(ops, audio):
    """``audio`` as a tensor, float32 unless already floating-point."""
    x = ops.convert_to_tensor(audio)
    return x if "float" in str(x.dtype) else ops.cast(x, "float32")


def apply_gain(waveforms: Tensor, gain_db: float | Tensor) -> Tensor:
    """Multiply each waveform by a gain in decibels: ``y = x · 10^(g/20)``.

    Args:
        waveforms: (batch, samples), float.
        gain_db: ``g``, a number or one per waveform (batch,).

    Returns:
        the scaled waveforms.

    Example:

    ```python
    from keras_reg.augment.audio import functional as F
    softer = F.apply_gain(waveforms, -6.0)
    ```
    """
    ops = ops_for(waveforms)
    x = float_audio(ops, waveforms)
    return x * ops.power(10.0, per_sample(ops, gain_db, x) / 20.0)


def add_noise_at_snr(waveforms: Tensor, noise: Tensor, snr_db: float | Tensor) -> Tensor:
    """Add ``noise`` rescaled to an exact signal-to-noise ratio per waveform:
    ``y = x + ε · sqrt(P_x / 10^(SNR/10) / P_ε)``, ``P`` the mean square
    over the waveform. A silent waveform stays silent.

    Args:
        waveforms: (batch, samples), float.
        noise: ``ε``, the same shape (e.g. white Gaussian draws), not silent.
        snr_db: SNR in dB, a number or (batch,).

    Returns:
        the noisy waveforms.

    Example:

    ```python
    eps = np.random.default_rng(0).normal(size=waveforms.shape)
    noisy = keras_reg.augment.audio.functional.add_noise_at_snr(waveforms, eps, 20.0)
    ```
    """
    ops = ops_for(waveforms)
    x = float_audio(ops, waveforms)
    noise = as_tensor(ops, noise, x.dtype)
    signal_power = ops.mean(x * x, axis=1, keepdims=True)
    noise_power = ops.mean(noise * noise, axis=1, keepdims=True)
    snr = per_sample(ops, snr_db, x)
    return x + noise * ops.sqrt(signal_power / ops.power(10.0, snr / 10.0) / noise_power)


def time_shift(waveforms: Tensor, shift: int | Tensor) -> Tensor:
    """Move each waveform by a whole number of samples (later for a positive
    ``shift``), filling with silence: the end of a clip does not wrap around.

    Args:
        waveforms: (batch, samples).
        shift: samples, an int or one per waveform (batch,).

    Returns:
        the shifted waveforms, same shape.

    Example:

    ```python
    later = keras_reg.augment.audio.functional.time_shift(waveforms, [800, -800])
    ```
    """
    ops = ops_for(waveforms)
    x = ops.convert_to_tensor(waveforms)
    samples = x.shape[1] if x.shape[1] is not None else ops.shape(x)[1]
    shift = batch_values(ops, shift, x, "int32")[:, None]
    # One flat gather from the rows padded by a zero at each end: a source
    # index outside the clip reads that zero (take_along_axis and a select
    # cost about twice as much on TensorFlow).
    source = ops.clip(ops.arange(samples, dtype="int32")[None, :] - shift, -1, samples) + 1
    row = ops.arange(ops.shape(x)[0], dtype="int32")[:, None] * (samples + 2)
    flat = ops.reshape(ops.pad(x, ((0, 0), (1, 1))), (-1,))
    return ops.take(flat, source + row)


def _mask(spectrograms, start, width, axis):
    ops = ops_for(spectrograms)
    x = ops.convert_to_tensor(spectrograms)
    size = x.shape[axis]
    start, width = (as_tensor(ops, v, "int32") for v in (start, width))
    if len(start.shape) < 2:  # one band per spectrogram (or one for the batch)
        start, width = (ops.reshape(v, (-1, 1)) for v in (start, width))
    positions = ops.arange(size, dtype="int32")[None, None, :]  # (1, 1, size)
    inside = (positions >= start[:, :, None]) & (positions < (start + width)[:, :, None])
    masked = ops.any(inside, axis=1)  # (batch, size)
    masked = masked[:, :, None] if axis == 1 else masked[:, None, :]
    return ops.where(masked, ops.zeros_like(x), x)


def mask_time(spectrograms: Tensor, start: int | Tensor, width: int | Tensor) -> Tensor:
    """Zero ``width`` consecutive frames from ``start`` in each spectrogram
    (SpecAugment's time mask); several bands with (batch, bands) arguments.

    Args:
        spectrograms: (batch, time, freq).
        start: first masked frame, an int, (batch,) or (batch, bands).
        width: masked frames, the same shape as ``start`` (0: no mask).

    Returns:
        the masked spectrograms.

    Example:

    ```python
    out = keras_reg.augment.audio.functional.mask_time(spectrograms, [3, 10], [5, 2])
    ```

    Reference: Park et al., "SpecAugment", Interspeech 2019.
    """
    return _mask(spectrograms, start, width, axis=1)


def mask_frequency(spectrograms: Tensor, start: int | Tensor, width: int | Tensor) -> Tensor:
    """SpecAugment's frequency mask: ``mask_time`` along the other axis,
    zeroing ``width`` consecutive frequency bins from ``start`` in each
    spectrogram (several bands with (batch, bands) arguments).

    Args:
        spectrograms: (batch, time, freq).
        start: the first masked bin: an int, (batch,) or (batch, bands).
        width: how many bins, the shape of ``start`` (0: no mask).

    Returns:
        the masked spectrograms, same shape.

    Example:

    ```python
    out = keras_reg.augment.audio.functional.mask_frequency(spectrograms, 4, 3)
    ```

    Reference: Park et al., "SpecAugment", Interspeech 2019.
    """
    return _mask(spectrograms, start, width, axis=2)


def loop_clips(bank: Tensor, clip: int | Tensor, offset: int | Tensor, samples: int) -> Tensor:
    """``samples`` consecutive samples of a clip of ``bank`` per row, from
    ``offset`` on, wrapping to the clip's start at its end: a clip shorter
    than ``samples`` is looped, and every start position is equally usable.

    Args:
        bank: (clips, clip_samples), the noise clips.
        clip: the clip of each row, an int or (batch,).
        offset: its first sample, an int or (batch,) in [0, clip_samples).
        samples: the length of the segments.

    Returns:
        (batch, samples): ``bank[clip, (offset + t) mod clip_samples]``.

    Example:

    ```python
    bank = np.random.default_rng(0).normal(size=(3, 800)).astype("float32")
    noise = keras_reg.augment.audio.functional.loop_clips(bank, [0, 2], [0, 500], 16000)
    ```
    """
    ops = ops_for(bank)
    bank = ops.convert_to_tensor(bank)
    clip_samples = bank.shape[1] if bank.shape[1] is not None else ops.shape(bank)[1]
    clip = ops.reshape(as_tensor(ops, clip, "int32"), (-1, 1))
    offset = ops.reshape(as_tensor(ops, offset, "int32"), (-1, 1))
    positions = (offset + ops.arange(samples, dtype="int32")[None, :]) % clip_samples
    # Flat indices into the bank: one gather, no per-row copy of the clips.
    return ops.take(ops.reshape(bank, (-1,)), clip * clip_samples + positions)
