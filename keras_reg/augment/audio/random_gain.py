import keras

from keras_reg.augment.audio import functional as F
from keras_reg.augment.audio._audio_layer import UniformParameterLayer


@keras.saving.register_keras_serializable(package="keras_reg")
class RandomGain(UniformParameterLayer):
    """Multiply each waveform by a random gain: ``y = x · 10^(g/20)``,
    ``g ~ U[db]`` decibels.

    Args:
        db: (low, high) gain range in dB.
        seed: int seed of the layer's ``keras.random.SeedGenerator``.

    Call arguments:
        data: waveforms (batch, samples) or one waveform, or a dict
            ``{"audio": ..., "labels": ...}`` (labels unchanged).
        training: scale only when true.

    The transformation: ``{"gain_db": (batch,)}``, applied by
    ``keras_reg.augment.audio.functional.apply_gain``.

    Example:

    ```python
    louder_or_softer = keras_reg.augment.audio.RandomGain((-6, 6), seed=0)
    ```
    """

    range_argument, parameter = "db", "gain_db"

    def __init__(self, db: tuple[float, float] = (-6.0, 6.0), seed: int | None = None, **kwargs):
        super().__init__(db, seed=seed, **kwargs)

    def transform_audio(self, audio, transformation, training=True):
        return F.apply_gain(audio, transformation["gain_db"])
