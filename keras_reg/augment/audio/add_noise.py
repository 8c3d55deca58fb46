import keras

from keras_reg.augment.audio import functional as F
from keras_reg.augment.audio._audio_layer import UniformParameterLayer


@keras.saving.register_keras_serializable(package="keras_reg")
class AddNoise(UniformParameterLayer):
    """White Gaussian noise at a random signal-to-noise ratio per waveform.

        SNR ~ U[snr_db] (dB),  y = x + ε · sqrt(P_x / 10^(SNR/10) / P_ε)

    with ``P`` the mean square over the waveform. The noise draw is rescaled to
    its exact target power, so the achieved SNR is the drawn one (not just in
    expectation). A silent waveform stays silent.

    Args:
        snr_db: (low, high) SNR range in dB.
        seed: int seed of the layer's ``keras.random.SeedGenerator``.

    Call arguments:
        data: waveforms (batch, samples) or one waveform, or a dict
            ``{"audio": ..., "labels": ...}`` (labels unchanged).
        training: add noise only when true.

    The transformation: ``{"snr_db": (batch,), "noise": ε}``, applied by
    ``keras_reg.augment.audio.functional.add_noise_at_snr``.

    Example:

    ```python
    noisy = keras_reg.augment.audio.AddNoise((10, 30), seed=0)(waveforms)  # (n, samples)
    ```
    """

    range_argument, parameter = "snr_db", "snr_db"

    def __init__(self, snr_db: tuple[float, float] = (5.0, 40.0), seed: int | None = None,
                 **kwargs):
        super().__init__(snr_db, seed=seed, **kwargs)

    def get_random_transformation(self, data, training=True, seed=None):
        audio = data["audio"]
        snr_db = self.draw_range(data, seed)  # first: the order numbers the draws
        return {"snr_db": snr_db, "noise": self.normal(self.ops.shape(audio), dtype=audio.dtype,
                                                       seed=seed)}

    def transform_audio(self, audio, transformation, training=True):
        return F.add_noise_at_snr(audio, transformation["noise"], transformation["snr_db"])
