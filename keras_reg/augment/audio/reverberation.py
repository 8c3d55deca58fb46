import math

import keras

from keras_reg import _validation
from keras_reg.augment.audio import functional as F
from keras_reg.augment.audio._audio_layer import AudioAugmentationLayer
from keras_reg.augment.audio._bank import WavBankLayer, check_bank, check_sample_rates
from keras_reg.augment.audio._reverb import LN_1000

#: Early reflections arrive 1 to 50 ms after the direct path.
REFLECTION_WINDOW_S = (0.001, 0.05)


@keras.saving.register_keras_serializable(package="keras_reg")
class Reverberation(WavBankLayer, AudioAugmentationLayer):
    """Room reverberation: each waveform convolved with an impulse response,
    drawn per waveform from a bank of recorded responses or, with no bank,
    synthesized,

        h = bank[c],  c ~ U{0..clips−1}                      (a bank), or
        h = synthetic_impulse_response(u, RT60, sr),  RT60 ~ U[rt60]  (none),
        w ~ U[wet],   y = convolve_impulse_response(x, h, w),

    that is ``y = g · (w · r + (1 − w) · x)`` with ``r`` the linear
    convolution ``x * h`` shifted back by the response's peak (the direct
    path stays in place, the length is kept) and ``g`` restoring the input's
    RMS level. The synthetic responses are decaying noise whose energy falls
    60 dB in RT60 seconds, at a direct-to-reverberant ratio of 0 dB, with
    ``early_reflections`` extra echoes at delays ``~ U[1 ms, 50 ms]`` and
    gains ``± U[0.3, 0.9]`` times the decay envelope there (see
    ``functional.synthetic_impulse_response``). A silent waveform stays
    silent.

    A bank is stored in the layer's config (saved with a model): keep it to
    a few responses of a second or less. ``Reverberation.from_wav_folder(
    folder, sample_rate, length=None, resample=False, **kwargs)`` reads it
    once from a folder of WAV files (shorter responses padded with zeros).

    Args:
        impulse_responses: (clips, M) float array or tensor at
            ``bank_sample_rate`` (non-silent, finite), or None to synthesize.
        bank_sample_rate: the bank's rate in Hz, equal to ``sample_rate``;
            None without a bank.
        sample_rate: the audio's sample rate in Hz.
        rt60: (low, high) reverberation time in seconds, low > 0, for the
            synthetic responses (whose length is ``ceil(high · sr) + 1``).
        early_reflections: echoes added to each synthetic response (0: none).
        wet: (low, high) range of the wet share ``w`` in [0, 1]; (1, 1)
            applies the full reverberation.
        seed: int seed of the layer's ``keras.random.SeedGenerator``.

    Call arguments:
        data: waveforms (batch, samples) or one waveform, or a dict
            ``{"audio": ..., "labels": ...}`` (labels unchanged). The number of
            samples must be known when a graph is traced.
        training: reverberate only when true.

    The transformation: ``{"impulse_response": (batch, M), "wet": (batch,)}``
    applied by ``functional.convolve_impulse_response``; with it ``"clip"``
    (batch,) for a bank, else what built the response: ``"rt60"`` (batch,),
    ``"noise"`` (batch, M) and, with reflections, ``"reflection_delays"`` and
    ``"reflection_gains"`` (batch, early_reflections).

    Example:

    ```python
    rooms = keras_reg.augment.audio.Reverberation(rt60=(0.2, 0.8), sample_rate=16000,
                                                  wet=(0.5, 1.0), seed=0)
    reverberant = rooms(waveforms)  # (batch, samples) at 16 kHz
    ```

    Reference: M. R. Schroeder, "New method of measuring reverberation
    time", JASA 1965; Ko et al., "A study on data augmentation of
    reverberant speech for robust speech recognition", ICASSP 2017.
    """

    def __init__(self, impulse_responses=None, bank_sample_rate=None, sample_rate=16000,
                 rt60=(0.2, 0.8), early_reflections=0, wet=(1.0, 1.0), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        if impulse_responses is None:
            if bank_sample_rate is not None:
                raise ValueError("Argument `bank_sample_rate` is for a bank of "
                                 "`impulse_responses`; none was given.")
            self.sample_rate = _validation.check_positive_int(sample_rate, "sample_rate")
            self.bank_sample_rate, self.impulse_responses = None, None
        else:
            self.bank_sample_rate, self.sample_rate = check_sample_rates(
                bank_sample_rate, sample_rate, "impulse_responses")
            self.impulse_responses = check_bank(impulse_responses, "impulse_responses",
                                                "a silent response has no direct path")
        self.rt60 = _validation.check_pair(rt60, "rt60")
        if self.rt60[0] <= 0:
            raise ValueError(f"Argument `rt60` must be a pair of positive times in seconds. "
                             f"Received: rt60={rt60!r}.")
        if isinstance(early_reflections, bool) or not isinstance(early_reflections, int) \
                or early_reflections < 0:
            raise ValueError(f"Argument `early_reflections` must be an int >= 0. Received: "
                             f"early_reflections={early_reflections!r}.")
        self.early_reflections = early_reflections
        self.wet = _validation.check_pair(wet, "wet", 0.0, 1.0)

    def _synthetic(self, n, seed):
        taps = math.ceil(self.rt60[1] * self.sample_rate) + 1
        rt60 = self.uniform((n,), *self.rt60, seed=seed)
        noise = self.uniform((n, taps), -1.0, 1.0, seed=seed)
        delays = gains = None
        if self.early_reflections:
            ops, k = self.ops, (n, self.early_reflections)
            low, high = (round(s * self.sample_rate) for s in REFLECTION_WINDOW_S)
            delays = ops.minimum(self.randint(k, max(low, 1), max(high, 2), seed=seed), taps - 1)
            sign = ops.where(self.uniform(k, seed=seed) < 0.5, -1.0, 1.0)
            envelope = ops.exp(-LN_1000 * ops.cast(delays, "float32")
                               / (rt60[:, None] * self.sample_rate))
            gains = sign * self.uniform(k, 0.3, 0.9, seed=seed) * envelope
        ir = F.synthetic_impulse_response(noise, rt60, self.sample_rate, delays, gains)
        t = {"rt60": rt60, "noise": noise, "impulse_response": ir}
        if delays is not None:
            t.update(reflection_delays=delays, reflection_gains=gains)
        return t

    def get_random_transformation(self, data, training=True, seed=None):
        n = self.ops.shape(data["audio"])[0]
        if self.impulse_responses is None:
            t = self._synthetic(n, seed)
        else:
            clip = self.randint((n,), 0, len(self.impulse_responses), seed=seed)
            bank = self.ops.convert_to_tensor(self.impulse_responses)
            t = {"clip": clip, "impulse_response": self.ops.take(bank, clip, axis=0)}
        return {**t, "wet": self.uniform((n,), *self.wet, seed=seed)}

    def transform_audio(self, audio, transformation, training=True):
        return F.convolve_impulse_response(audio, transformation["impulse_response"],
                                           transformation["wet"])

    def get_config(self):
        bank = self.impulse_responses
        return {**super().get_config(),
                "impulse_responses": None if bank is None else bank.tolist(),
                "bank_sample_rate": self.bank_sample_rate, "sample_rate": self.sample_rate,
                "rt60": self.rt60, "early_reflections": self.early_reflections,
                "wet": self.wet}
