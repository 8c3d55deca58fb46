import keras

from keras_reg import _validation
from keras_reg.augment.audio import functional as F
from keras_reg.augment.audio._audio_layer import AudioAugmentationLayer


@keras.saving.register_keras_serializable(package="keras_reg")
class TimeShift(AudioAugmentationLayer):
    """Shift each waveform by a random whole number of samples,
    ``|shift| <= max_fraction · samples``, filling with silence (no wrap-around:
    the end of a clip should not reappear at its start).

    Waveforms of any length are accepted in tf.data.

    Args:
        max_fraction: in [0, 1].
        seed: int seed of the layer's ``keras.random.SeedGenerator``.

    Call arguments:
        data: waveforms (batch, samples) or one waveform, or a dict
            ``{"audio": ..., "labels": ...}`` (labels unchanged).
        training: shift only when true.

    The transformation: ``{"shift": (batch,)}``, applied by
    ``keras_reg.augment.audio.functional.time_shift``.

    Example:

    ```python
    shift = keras_reg.augment.audio.TimeShift(0.1, seed=0)
    ```
    """

    def __init__(self, max_fraction: float = 0.1, seed: int | None = None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.max_fraction = _validation.check_magnitude(max_fraction, "max_fraction", upper=1.0)

    def get_random_transformation(self, data, training=True, seed=None):
        ops, audio = self.ops, data["audio"]
        samples = audio.shape[1]
        if samples is None:  # tf.data with waveforms of any length
            samples = ops.cast(ops.shape(audio)[1], "float32")
            limit = ops.cast(self.max_fraction * samples, "int32")
        else:
            limit = int(self.max_fraction * samples)
        shift = self.randint((ops.shape(audio)[0],), -limit, limit + 1, seed=seed)
        return {"shift": shift}

    def transform_audio(self, audio, transformation, training=True):
        return F.time_shift(audio, transformation["shift"])

    def get_config(self):
        return {**super().get_config(), "max_fraction": self.max_fraction}
