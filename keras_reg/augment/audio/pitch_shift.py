import keras

from keras_reg.augment.audio import functional as F
from keras_reg.augment.audio._audio_layer import STFTLayer


@keras.saving.register_keras_serializable(package="keras_reg")
class PitchShift(STFTLayer):
    """Shift the pitch of each waveform by a random number of semitones,
    keeping its duration: stretch in time by ``2^(s/12)`` with the phase
    vocoder (pitch kept), then resample back to the input length by
    band-limited interpolation (a windowed sinc, low-passed below the new
    Nyquist frequency when shifting up), which scales every frequency by
    ``2^(s/12)`` and keeps the partials' levels.

    ``s ~ U[semitones]`` per waveform (fractional semitones allowed).

    Args:
        semitones: (low, high), within [-24, 24].
        fft_length: STFT window and FFT size; the waveform needs at least
            this many samples.
        hop_length: STFT hop.
        seed: int seed of the layer's ``keras.random.SeedGenerator``.

    Call arguments:
        data: waveforms (batch, samples) or one waveform, or a dict
            ``{"audio": ..., "labels": ...}`` (labels unchanged).
        training: shift only when true.

    The transformation: ``{"semitones": (batch,)}``, applied by
    ``keras_reg.augment.audio.functional.pitch_shift``.

    Example:

    ```python
    shift = keras_reg.augment.audio.PitchShift((-4, 4), seed=0)
    ```

    Reference: the stretch-and-resample method (e.g. librosa.effects.pitch_shift);
    Laroche & Dolson 1999 for the phase vocoder.
    """

    range_argument, parameter = "semitones", "semitones"
    range_bounds = {"low": -24.0, "high": 24.0}

    def __init__(self, semitones: tuple[float, float] = (-4.0, 4.0), fft_length: int = 512,
                 hop_length: int = 128, seed: int | None = None, **kwargs):
        super().__init__(semitones, fft_length=fft_length, hop_length=hop_length, seed=seed,
                         **kwargs)

    def transform_audio(self, audio, transformation, training=True):
        return F.pitch_shift(audio, transformation["semitones"], self.fft_length,
                             self.hop_length, max_semitones=self.semitones[1])
