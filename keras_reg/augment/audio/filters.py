import math

import keras

from keras_reg import _validation
from keras_reg.augment.audio import functional as F
from keras_reg.augment.audio._audio_layer import AudioAugmentationLayer


def _check_frequencies(value, name, sample_rate):
    """A (low, high) range of frequencies strictly inside (0, sample_rate / 2)."""
    low, high = _validation.check_pair(value, name)
    if low <= 0 or high >= sample_rate / 2:
        raise ValueError(
            f"Argument `{name}` must lie strictly between 0 and the Nyquist frequency "
            f"sample_rate / 2 = {sample_rate / 2} Hz. Received: {name}={value!r}."
        )
    return (low, high)


class _ButterworthLayer(AudioAugmentationLayer):
    """The filters' shared arguments; the frequency is drawn per waveform,
    uniformly on a log scale (octaves) between the bounds of ``freq_name``."""

    freq_name = "cutoff_hz"

    def __init__(self, frequencies, sample_rate, order, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.sample_rate = _validation.check_positive_int(sample_rate, "sample_rate")
        self.order = _validation.check_positive_int(order, "order")
        setattr(self, self.freq_name, _check_frequencies(frequencies, self.freq_name,
                                                        self.sample_rate))

    def draw_frequency(self, data, seed):
        # Shared by the overrides (see UniformParameterLayer.draw_range).
        low, high = getattr(self, self.freq_name)
        return self.ops.exp(self.per_waveform(data, math.log(low), math.log(high), seed=seed))

    def get_random_transformation(self, data, training=True, seed=None):
        return {self.freq_name: self.draw_frequency(data, seed)}

    def transform_audio(self, audio, transformation, training=True):
        return self.response(audio, transformation[self.freq_name], self.sample_rate, self.order)

    def get_config(self):
        return {**super().get_config(), self.freq_name: getattr(self, self.freq_name),
                "sample_rate": self.sample_rate, "order": self.order}


@keras.saving.register_keras_serializable(package="keras_reg")
class LowPass(_ButterworthLayer):
    """Zero-phase Butterworth low-pass with a random cutoff per waveform,
    applied in the frequency domain:

        log f_c ~ U[log cutoff_hz],  Y_k = X_k / sqrt(1 + (Ω_k / Ω_c)^(2N)),
        Ω = tan(π f / sample_rate)

    — the magnitude of ``scipy.signal.butter(N, f_c, "low", fs=sample_rate)``
    on the rfft bins of the whole clip, zero phase (nothing delayed; the clip
    is filtered as one circular period).

    Args:
        cutoff_hz: (low, high) range of the −3 dB frequency, inside (0, sample_rate / 2).
        sample_rate: of the audio, in Hz.
        order: ``N``, the Butterworth order (roll-off 6·N dB per octave).
        seed: int seed of the layer's ``keras.random.SeedGenerator``.

    Call arguments:
        data: waveforms (batch, samples) or one waveform, or a dict
            ``{"audio": ..., "labels": ...}`` (labels unchanged). The number of
            samples must be known when a graph is traced.
        training: filter only when true.

    The transformation: ``{"cutoff_hz": (batch,)}``, applied by
    ``keras_reg.augment.audio.functional.low_pass``.

    Example:

    ```python
    layer = keras_reg.augment.audio.LowPass((500, 4000), sample_rate=16000, seed=0)
    muffled = layer(waveforms)  # (n, samples)
    ```

    Reference: S. Butterworth, "On the theory of filter amplifiers", 1930.
    """

    response = staticmethod(F.low_pass)

    def __init__(self, cutoff_hz=(500.0, 4000.0), sample_rate=16000, order=2, seed=None,
                 **kwargs):
        super().__init__(cutoff_hz, sample_rate, order, seed=seed, **kwargs)


@keras.saving.register_keras_serializable(package="keras_reg")
class HighPass(_ButterworthLayer):
    """Zero-phase Butterworth high-pass with a random cutoff per waveform, the
    mirror image of ``LowPass``, also in the frequency domain:

        log f_c ~ U[log cutoff_hz],  Y_k = X_k / sqrt(1 + (Ω_c / Ω_k)^(2N)),
        Ω = tan(π f / sample_rate)

    — the magnitude of ``scipy.signal.butter(N, f_c, "high", fs=sample_rate)``
    on the rfft bins of the whole clip, zero phase; the DC bin is removed.

    Args:
        cutoff_hz: (low, high) range of the −3 dB frequency, strictly between
            0 and sample_rate / 2.
        sample_rate: the audio's, in Hz.
        order: ``N``, the Butterworth order.
        seed: int seed of the layer's ``keras.random.SeedGenerator``.

    Call arguments:
        data: waveforms (batch, samples) or one waveform, or a dict
            ``{"audio": ..., "labels": ...}`` (labels unchanged). The number of
            samples must be known when a graph is traced.
        training: filter only when true.

    The transformation: ``{"cutoff_hz": (batch,)}``, applied by
    ``keras_reg.augment.audio.functional.high_pass``.

    Example:

    ```python
    layer = keras_reg.augment.audio.HighPass((50, 800), sample_rate=16000, seed=0)
    ```

    Reference: S. Butterworth, "On the theory of filter amplifiers",
    Experimental Wireless and the Wireless Engineer 7, 1930.
    """

    response = staticmethod(F.high_pass)

    def __init__(self, cutoff_hz=(50.0, 800.0), sample_rate=16000, order=2, seed=None, **kwargs):
        super().__init__(cutoff_hz, sample_rate, order, seed=seed, **kwargs)


@keras.saving.register_keras_serializable(package="keras_reg")
class BandPass(_ButterworthLayer):
    """Zero-phase Butterworth band-pass with a random centre and Q per waveform,
    applied in the frequency domain:

        log f_0 ~ U[log center_hz],  Q ~ U[q],
        Y_k = X_k / sqrt(1 + ((Ω_k² − Ω_0²) / (Ω_k · Ω_0 / Q))^(2N)),
        Ω = tan(π f / sample_rate)

    — 0 dB at ``f_0``, −3 dB at the edges ``f_1 < f_2`` with ``Ω_1 Ω_2 = Ω_0²``,
    ``Ω_2 − Ω_1 = Ω_0 / Q``: the magnitude of ``scipy.signal.butter(N,
    [f_1, f_2], "band", fs=sample_rate)``, zero phase. Both edges stay below
    Nyquist for any centre and Q.

    Args:
        center_hz: (low, high) range of the centre, inside (0, sample_rate / 2).
        q: (low, high) range of the quality factor, > 0 (larger: narrower).
        sample_rate: of the audio, in Hz.
        order: ``N`` of the low-pass prototype (the filter has order 2N).
        seed: int seed of the layer's ``keras.random.SeedGenerator``.

    Call arguments:
        data: waveforms (batch, samples) or one waveform, or a dict
            ``{"audio": ..., "labels": ...}`` (labels unchanged). The number of
            samples must be known when a graph is traced.
        training: filter only when true.

    The transformation: ``{"center_hz": (batch,), "q": (batch,)}``, applied by
    ``keras_reg.augment.audio.functional.band_pass``.

    Example:

    ```python
    layer = keras_reg.augment.audio.BandPass((300, 3000), q=(0.5, 2), sample_rate=16000)
    ```

    Reference: S. Butterworth, "On the theory of filter amplifiers", 1930.
    """

    freq_name = "center_hz"

    def __init__(self, center_hz=(300.0, 3000.0), q=(0.5, 2.0), sample_rate=16000, order=1,
                 seed=None, **kwargs):
        super().__init__(center_hz, sample_rate, order, seed=seed, **kwargs)
        self.q = _validation.check_pair(q, "q")
        if self.q[0] <= 0:
            raise ValueError(f"Argument `q` must be positive. Received: q={q!r}.")

    def get_random_transformation(self, data, training=True, seed=None):
        return {"center_hz": self.draw_frequency(data, seed),
                "q": self.per_waveform(data, *self.q, seed=seed)}

    def transform_audio(self, audio, transformation, training=True):
        return F.band_pass(audio, transformation["center_hz"], transformation["q"],
                           self.sample_rate, self.order)

    def get_config(self):
        return {**super().get_config(), "q": self.q}
