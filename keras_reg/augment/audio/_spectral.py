"""Zero-phase Butterworth filters and coloured noise in the frequency domain.

A waveform of ``L`` samples is transformed whole (``rfft`` of length ``L``),
each bin ``k`` (frequency ``f_k = k · sr / L``) multiplied by a real gain, and
transformed back. The gain is the magnitude of the digital Butterworth filter
of ``scipy.signal.butter`` (bilinear transform, pre-warped edges) evaluated at
``f_k``: with ``Ω = tan(π f / sr)``,

    low-pass   |H|² = 1 / (1 + (Ω / Ω_c)^(2N))
    high-pass  |H|² = 1 / (1 + (Ω_c / Ω)^(2N))
    band-pass  |H|² = 1 / (1 + ((Ω² − Ω_0²) / (Ω · Ω_0 / Q))^(2N))

so ``cutoff`` is the −3 dB frequency, and the band-pass peaks at 0 dB at
``centre`` with its −3 dB edges ``Ω_0 / Q`` apart in the warped frequency
(an order-``2N`` filter, as ``butter(N, [f_1, f_2], "band")``). The phase is
zero: nothing is delayed. The transform is circular: the clip is one period
of the FFT, so the response to its last samples rings into its first ones
(for a few periods of the cutoff frequency).
"""

import keras

from keras_reg.augment._params import Tensor, as_tensor, ops_for, per_sample


def _float_dtype(x):
    """The FFT runs in float32 or float64; half precision is computed in float32."""
    dtype = keras.backend.standardize_dtype(x.dtype)
    return dtype if dtype in ("float32", "float64") else "float32"


def _samples(x, name):
    samples = x.shape[-1]
    if samples is None:
        raise ValueError(
            f"`{name}` needs the number of samples to be known when the graph is traced. "
            f"Received shape {tuple(x.shape)}. In tf.data, give every waveform one length "
            "first (pad or crop, then `tf.ensure_shape`)."
        )
    return samples


def _apply_gain(waveforms, log_ratio, order, name):
    """Multiply each bin by ``1 / sqrt(1 + exp(2N · log_ratio))``. Working on
    the log keeps DC and Nyquist (ratios 0 or ∞) finite and free of NaN."""
    ops = ops_for(waveforms)
    x = ops.convert_to_tensor(waveforms)
    samples = _samples(x, name)
    dtype = _float_dtype(x)
    real, imag = ops.rfft(ops.cast(x, dtype))
    gain = ops.sqrt(1.0 / (1.0 + ops.exp(2.0 * order * log_ratio(ops, samples, dtype))))
    y = ops.irfft((real * gain, imag * gain), fft_length=samples)
    return ops.cast(y, x.dtype)


def _warped(ops, samples, dtype):
    """``|tan(π f_k / sr)|`` of the rfft bins (1, bins); sr cancels."""
    k = ops.arange(samples // 2 + 1, dtype=dtype)
    return ops.abs(ops.tan(3.141592653589793 * k / samples))[None, :]


def _warped_hz(ops, hz, sample_rate, x, dtype):
    return ops.tan(3.141592653589793 * per_sample(ops, hz, x, dtype) / sample_rate)


def _one_sided(waveforms, cutoff_hz, sample_rate, order, name):
    """Gain ``1 / sqrt(1 + (Ω_k / Ω_c)^(2 · order))``: a low-pass for a
    positive order, a high-pass for a negative one."""
    x = ops_for(waveforms).convert_to_tensor(waveforms)

    def log_ratio(ops, samples, dtype):
        cut = _warped_hz(ops, cutoff_hz, sample_rate, x, dtype)
        return ops.log(_warped(ops, samples, dtype)) - ops.log(cut)

    return _apply_gain(x, log_ratio, order, name)


def low_pass(waveforms: Tensor, cutoff_hz: float | Tensor, sample_rate: int,
             order: int = 2) -> Tensor:
    """Zero-phase Butterworth low-pass of each waveform, in the frequency domain:
    ``Y_k = X_k / sqrt(1 + (Ω_k / Ω_c)^(2N))``, ``Ω = tan(π f / sr)``
    (the magnitude of ``scipy.signal.butter(N, cutoff, "low", fs=sr)``).

    Args:
        waveforms: (batch, samples), float, the length known.
        cutoff_hz: −3 dB frequency in (0, sr/2), a number or one per waveform (batch,).
        sample_rate: ``sr`` in Hz.
        order: ``N``, the Butterworth order.

    Returns:
        the filtered waveforms, same shape and dtype.

    Example:

    ```python
    muffled = keras_reg.augment.audio.functional.low_pass(waveforms, 1000.0, 16000)
    ```

    Reference: S. Butterworth, "On the theory of filter amplifiers", 1930;
    the bilinear transform with pre-warping (Oppenheim & Schafer, 2010, §7.1).
    """
    return _one_sided(waveforms, cutoff_hz, sample_rate, order, "low_pass")


def high_pass(waveforms: Tensor, cutoff_hz: float | Tensor, sample_rate: int,
              order: int = 2) -> Tensor:
    """The mirror image of ``low_pass``: a zero-phase Butterworth high-pass
    of each waveform, ``Y_k = X_k / sqrt(1 + (Ω_c / Ω_k)^(2N))`` with
    ``Ω = tan(π f / sr)``, the magnitude of
    ``scipy.signal.butter(N, cutoff, "high", fs=sr)`` on the rfft bins.

    Args:
        waveforms: (batch, samples), float, the length known.
        cutoff_hz: the −3 dB frequency, in (0, sr/2): a number, or one per waveform (batch,).
        sample_rate: ``sr`` in Hz.
        order: ``N``, the Butterworth order.

    Returns:
        the filtered waveforms, same shape and dtype; the DC bin is removed.

    Example:

    ```python
    thin = keras_reg.augment.audio.functional.high_pass(waveforms, 300.0, 16000)
    ```

    Reference: S. Butterworth, "On the theory of filter amplifiers", 1930.
    """
    # (Ω_c / Ω)^(2N) = (Ω / Ω_c)^(−2N): the low-pass ratio with the order negated.
    return _one_sided(waveforms, cutoff_hz, sample_rate, -order, "high_pass")


def band_pass(waveforms: Tensor, center_hz: float | Tensor, q: float | Tensor,
              sample_rate: int, order: int = 1) -> Tensor:
    """Zero-phase Butterworth band-pass of each waveform, in the frequency domain:
    ``Y_k = X_k / sqrt(1 + ((Ω_k² − Ω_0²) / (Ω_k · Ω_0 / Q))^(2N))``,
    ``Ω = tan(π f / sr)``: 0 dB at ``center_hz``, −3 dB at the edges
    ``f_1 < f_2`` with ``Ω_1 Ω_2 = Ω_0²`` and ``Ω_2 − Ω_1 = Ω_0 / Q`` (the
    magnitude of ``scipy.signal.butter(N, [f_1, f_2], "band", fs=sr)``).

    Args:
        waveforms: (batch, samples), float, the length known.
        center_hz: centre frequency in (0, sr/2), a number or (batch,).
        q: quality factor > 0 (centre over warped bandwidth), a number or (batch,).
        sample_rate: ``sr`` in Hz.
        order: ``N`` of the low-pass prototype (the filter has order 2N).

    Returns:
        the filtered waveforms, same shape and dtype.

    Example:

    ```python
    telephone = keras_reg.augment.audio.functional.band_pass(waveforms, 1200.0, 0.7, 16000)
    ```

    Reference: S. Butterworth, "On the theory of filter amplifiers", 1930.
    """
    x = ops_for(waveforms).convert_to_tensor(waveforms)

    def log_ratio(ops, samples, dtype):
        omega = _warped(ops, samples, dtype)
        centre = _warped_hz(ops, center_hz, sample_rate, x, dtype)
        width = centre / per_sample(ops, q, x, dtype)
        return ops.log(ops.abs(omega * omega - centre * centre)) - ops.log(omega * width)

    return _apply_gain(x, log_ratio, order, "band_pass")


def color_noise(noise: Tensor, beta: float | Tensor) -> Tensor:
    """Shape white noise to a power spectrum ``∝ 1 / f^β``: each rfft bin
    ``k ≥ 1`` is multiplied by ``k^(−β/2)`` and the DC bin by 0 (zero mean).
    β = 0 white, 1 pink, 2 brown (red); negative β blue and violet.

    Args:
        noise: (batch, samples), white noise (e.g. Gaussian draws), the length known.
        beta: spectral exponent, a number or one per row (batch,).

    Returns:
        the coloured noise, same shape (its level is arbitrary: rescale it,
        e.g. with ``add_noise_at_snr``).

    Example:

    ```python
    eps = np.random.default_rng(0).normal(size=(2, 16000)).astype("float32")
    pink = keras_reg.augment.audio.functional.color_noise(eps, 1.0)
    ```

    Reference: N. J. Kasdin, "Discrete simulation of colored noise and
    stochastic processes and 1/f^α power law noise generation", Proc. IEEE, 1995.
    """
    ops = ops_for(noise)
    x = ops.convert_to_tensor(noise)
    samples = _samples(x, "color_noise")
    dtype = _float_dtype(x)
    real, imag = ops.rfft(ops.cast(x, dtype))
    k = ops.arange(samples // 2 + 1, dtype=dtype)[None, :]
    exponent = -0.5 * as_tensor(ops, per_sample(ops, beta, x, dtype), dtype)
    gain = ops.where(k > 0, ops.exp(exponent * ops.log(ops.maximum(k, 1.0))), 0.0)
    return ops.cast(ops.irfft((real * gain, imag * gain), fft_length=samples), x.dtype)
