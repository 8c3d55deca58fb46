import keras

from keras_reg import _validation
from keras_reg.augment.audio import functional as F
from keras_reg.augment.audio._audio_layer import AudioAugmentationLayer

#: The spectral exponents the layer accepts: violet (−2) to brown (2).
BETA_RANGE = (-2.0, 2.0)


@keras.saving.register_keras_serializable(package="keras_reg")
class AddColoredNoise(AudioAugmentationLayer):
    """Noise with a power spectrum ``∝ 1 / f^β`` at a random signal-to-noise
    ratio per waveform:

        β ~ U[beta],  SNR ~ U[snr_db] (dB),
        n = irfft(rfft(ε) · k^(−β/2)),  y = x + n · sqrt(P_x / 10^(SNR/10) / P_n)

    with ``ε`` white Gaussian, ``k ≥ 1`` the rfft bin (DC zeroed) and ``P``
    the mean square over the waveform. β = 0 is white noise, 1 pink, 2 brown;
    negative values (down to −2, violet) tilt it towards high frequencies. The
    noise is rescaled to its exact power, so the achieved SNR is the drawn
    one. A silent waveform stays silent.

    Args:
        beta: (low, high) range of the spectral exponent, inside [−2, 2].
        snr_db: (low, high) SNR range in dB.
        seed: int seed of the layer's ``keras.random.SeedGenerator``.

    Call arguments:
        data: waveforms (batch, samples) or one waveform, or a dict
            ``{"audio": ..., "labels": ...}`` (labels unchanged). The number of
            samples must be known when a graph is traced.
        training: add noise only when true.

    The transformation: ``{"beta": (batch,), "snr_db": (batch,), "noise": ε}``, applied by
    ``keras_reg.augment.audio.functional.color_noise`` then
    ``keras_reg.augment.audio.functional.add_noise_at_snr``.

    Example:

    ```python
    pink_to_brown = keras_reg.augment.audio.AddColoredNoise(beta=(1, 2), snr_db=(10, 30))
    noisy = pink_to_brown(waveforms)
    ```

    Reference: N. J. Kasdin, "Discrete simulation of colored noise and
    stochastic processes and 1/f^α power law noise generation", Proc. IEEE, 1995.
    """

    def __init__(self, beta=(0.0, 2.0), snr_db=(5.0, 40.0), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.beta = _validation.check_pair(beta, "beta", *BETA_RANGE)
        self.snr_db = _validation.check_pair(snr_db, "snr_db")

    def get_random_transformation(self, data, training=True, seed=None):
        audio = data["audio"]
        return {"beta": self.per_waveform(data, *self.beta, seed=seed),
                "snr_db": self.per_waveform(data, *self.snr_db, seed=seed),
                "noise": self.normal(self.ops.shape(audio), dtype=audio.dtype, seed=seed)}

    def transform_audio(self, audio, transformation, training=True):
        noise = F.color_noise(transformation["noise"], transformation["beta"])
        return F.add_noise_at_snr(audio, noise, transformation["snr_db"])

    def get_config(self):
        return {**super().get_config(), "beta": self.beta, "snr_db": self.snr_db}
