"""Deterministic audio transforms, the ones keras_reg's audio layers apply.

Waveforms are (batch, samples) and spectrograms (batch, time, freq), float;
parameters are numbers (one value for the batch) or tensors of shape
(batch,) (one per waveform). They run on tensors of any backend, on NumPy
arrays, and inside ``tf.data`` under any backend (the ops follow the type of
the audio), so a layer's draw can be replayed, or a transform used alone:

```python
from keras_reg.augment.audio import functional as F

layer = keras_reg.augment.audio.TimeStretch((0.8, 1.25), seed=0)
t = layer.get_random_transformation({"audio": waveforms})
same = F.time_stretch(waveforms, t["rate"], layer.fft_length, layer.hop_length)
```
"""

from keras_reg.augment.audio._mixing import mix_labels, mix_waveforms
from keras_reg.augment.audio._phase_vocoder import pitch_shift, time_stretch
from keras_reg.augment.audio._reverb import convolve_impulse_response, synthetic_impulse_response
from keras_reg.augment.audio._spectral import band_pass, color_noise, high_pass, low_pass
from keras_reg.augment.audio._transforms import (
    add_noise_at_snr,
    apply_gain,
    loop_clips,
    mask_frequency,
    mask_time,
    time_shift,
)

__all__ = [
    "add_noise_at_snr",
    "apply_gain",
    "band_pass",
    "color_noise",
    "convolve_impulse_response",
    "high_pass",
    "loop_clips",
    "low_pass",
    "mask_frequency",
    "mask_time",
    "mix_labels",
    "mix_waveforms",
    "pitch_shift",
    "synthetic_impulse_response",
    "time_shift",
    "time_stretch",
]
