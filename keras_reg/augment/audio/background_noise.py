import keras

from keras_reg import _validation
from keras_reg.augment.audio import functional as F
from keras_reg.augment.audio._audio_layer import AudioAugmentationLayer
from keras_reg.augment.audio._bank import WavBankLayer, check_bank, check_sample_rates


@keras.saving.register_keras_serializable(package="keras_reg")
class AddBackgroundNoise(WavBankLayer, AudioAugmentationLayer):
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
    to seconds of audio, not hours. ``AddBackgroundNoise.from_wav_folder(
    folder, sample_rate, length=None, resample=False, **kwargs)`` reads it
    once from a folder of WAV files (``load_wav_bank`` with clips shorter
    than ``length`` looped).

    Args:
        noise_bank: (clips, clip_samples) float array or tensor, the clips
            at ``bank_sample_rate``, all of one length (pad or crop them).
        bank_sample_rate: the bank's sample rate in Hz; it must equal
            ``sample_rate`` (resample the clips first, or load them with
            ``from_wav_folder(..., resample=True)``).
        sample_rate: the audio's sample rate in Hz.
        snr_db: (low, high) range of the signal-to-noise ratio in dB.
        seed: int seed of the layer's ``keras.random.SeedGenerator``.

    Call arguments:
        data: waveforms (batch, samples), one waveform, or a dict
            ``{"audio": ..., "labels": ...}`` whose labels pass unchanged.
        training: mix in the noise only when true.

    The transformation: ``{"clip": (batch,), "offset": (batch,), "snr_db":
    (batch,)}``, applied by ``functional.loop_clips`` then
    ``functional.add_noise_at_snr``.

    Example:

    ```python
    bank = np.stack([cafe, street, fan])  # (3, clip_samples) at 16 kHz, float
    layer = keras_reg.augment.audio.AddBackgroundNoise(
        bank, bank_sample_rate=16000, sample_rate=16000, snr_db=(0, 20), seed=0)
    noisy = layer(waveforms)
    street = keras_reg.augment.audio.AddBackgroundNoise.from_wav_folder(
        "noise/", sample_rate=16000, resample=True, snr_db=(5, 20), seed=0)
    ```
    """

    wav_pad = "loop"

    def __init__(self, noise_bank, bank_sample_rate, sample_rate=16000, snr_db=(0.0, 30.0),
                 seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.bank_sample_rate, self.sample_rate = check_sample_rates(
            bank_sample_rate, sample_rate, "noise_bank")
        self.noise_bank = check_bank(noise_bank, "noise_bank",
                                     "no gain brings them to an SNR")
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
