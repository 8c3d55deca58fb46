"""Audio augmentation: waveforms (batch, samples) and spectrograms
(batch, time, freq), float, randomness per sample. In a dict, audio goes
under ``"audio"`` (``{"audio": waveforms, "labels": labels}``). The
transforms the layers apply are public functions in
``keras_reg.augment.audio.functional``."""

from keras_reg.augment.audio import functional  # noqa: F401  (the public transforms)
from keras_reg.augment.audio._wav import load_wav_bank
from keras_reg.augment.audio.add_noise import AddNoise
from keras_reg.augment.audio.background_noise import AddBackgroundNoise
from keras_reg.augment.audio.colored_noise import AddColoredNoise
from keras_reg.augment.audio.filters import BandPass, HighPass, LowPass
from keras_reg.augment.audio.mix_waveforms import MixWaveforms
from keras_reg.augment.audio.pitch_shift import PitchShift
from keras_reg.augment.audio.random_gain import RandomGain
from keras_reg.augment.audio.reverberation import Reverberation
from keras_reg.augment.audio.spec_augment import FrequencyMasking, TimeMasking
from keras_reg.augment.audio.time_shift import TimeShift
from keras_reg.augment.audio.time_stretch import TimeStretch

__all__ = [
    "AddBackgroundNoise",
    "AddColoredNoise",
    "AddNoise",
    "BandPass",
    "FrequencyMasking",
    "HighPass",
    "LowPass",
    "MixWaveforms",
    "PitchShift",
    "RandomGain",
    "Reverberation",
    "TimeMasking",
    "TimeShift",
    "TimeStretch",
    "load_wav_bank",
]
