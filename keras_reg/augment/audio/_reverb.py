"""Reverberation as functions: linear convolution with an impulse response
by FFT, and synthetic room responses (exponentially decaying noise)."""

import math

from keras_reg.augment._params import Tensor, as_tensor, ops_for, per_sample
from keras_reg.augment.audio._transforms import float_audio

#: ln(10^3): the amplitude of a response falls by 10^3 (its energy by 60 dB) in RT60.
LN_1000 = 3.0 * math.log(10.0)


def _known_length(x, name, what):
    length = x.shape[-1]
    if length is None:
        raise ValueError(
            f"`{name}` needs the length of the {what} to be known when the graph is traced. "
            f"Received shape {tuple(x.shape)}. In tf.data, give every waveform one length "
            "first (pad or crop, then `tf.ensure_shape`)."
        )
    return length


def _mean_square(ops, x):
    return ops.mean(x * x, axis=1, keepdims=True)


def convolve_impulse_response(waveforms: Tensor, impulse_responses: Tensor,
                              wet: float | Tensor = 1.0) -> Tensor:
    """Reverberate each waveform with an impulse response, by FFT.

    With ``x`` a waveform of ``L`` samples, ``h`` its response of ``M``
    samples and ``p = argmax_t |h_t|`` the response's peak (its direct path),

        r_t = (x * h)_{t + p},  t = 0 … L − 1     (``*``: linear convolution)
        y = g · (w · r + (1 − w) · x),  g = RMS(x) / RMS(w · r + (1 − w) · x)

    so the direct sound stays where it was in ``x``, the output keeps the
    input's length and its RMS level (mean square over the clip), and ``w``
    blends the reverberant (wet) and the original (dry) signal. The
    convolution is linear, not circular (zero-padded FFT of length
    ``≥ L + M − 1``); the tail past the clip's end is dropped. A silent
    waveform stays silent.

    Args:
        waveforms: (batch, samples), float, the length known.
        impulse_responses: (batch, M), one per waveform, or (M,) for all.
        wet: ``w`` in [0, 1], a number or one per waveform (batch,).

    Returns:
        the reverberated waveforms, same shape.

    Example:

    ```python
    from keras_reg.augment.audio import functional as F
    ir = F.synthetic_impulse_response(noise, rt60=0.5, sample_rate=16000)
    wet = F.convolve_impulse_response(waveforms, ir)
    ```
    """
    ops = ops_for(waveforms)
    x = float_audio(ops, waveforms)
    dtype = "float64" if str(x.dtype) == "float64" else "float32"
    x32 = ops.cast(x, dtype)
    h = as_tensor(ops, impulse_responses, dtype)
    h = h[None, :] if len(h.shape) == 1 else h
    samples = _known_length(x, "convolve_impulse_response", "waveforms")
    taps = _known_length(h, "convolve_impulse_response", "impulse responses")
    fft_length = 1 << (samples + taps - 2).bit_length()  # a power of two >= L + M - 1
    xr, xi = ops.rfft(x32, fft_length=fft_length)
    hr, hi = ops.rfft(h, fft_length=fft_length)
    full = ops.irfft((xr * hr - xi * hi, xr * hi + xi * hr), fft_length=fft_length)
    peak = ops.cast(ops.argmax(ops.abs(h), axis=1), "int32")[:, None]
    # One flat gather from the (batch, fft_length) convolutions (cheaper than
    # take_along_axis on TensorFlow).
    row = ops.arange(ops.shape(x32)[0], dtype="int32")[:, None] * fft_length
    positions = peak + ops.arange(samples, dtype="int32")[None, :] + row
    reverb = ops.take(ops.reshape(full, (-1,)), positions)
    w = per_sample(ops, wet, x32, dtype)
    mixed = w * reverb + (1.0 - w) * x32
    target, power = _mean_square(ops, x32), _mean_square(ops, mixed)
    gain = ops.where(power > 0, ops.sqrt(target / ops.maximum(power, 1e-30)), 0.0)
    return ops.cast(mixed * gain, x.dtype)


def synthetic_impulse_response(noise: Tensor, rt60: float | Tensor, sample_rate: int,
                               reflection_delays: Tensor | None = None,
                               reflection_gains: Tensor | None = None) -> Tensor:
    """A room's impulse response: a direct path, optional early reflections,
    and a tail of exponentially decaying noise,

        h_0 = 1,   h_t = a · u_t · exp(−ln(1000) · t / (RT60 · sr))   (t ≥ 1),
        h_{d_k} += b_k                                                 (reflections)

    with ``u`` the given noise, uniform in [−1, 1). The envelope makes the
    energy fall by 60 dB in ``RT60`` seconds (what a Schroeder decay curve
    of ``h`` measures); ``a = min(1, 1 / sqrt(Σ_{t≥1} (u_t e_t)²))`` gives the tail the
    direct path's energy (a direct-to-reverberant ratio of 0 dB) while
    keeping every tail sample below the direct path, so ``h_0`` stays the
    peak. Give reflection gains with ``|b_k| < 1`` to keep it so.

    Args:
        noise: ``u`` (batch, M), uniform in [−1, 1), the length known.
        rt60: reverberation time in seconds, a number or (batch,).
        sample_rate: ``sr`` in Hz.
        reflection_delays: ``d`` (batch, K) ints in [1, M), or None.
        reflection_gains: ``b`` (batch, K), with the delays, or None.

    Returns:
        (batch, M) impulse responses, float32.

    Example:

    ```python
    u = np.random.default_rng(0).uniform(-1, 1, size=(4, 8001)).astype("float32")
    ir = keras_reg.augment.audio.functional.synthetic_impulse_response(u, 0.6, 16000)
    ```

    Reference: M. R. Schroeder, "New method of measuring reverberation
    time", JASA 1965; ISO 3382-2 (RT60 as a 60 dB decay).
    """
    ops = ops_for(noise)
    u = as_tensor(ops, noise, "float32")
    taps = _known_length(u, "synthetic_impulse_response", "noise")
    t = ops.arange(taps, dtype="float32")[None, :]
    decay = LN_1000 / (per_sample(ops, rt60, u, "float32") * sample_rate)
    tail = ops.where(t > 0, u * ops.exp(-decay * t), 0.0)
    energy = ops.sum(tail * tail, axis=1, keepdims=True)
    tail = tail * ops.minimum(1.0, 1.0 / ops.sqrt(ops.maximum(energy, 1e-30)))
    h = tail + ops.cast(t == 0, "float32")
    if reflection_delays is not None:
        delays = as_tensor(ops, reflection_delays, "int32")
        gains = as_tensor(ops, reflection_gains, "float32")
        h = h + ops.sum(ops.one_hot(delays, taps, dtype="float32") * gains[:, :, None], axis=1)
    return h
