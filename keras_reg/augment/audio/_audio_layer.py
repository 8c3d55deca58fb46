"""Shared plumbing of the audio layers: waveforms (n, samples) and
spectrograms (n, time, freq), float."""

import keras

from keras_reg import _validation
from keras_reg.augment._base import AugmentationLayer


def check_range(value, name, low=None, high=None):
    """A pair (a, b) of finite numbers with a <= b inside [low, high]."""
    ok = (
        isinstance(value, (list, tuple))
        and len(value) == 2
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
        and value[0] <= value[1]
    )
    if ok and low is not None:
        ok = value[0] >= low
    if ok and high is not None:
        ok = value[1] <= high
    if not ok:
        bounds = f" within [{low}, {high}]" if low is not None or high is not None else ""
        raise ValueError(
            f"Argument `{name}` must be a pair (low, high) with low <= high{bounds}. "
            f"Received: {name}={value!r}."
        )
    return (float(value[0]), float(value[1]))


class AudioAugmentationLayer(AugmentationLayer):
    """Float batches; ``batch_rank`` 2 for waveforms, 3 for spectrograms."""

    batch_rank = 2

    def call(self, inputs, training=True):
        dtype = keras.backend.standardize_dtype(inputs.dtype)
        if "float" not in dtype:
            raise TypeError(
                f"{type(self).__name__} expects float audio. Received dtype {inputs.dtype}."
            )
        return super().call(inputs, training=training)

    def per_sample(self, x, low, high):
        """(n, 1) uniform draws."""
        return self.uniform((self.ops.shape(x)[0], 1), low, high, dtype=x.dtype)

    def compute_output_spec(self, inputs, training=True):
        # Float inputs are cast to the compute dtype on the way in.
        return keras.KerasTensor(inputs.shape, dtype=self.compute_dtype)


class STFTLayer(AudioAugmentationLayer):
    """Waveform layers that work on a short-time Fourier transform."""

    def __init__(self, fft_length=512, hop_length=128, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.fft_length = _validation.check_positive_int(fft_length, "fft_length")
        self.hop_length = _validation.check_positive_int(hop_length, "hop_length")
        if self.hop_length > self.fft_length:
            raise ValueError(
                f"Argument `hop_length` ({hop_length}) must be at most `fft_length` "
                f"({fft_length})."
            )

    def check_input_shape(self, input_shape):
        super().check_input_shape(input_shape)
        samples = input_shape[-1]
        if samples is not None and samples < self.fft_length:
            raise ValueError(
                f"{type(self).__name__} needs at least fft_length={self.fft_length} samples "
                f"per waveform. Received input shape {tuple(input_shape)}."
            )

    def get_config(self):
        config = super().get_config()
        config.update({"fft_length": self.fft_length, "hop_length": self.hop_length})
        return config
