import keras

from keras_reg.augment.audio import functional as F
from keras_reg.augment.audio._audio_layer import STFTLayer


@keras.saving.register_keras_serializable(package="keras_reg")
class TimeStretch(STFTLayer):
    """Change the speed of each waveform by a random ``rate`` without changing
    its pitch (phase vocoder on ``stft``/``istft``); the result is cropped or
    zero-padded back to the input length.

    ``rate ~ U[rate]`` per waveform; ``rate > 1`` plays faster (content ends
    earlier, silence after), ``rate < 1`` slower (the end is cropped). The
    steady-state level and the balance of partials are kept; the phase starts
    from the first STFT frame inside the waveform, so the first
    ``fft_length`` samples are re-synthesized even at rate 1.

    Args:
        rate: (low, high) speed factors, 0 < low <= high.
        fft_length: STFT window and FFT size (Hann window); the waveform needs
            at least this many samples.
        hop_length: STFT hop.
        seed: int seed of the layer's ``keras.random.SeedGenerator``.

    Call arguments:
        data: waveforms (batch, samples) or one waveform, or a dict
            ``{"audio": ..., "labels": ...}`` (labels unchanged).
        training: stretch only when true.

    The transformation: ``{"rate": (batch,)}``, applied by
    ``keras_reg.augment.audio.functional.time_stretch``.

    Example:

    ```python
    stretch = keras_reg.augment.audio.TimeStretch((0.8, 1.25), seed=0)
    ```

    Reference: Laroche & Dolson, "Improved phase vocoder time-scale
    modification of audio", IEEE TSAP 1999.
    """

    range_argument, parameter, range_bounds = "rate", "rate", {"low": 1e-3}

    def __init__(self, rate: tuple[float, float] = (0.8, 1.25), fft_length: int = 512,
                 hop_length: int = 128, seed: int | None = None, **kwargs):
        super().__init__(rate, fft_length=fft_length, hop_length=hop_length, seed=seed,
                         **kwargs)

    def transform_audio(self, audio, transformation, training=True):
        return F.time_stretch(audio, transformation["rate"], self.fft_length, self.hop_length)
