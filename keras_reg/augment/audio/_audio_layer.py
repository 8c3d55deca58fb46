"""Shared plumbing of the audio layers: waveforms (n, samples) and
spectrograms (n, time, freq), float."""

import keras

from keras_reg import _validation
from keras_reg.augment._base import AugmentationLayer


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

    def call(self, inputs, training=True):
        if training and len(inputs.shape) and inputs.shape[-1] is None:
            # Only a traced TensorFlow graph (tf.data, a TensorFlow model with
            # a variable-length input) leaves the length unknown.
            raise ValueError(
                f"{type(self).__name__} needs the number of samples to be known when the "
                f"graph is traced (the STFT and the output length depend on it). Received "
                f"input shape {tuple(inputs.shape)}. In tf.data, give every waveform one "
                "length first (pad or crop, then `tf.ensure_shape`)."
            )
        return super().call(inputs, training=training)

    def get_config(self):
        config = super().get_config()
        config.update({"fft_length": self.fft_length, "hop_length": self.hop_length})
        return config
