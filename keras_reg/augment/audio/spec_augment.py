"""SpecAugment masks (Park et al., "SpecAugment: A Simple Data Augmentation
Method for Automatic Speech Recognition", Interspeech 2019)."""

import keras

from keras_reg import _validation
from keras_reg.augment.audio import functional as F
from keras_reg.augment.audio._audio_layer import AudioAugmentationLayer


class _Masking(AudioAugmentationLayer):
    batch_rank = 3
    axis = -2

    def __init__(self, max_width: int, count: int = 1, seed: int | None = None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.max_width = _validation.check_positive_int(max_width, "max_width")
        self.count = _validation.check_positive_int(count, "count")

    def check_input_shape(self, input_shape):
        super().check_input_shape(input_shape)
        size = input_shape[self.axis]
        if size is not None and self.max_width > size:
            raise ValueError(
                f"Argument `max_width` ({self.max_width}) exceeds the masked axis "
                f"({size}) of input shape {tuple(input_shape)}."
            )

    def get_random_transformation(self, data, training=True, seed=None):
        ops, audio = self.ops, data["audio"]
        n, size = ops.shape(audio)[0], audio.shape[self.axis]
        starts, widths = [], []
        for _ in range(self.count):
            width = self.randint((n,), 0, self.max_width + 1, seed=seed)
            room = ops.cast(size - width + 1, "float32")
            starts.append(ops.cast(ops.floor(self.uniform((n,), seed=seed) * room), "int32"))
            widths.append(width)
        return {"start": ops.stack(starts, axis=1), "width": ops.stack(widths, axis=1)}

    def transform_audio(self, audio, transformation, training=True):
        mask = F.mask_time if self.axis == -2 else F.mask_frequency
        return mask(audio, transformation["start"], transformation["width"])

    def get_config(self):
        return {**super().get_config(), "max_width": self.max_width, "count": self.count}


@keras.saving.register_keras_serializable(package="keras_reg")
class TimeMasking(_Masking):
    """SpecAugment time masks on spectrograms (n, time, freq): ``count``
    masks, each zeroing ``w ~ U{0..max_width}`` consecutive frames starting
    at ``t0 ~ U{0..T-w}``, drawn per spectrogram.

    Args:
        max_width: largest mask width ``W`` in frames (<= time frames).
        count: masks per spectrogram.
        seed: int seed of the layer's ``keras.random.SeedGenerator``.

    Call arguments:
        data: spectrograms (batch, time, freq) or one, or a dict
            ``{"audio": ..., "labels": ...}`` (labels unchanged).
        training: mask only when true.

    The transformation: ``{"start": (batch, count), "width": (batch,
    count)}``, applied by ``keras_reg.augment.audio.functional.mask_time``.

    Example:

    ```python
    masks = keras_reg.augment.audio.TimeMasking(max_width=20, count=2, seed=0)
    ```
    """

    axis = -2


@keras.saving.register_keras_serializable(package="keras_reg")
class FrequencyMasking(_Masking):
    """SpecAugment frequency masks on spectrograms (n, time, freq): ``count``
    masks, each zeroing ``f ~ U{0..max_width}`` consecutive bins starting at
    ``f0 ~ U{0..F-f}``, drawn per spectrogram.

    Args:
        max_width: largest mask width ``F`` in bins (<= frequency bins).
        count: masks per spectrogram.
        seed: int seed of the layer's ``keras.random.SeedGenerator``.

    Call arguments:
        data: spectrograms (batch, time, freq) or one, or a dict
            ``{"audio": ..., "labels": ...}`` (labels unchanged).
        training: mask only when true.

    The transformation: ``{"start": (batch, count), "width": (batch,
    count)}``, applied by ``keras_reg.augment.audio.functional.mask_frequency``.

    Example:

    ```python
    masks = keras_reg.augment.audio.FrequencyMasking(max_width=8, count=2, seed=0)
    ```
    """

    axis = -1
