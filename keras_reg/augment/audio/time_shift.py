import keras

from keras_reg import _validation
from keras_reg.augment.audio._audio_layer import AudioAugmentationLayer


@keras.saving.register_keras_serializable(package="keras_reg")
class TimeShift(AudioAugmentationLayer):
    """Shift each waveform by a random whole number of samples,
    ``|shift| <= max_fraction · samples``, filling with silence (no wrap-around:
    the end of a clip should not reappear at its start).

    Args:
        max_fraction: in [0, 1].
        seed: int seed of the layer's ``keras.random.SeedGenerator``.

    Example:

    >>> shift = keras_reg.augment.audio.TimeShift(0.1, seed=0)
    """

    def __init__(self, max_fraction=0.1, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.max_fraction = _validation.check_magnitude(max_fraction, "max_fraction", upper=1.0)

    def augment(self, x):
        ops = self.ops
        samples = x.shape[1]
        if samples is None:  # tf.data with waveforms of any length
            samples = ops.shape(x)[1]
            limit = ops.cast(self.max_fraction * ops.cast(samples, "float32"), "int32")
        else:
            limit = int(self.max_fraction * samples)
        shift = self.randint((ops.shape(x)[0], 1), -limit, limit + 1)
        source = ops.arange(samples, dtype="int32")[None, :] - shift
        inside = (source >= 0) & (source < samples)
        moved = ops.take_along_axis(x, ops.clip(source, 0, samples - 1), axis=1)
        return ops.where(inside, moved, ops.zeros_like(moved))

    def get_config(self):
        return {**super().get_config(), "max_fraction": self.max_fraction}
