import keras

from keras_reg import _validation
from keras_reg.augment.audio._audio_layer import AudioAugmentationLayer


@keras.saving.register_keras_serializable(package="keras_reg")
class AddNoise(AudioAugmentationLayer):
    """White Gaussian noise at a random signal-to-noise ratio per waveform.

        SNR ~ U[snr_db] (dB),  y = x + ε · sqrt(P_x / 10^(SNR/10) / P_ε)

    with ``P`` the mean square over the waveform. The noise draw is rescaled to
    its exact target power, so the achieved SNR is the drawn one (not just in
    expectation). A silent waveform stays silent.

    Args:
        snr_db: (low, high) SNR range in dB.
        seed: int seed of the layer's ``keras.random.SeedGenerator``.

    Example:

    >>> noisy = keras_reg.augment.audio.AddNoise((10, 30), seed=0)(waveforms)  # (n, samples)
    """

    def __init__(self, snr_db=(5.0, 40.0), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.snr_db = _validation.check_pair(snr_db, "snr_db")

    def augment(self, x):
        ops = self.ops
        snr = self.per_sample(x, *self.snr_db)
        noise = self.normal(ops.shape(x), dtype=x.dtype)
        signal_power = ops.mean(x * x, axis=1, keepdims=True)
        noise_power = ops.mean(noise * noise, axis=1, keepdims=True)
        scale = ops.sqrt(signal_power / ops.power(10.0, snr / 10.0) / noise_power)
        return x + noise * scale

    def get_config(self):
        return {**super().get_config(), "snr_db": self.snr_db}
