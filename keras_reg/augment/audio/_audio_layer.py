"""The audio family's rules on top of the protocol: waveforms (n, samples)
and spectrograms (n, time, freq), float, under the key ``"audio"``."""

from keras_reg import _validation
from keras_reg.augment._base import AugmentationLayer


class AudioAugmentationLayer(AugmentationLayer):
    """Float batches; ``batch_rank`` 2 for waveforms, 3 for spectrograms;
    ``transform_audio`` receives them in the compute dtype."""

    data_key = "audio"
    batch_rank = 2

    def check_input_dtype(self, dtype):
        _validation.check_input_dtype(dtype, "float", "float audio", type(self).__name__)

    def per_waveform(self, data, low, high, seed=None):
        """One uniform draw per waveform (batch,), in the audio's dtype."""
        audio = data["audio"]
        return self.uniform((self.ops.shape(audio)[0],), low, high, audio.dtype, seed=seed)


class UniformParameterLayer(AudioAugmentationLayer):
    """Layers with one parameter per waveform, drawn uniformly from the
    (low, high) constructor argument named ``range_argument`` and passed on
    as ``transformation[parameter]``."""

    range_argument = ""
    parameter = ""
    #: bounds of the range, for ``_validation.check_pair``
    range_bounds = {}

    def __init__(self, value_range, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        setattr(self, self.range_argument,
                _validation.check_pair(value_range, self.range_argument, **self.range_bounds))

    def draw_range(self, data, seed):
        # Not a get_random_transformation: every such method (each override
        # too) numbers its draws from 0, so a subclass adding draws after
        # this one must call this, not super()'s, or an explicit seed would
        # give two of its draws the same key.
        low, high = getattr(self, self.range_argument)
        return self.per_waveform(data, low, high, seed=seed)

    def get_random_transformation(self, data, training=True, seed=None):
        return {self.parameter: self.draw_range(data, seed)}

    def get_config(self):
        return {**super().get_config(), self.range_argument: getattr(self, self.range_argument)}


class STFTLayer(UniformParameterLayer):
    """Waveform layers that work on a short-time Fourier transform."""

    def __init__(self, value_range, fft_length: int = 512, hop_length: int = 128,
                 seed: int | None = None, **kwargs):
        super().__init__(value_range, seed=seed, **kwargs)
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

    def check_known_length(self, waveforms):
        if waveforms.shape[-1] is None:
            # Only a traced TensorFlow graph (tf.data, a TensorFlow model with
            # a variable-length input) leaves the length unknown.
            raise ValueError(
                f"{type(self).__name__} needs the number of samples to be known when the "
                f"graph is traced (the STFT and the output length depend on it). Received "
                f"input shape {tuple(waveforms.shape)}. In tf.data, give every waveform one "
                "length first (pad or crop, then `tf.ensure_shape`)."
            )

    def get_random_transformation(self, data, training=True, seed=None):
        self.check_known_length(data["audio"])
        return {self.parameter: self.draw_range(data, seed)}

    def get_config(self):
        config = super().get_config()
        config.update({"fft_length": self.fft_length, "hop_length": self.hop_length})
        return config
