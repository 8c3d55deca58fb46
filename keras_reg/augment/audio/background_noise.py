import keras
import numpy as np

from keras_reg import _validation
from keras_reg.augment._params import known_values
from keras_reg.augment.audio import functional as F
from keras_reg.augment.audio._audio_layer import AudioAugmentationLayer


def _check_bank(noise_bank):
    """The bank as a float32 (clips, samples) NumPy array of non-silent clips."""
    bank = known_values(noise_bank)
    if bank is None:
        raise ValueError("Argument `noise_bank` must hold known values (an array or an eager "
                         "tensor), not a symbolic tensor.")
    dtype = str(bank.dtype)
    if not (dtype.startswith("float") or dtype.startswith("bfloat")):
        raise TypeError(f"Argument `noise_bank` must hold float samples (scale integer PCM to "
                        f"[-1, 1] first). Received dtype {dtype}.")
    if bank.ndim != 2:
        raise ValueError(f"Argument `noise_bank` must have shape (clips, samples). Received "
                         f"shape {bank.shape}.")
    if bank.shape[0] == 0 or bank.shape[1] == 0:
        raise ValueError(f"Argument `noise_bank` is empty: it needs at least one clip of at "
                         f"least one sample. Received shape {bank.shape}.")
    bank = bank.astype("float32")
    if not np.all(np.isfinite(bank)):
        raise ValueError("Argument `noise_bank` must hold finite samples.")
    silent = np.nonzero(np.mean(bank**2, axis=1) == 0)[0]
    if len(silent):
        raise ValueError(f"Argument `noise_bank` holds silent clips (indices "
                         f"{silent[:10].tolist()}): no gain brings them to an SNR. Remove them.")
    return bank


@keras.saving.register_keras_serializable(package="keras_reg")
class AddBackgroundNoise(AudioAugmentationLayer):
    """Background noise from a bank of recordings at a random signal-to-noise
    ratio: per waveform a random clip ``c``, a random offset ``o`` and an SNR,

        c ~ U{0..clips-1},  o ~ U{0..clip_samples-1},  SNR ~ U[snr_db] (dB),
        n_t = bank[c, (o + t) mod clip_samples],
        y = x + n · sqrt(P_x / 10^(SNR/10) / P_n)

    with ``P`` the mean square over the waveform. Reading wraps around the
    clip, so a clip shorter than the waveform is looped and every offset is
    usable. The noise is rescaled to its exact power: the achieved SNR is the
    drawn one. A silent waveform stays silent (no SNR is defined for it);
    silent clips are refused in the bank.

    The bank is stored in the layer's config (saved with a model), so keep it
    to seconds of audio, not hours.

    Args:
        noise_bank: (clips, clip_samples) float array or tensor, the clips
            at ``bank_sample_rate``, all of one length (pad or crop them).
        bank_sample_rate: the bank's sample rate in Hz; it must equal
            ``sample_rate`` (resample the clips first).
        sample_rate: the audio's sample rate in Hz.
        snr_db: (low, high) SNR range in dB.
        seed: int seed of the layer's ``keras.random.SeedGenerator``.

    Call arguments:
        data: waveforms (batch, samples) or one waveform, or a dict
            ``{"audio": ..., "labels": ...}`` (labels unchanged).
        training: add noise only when true.

    The transformation: ``{"clip": (batch,), "offset": (batch,), "snr_db":
    (batch,)}``, applied by ``functional.loop_clips`` then
    ``functional.add_noise_at_snr``.

    Example:

    ```python
    bank = np.stack([cafe, street, fan])  # (3, clip_samples) at 16 kHz, float
    layer = keras_reg.augment.audio.AddBackgroundNoise(
        bank, bank_sample_rate=16000, sample_rate=16000, snr_db=(0, 20), seed=0)
    noisy = layer(waveforms)
    ```
    """

    def __init__(self, noise_bank, bank_sample_rate, sample_rate=16000, snr_db=(0.0, 30.0),
                 seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.sample_rate = _validation.check_positive_int(sample_rate, "sample_rate")
        self.bank_sample_rate = _validation.check_positive_int(bank_sample_rate,
                                                               "bank_sample_rate")
        if self.bank_sample_rate != self.sample_rate:
            raise ValueError(
                f"Argument `bank_sample_rate` ({bank_sample_rate} Hz) differs from the "
                f"layer's `sample_rate` ({sample_rate} Hz): resample the noise bank first."
            )
        self.noise_bank = _check_bank(noise_bank)
        self.snr_db = _validation.check_pair(snr_db, "snr_db")

    def get_random_transformation(self, data, training=True, seed=None):
        clips, clip_samples = self.noise_bank.shape
        n = self.ops.shape(data["audio"])[0]
        return {"clip": self.randint((n,), 0, clips, seed=seed),
                "offset": self.randint((n,), 0, clip_samples, seed=seed),
                "snr_db": self.per_waveform(data, *self.snr_db, seed=seed)}

    def transform_audio(self, audio, transformation, training=True):
        ops = self.ops
        samples = audio.shape[1] if audio.shape[1] is not None else ops.shape(audio)[1]
        bank = ops.cast(ops.convert_to_tensor(self.noise_bank), audio.dtype)
        noise = F.loop_clips(bank, transformation["clip"], transformation["offset"], samples)
        return F.add_noise_at_snr(audio, noise, transformation["snr_db"])

    def get_config(self):
        return {**super().get_config(), "noise_bank": self.noise_bank.tolist(),
                "bank_sample_rate": self.bank_sample_rate, "sample_rate": self.sample_rate,
                "snr_db": self.snr_db}
