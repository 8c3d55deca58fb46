import keras

from keras_reg import _validation
from keras_reg.augment.audio._audio_layer import AudioAugmentationLayer


@keras.saving.register_keras_serializable(package="keras_reg")
class RandomGain(AudioAugmentationLayer):
    """Multiply each waveform by a random gain: ``y = x · 10^(g/20)``,
    ``g ~ U[db]`` decibels.

    Args:
        db: (low, high) gain range in dB.
        seed: int seed of the layer's ``keras.random.SeedGenerator``.

    Example:

    >>> louder_or_softer = keras_reg.augment.audio.RandomGain((-6, 6), seed=0)
    """

    def __init__(self, db=(-6.0, 6.0), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.db = _validation.check_pair(db, "db")

    def augment(self, x):
        return x * self.ops.power(10.0, self.per_sample(x, *self.db) / 20.0)

    def get_config(self):
        return {**super().get_config(), "db": self.db}
