"""SpecAugment masks (Park et al., "SpecAugment: A Simple Data Augmentation
Method for Automatic Speech Recognition", Interspeech 2019), drawn per
spectrogram: every mask's start and width, and with a ``count`` range the
number of masks, are independent across the batch (torchaudio's
``iid_masks=True``)."""

import math

import keras

from keras_reg import _validation
from keras_reg.augment.audio import functional as F
from keras_reg.augment.audio._audio_layer import AudioAugmentationLayer


def _check_count(count):
    """``count`` as an inclusive (low, high) pair of non-negative ints, high ≥ 1."""
    if isinstance(count, int) and not isinstance(count, bool):
        return _validation.check_positive_int(count, "count")
    pair = tuple(count) if isinstance(count, (tuple, list)) else ()
    if len(pair) != 2 or any(isinstance(v, bool) or not isinstance(v, int) for v in pair):
        # Neither an int nor a sequence (a float, a string): the wrong type.
        error = TypeError if not isinstance(count, (tuple, list)) else ValueError
        raise error(
            "Argument `count` must be a positive int or a (low, high) pair of ints with "
            f"0 <= low <= high and high >= 1. Received: count={count!r}."
        )
    if pair[0] < 0 or pair[1] < max(pair[0], 1):
        raise ValueError(
            "Argument `count` must be a positive int or a (low, high) pair of ints with "
            f"0 <= low <= high and high >= 1. Received: count={count!r}."
        )
    return pair


class _Masking(AudioAugmentationLayer):
    batch_rank = 3
    axis = -2

    def __init__(self, max_width: int | None = None, count: int | tuple[int, int] = 1,
                 max_fraction: float | None = None, seed: int | None = None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        if max_width is None and max_fraction is None:
            raise ValueError(f"{type(self).__name__} needs `max_width`, `max_fraction` or "
                             "both (the bound on a mask's width). Received neither.")
        self.max_width = None if max_width is None else _validation.check_positive_int(
            max_width, "max_width")
        self.count = _check_count(count)
        self.max_fraction = None if max_fraction is None else _validation.check_rate(
            max_fraction, "max_fraction", upper_inclusive=True)
        if self.max_fraction == 0:
            raise ValueError("Argument `max_fraction` must be in (0, 1]. Received: "
                             "max_fraction=0.")

    def check_input_shape(self, input_shape):
        super().check_input_shape(input_shape)
        size = input_shape[self.axis]
        if size is not None and self.max_fraction is None and self.max_width > size:
            raise ValueError(
                f"Argument `max_width` ({self.max_width}) exceeds the masked axis "
                f"({size}) of input shape {tuple(input_shape)}."
            )

    def _width_bound(self, size):
        """``W = min(max_width, floor(max_fraction · size))``."""
        if self.max_fraction is None:
            return self.max_width
        adaptive = int(math.floor(self.max_fraction * size))
        return adaptive if self.max_width is None else min(self.max_width, adaptive)

    def get_random_transformation(self, data, training=True, seed=None):
        ops, audio = self.ops, data["audio"]
        n, size = ops.shape(audio)[0], audio.shape[self.axis]
        if size is None:  # only a traced TensorFlow graph leaves it unknown
            raise ValueError(
                f"{type(self).__name__} needs the length of the masked axis to be known when "
                f"the graph is traced. Received shape {tuple(audio.shape)}. In tf.data, give "
                "the batch's spectrograms one length first (pad or crop, then `tf.ensure_shape`)."
            )
        bound = self._width_bound(size)
        most = self.count if isinstance(self.count, int) else self.count[1]
        starts, widths = [], []
        for _ in range(most):
            width = self.randint((n,), 0, bound + 1, seed=seed)
            room = ops.cast(size - width + 1, "float32")
            starts.append(ops.cast(ops.floor(self.uniform((n,), seed=seed) * room), "int32"))
            widths.append(width)
        width = ops.stack(widths, axis=1)
        if not isinstance(self.count, int):  # masks past each spectrogram's count are empty
            count = self.randint((n, 1), self.count[0], self.count[1] + 1, seed=seed)
            width = ops.where(ops.arange(most, dtype="int32")[None, :] < count, width, 0)
        return {"start": ops.stack(starts, axis=1), "width": width}

    def transform_audio(self, audio, transformation, training=True):
        mask = F.mask_time if self.axis == -2 else F.mask_frequency
        return mask(audio, transformation["start"], transformation["width"])

    def get_config(self):
        return {**super().get_config(), "max_width": self.max_width, "count": self.count,
                "max_fraction": self.max_fraction}


def _masking_doc(axis, unit, symbol, example):
    return f"""SpecAugment {axis} masks on spectrograms (n, time, freq), drawn per
    spectrogram: ``count`` masks, each zeroing ``w ~ U{{0..W}}`` consecutive
    {unit} starting at ``{symbol}0 ~ U{{0..{symbol.upper()}−w}}``, with the width
    bound ``W = min(max_width, floor(max_fraction · {symbol.upper()}))`` (``{symbol.upper()}``
    the {unit} of the spectrogram; either bound may be left out). With a
    ``count`` pair ``(low, high)`` each spectrogram draws its number of masks
    from ``U{{low..high}}``. ``max_fraction`` is SpecAugment's upper bound
    ``p`` (a mask covers at most that share of the {axis} axis), so one layer
    suits clips of any length. Masks may overlap.

    Args:
        max_width: largest mask width in {unit} (<= the axis length unless
            ``max_fraction`` is given), or None.
        count: masks per spectrogram: an int, or an inclusive (low, high)
            pair drawn per spectrogram.
        max_fraction: ``p`` in (0, 1], the width bound as a share of the
            axis length, or None.
        seed: int seed of the layer's ``keras.random.SeedGenerator``.

    Call arguments:
        data: spectrograms (batch, time, freq) or one, or a dict
            ``{{"audio": ..., "labels": ...}}`` (labels unchanged).
        training: mask only when true.

    The transformation: ``{{"start": (batch, masks), "width": (batch,
    masks)}}`` (width 0 past a spectrogram's count), applied by
    ``keras_reg.augment.audio.functional.mask_{axis}``.

    Example:

    ```python
    masks = keras_reg.augment.audio.{example}
    ```

    Reference: Park et al., "SpecAugment", Interspeech 2019; Park et al.,
    "SpecAugment on large scale datasets", ICASSP 2020 (adaptive masks).
    """


@keras.saving.register_keras_serializable(package="keras_reg")
class TimeMasking(_Masking):
    __doc__ = _masking_doc("time", "frames", "t",
                           "TimeMasking(max_width=20, count=(1, 3), max_fraction=0.1, seed=0)")
    axis = -2


@keras.saving.register_keras_serializable(package="keras_reg")
class FrequencyMasking(_Masking):
    __doc__ = _masking_doc("frequency", "bins", "f",
                           "FrequencyMasking(max_width=8, count=2, seed=0)")
    axis = -1
