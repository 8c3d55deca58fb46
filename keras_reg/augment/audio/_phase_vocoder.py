"""A batched phase vocoder on ``stft``/``istft`` with a per-sample rate.

Output frame t reads the input at fractional frame ``s = t · rate``: the
magnitude is interpolated linearly between frames floor(s) and floor(s)+1,
and the phase accumulates each bin's measured advance between those frames
(the expected advance ω·hop plus the wrapped deviation). Frames past the end
of the input are silent. This is the algorithm of Flanagan & Golden (1966) in
the form of Laroche & Dolson (1999) without phase locking.
"""

import math


def stretch(ops, x, rate, fft_length, hop_length, out_samples):
    """Time-stretch waveforms ``x`` (n, T) by ``rate`` (n, 1): rate > 1 is
    faster (shorter). Returns (n, out_samples), cropped or zero-padded."""
    real, imag = ops.stft(x, fft_length, hop_length, fft_length, window="hann", center=True)
    frames, bins = real.shape[1], real.shape[2]
    out_frames = out_samples // hop_length + 1
    magnitude = ops.sqrt(real * real + imag * imag)
    phase = ops.arctan2(imag, real)

    steps = ops.cast(ops.arange(out_frames), x.dtype)[None, :] * rate  # (n, out_frames)
    lower = ops.floor(steps)
    alpha = (steps - lower)[:, :, None]
    lower = ops.cast(lower, "int32")
    inside = (lower < frames)[:, :, None]
    i0 = ops.minimum(lower, frames - 1)[:, :, None]
    i1 = ops.minimum(lower + 1, frames - 1)[:, :, None]

    def frame(values, index):
        shape = (ops.shape(index)[0], index.shape[1], bins)
        return ops.take_along_axis(values, ops.broadcast_to(index, shape), 1)

    mag = (1.0 - alpha) * frame(magnitude, i0) + alpha * frame(magnitude, i1)
    mag = ops.where(inside, mag, ops.zeros_like(mag))

    omega_hop = ops.cast(ops.arange(bins), x.dtype) * (2.0 * math.pi * hop_length / fft_length)
    advance = frame(phase, i1) - frame(phase, i0) - omega_hop
    advance = advance - 2.0 * math.pi * ops.round(advance / (2.0 * math.pi))
    advance = advance + omega_hop
    # Exclusive cumulative sum: output frame 0 keeps the input's first phase.
    accumulated = ops.cumsum(advance, axis=1) - advance + phase[:, :1, :]
    out_real, out_imag = mag * ops.cos(accumulated), mag * ops.sin(accumulated)
    y = ops.istft(
        (out_real, out_imag), fft_length, hop_length, fft_length,
        length=out_samples, window="hann", center=True,
    )
    return y


def resample_linear(ops, y, positions):
    """Sample ``y`` (n, L) at fractional ``positions`` (n, T) by linear interpolation."""
    length = y.shape[1]
    lower = ops.floor(positions)
    frac = positions - lower
    lower = ops.cast(lower, "int32")
    i0 = ops.clip(lower, 0, length - 1)
    i1 = ops.clip(lower + 1, 0, length - 1)
    value = (1.0 - frac) * ops.take_along_axis(y, i0, 1) + frac * ops.take_along_axis(y, i1, 1)
    return ops.where(lower < length, value, ops.zeros_like(value))
