"""Band-limited resampling at per-sample fractional positions.

``PitchShift`` reads a time-stretched waveform at ``n · factor``. Linear
interpolation there is a low-pass filter that varies with the fractional
position (−1.8 dB on average at half the Nyquist frequency), so it tilts the
spectrum, and reading faster than one input sample per output sample
(``factor > 1``) folds everything above ``Nyquist / factor`` back down. A
windowed sinc at cutoff ``min(1, 1 / factor)`` of the Nyquist frequency does
neither.
"""

import math

# Half-width of the kernel in zero crossings of its sinc. With a Hann window,
# 8 keeps the passband within 0.1 dB of flat up to 0.8 of the cutoff and puts
# everything beyond 1.3 times the cutoff 50 dB down.
ZERO_CROSSINGS = 8


def half_width(min_cutoff):
    """Kernel half-width in input samples for cutoffs down to ``min_cutoff``."""
    return int(math.ceil(ZERO_CROSSINGS / min_cutoff))


def resample(ops, y, positions, cutoff, width):
    """Read ``y`` (n, L) at fractional ``positions`` (n, T).

    ``cutoff`` (n, 1) is the low-pass cutoff as a fraction of the Nyquist
    frequency, in (0, 1]; ``width`` (a Python int, see ``half_width``) the
    kernel's half-width in input samples. The kernel is
    ``sinc(cutoff · d) · (1 + cos(π d / width)) / 2`` at distance ``d`` from
    the position, its taps normalized to sum to 1 (so a constant stays
    exactly constant); samples outside ``y`` read as 0.
    """
    length = y.shape[1]
    # Zero padding instead of a bounds test per tap.
    padded = ops.pad(y, ((0, 0), (width, width)))
    base = ops.floor(positions)
    frac = positions - base
    base = ops.clip(ops.cast(base, "int32") + width, 0, length + width - 1)
    # One flat gather per tap (take_along_axis is several ops on TensorFlow).
    row = ops.arange(ops.shape(y)[0], dtype="int32")[:, None] * (length + 2 * width)
    base = base + row
    flat = ops.reshape(padded, (-1,))
    # sin and cos of a difference from those of its terms: six transcendental
    # functions per output sample instead of two per tap.
    angle = math.pi * cutoff * frac
    sin_a, cos_a = ops.sin(angle), ops.cos(angle)
    sin_w, cos_w = ops.sin((math.pi / width) * frac), ops.cos((math.pi / width) * frac)
    total, weights = 0.0, 0.0
    for offset in range(1 - width, width + 1):
        x = angle - (math.pi * offset) * cutoff  # π · cutoff · distance
        if offset in (0, 1):
            # |x| can be tiny here, where the difference formula would cancel.
            safe = ops.where(ops.abs(x) < 1e-4, ops.ones_like(x), x)
            sinc = ops.where(ops.abs(x) < 1e-4, ops.ones_like(x), ops.sin(safe) / safe)
        else:  # |x| >= π · cutoff: no cancellation
            b = (math.pi * offset) * cutoff
            sinc = (sin_a * ops.cos(b) - cos_a * ops.sin(b)) / x
        # Hann window (1 + cos(π (frac - offset) / width)) / 2, expanded.
        c = 0.5 * math.cos(math.pi * offset / width)
        s = 0.5 * math.sin(math.pi * offset / width)
        weight = sinc * (cos_w * c + sin_w * s + 0.5)
        total = total + weight * ops.take(flat, base + offset)
        weights = weights + weight
    return total / weights
