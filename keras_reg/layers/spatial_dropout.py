"""Spatial dropout: one Bernoulli draw per (sample, channel)."""

import keras

from keras_reg import _validation
from keras_reg.layers._base import DropoutBase
from keras_reg.layers._hash_random import inverted_dropout


class _SpatialDropout(DropoutBase):
    """Drops whole feature maps; ``_rank`` is the input rank (3, 4 or 5)."""

    _rank = None

    def __init__(self, rate, data_format=None, seed=None, **kwargs):
        super().__init__(rate, seed=seed, **kwargs)
        self.data_format = _validation.check_data_format(data_format)

    def build(self, input_shape):
        _validation.check_rank(input_shape, self._rank, type(self).__name__)

    def _apply(self, inputs):
        shape = keras.ops.shape(inputs)
        spatial_ones = (1,) * (self._rank - 2)
        if self.data_format == "channels_last":
            noise_shape = (shape[0], *spatial_ones, shape[-1])
        else:
            noise_shape = (shape[0], shape[1], *spatial_ones)
        return inverted_dropout(inputs, self.rate, self._seed(), noise_shape)

    def get_config(self):
        config = super().get_config()
        config["data_format"] = self.data_format
        return config


_DOC = """Spatial dropout for {dims} feature maps (inputs of rank {rank}).

    One Bernoulli draw per (sample, channel): a whole feature map is either
    zeroed or scaled by ``1 / (1 - p)``. Adjacent activations in a feature map
    are strongly correlated, so element-wise dropout there barely regularizes;
    dropping whole channels does (Tompson et al., "Efficient Object
    Localization Using Convolutional Networks", CVPR 2015).

        y[n, ..., c] = x[n, ..., c] * m[n, c] / (1 - p),  m[n, c] ~ Bernoulli(1 - p)

    Args:
        rate: probability ``p`` of dropping a channel, in ``[0, 1)``.
        data_format: ``"channels_last"`` ({last}) or ``"channels_first"``
            ({first}); ``None`` uses ``keras.config.image_data_format()``.
        seed: int seed of the layer's ``keras.random.SeedGenerator``.

    Example:

    >>> layer = keras_reg.layers.{name}(0.2, seed=0)
    >>> y = layer(x, training=True)  # x: {last}
    """


@keras.saving.register_keras_serializable(package="keras_reg")
class SpatialDropout1D(_SpatialDropout):
    __doc__ = _DOC.format(
        dims="1-D", rank=3, name="SpatialDropout1D",
        last="(batch, steps, channels)", first="(batch, channels, steps)",
    )
    _rank = 3


@keras.saving.register_keras_serializable(package="keras_reg")
class SpatialDropout2D(_SpatialDropout):
    __doc__ = _DOC.format(
        dims="2-D", rank=4, name="SpatialDropout2D",
        last="(batch, height, width, channels)",
        first="(batch, channels, height, width)",
    )
    _rank = 4


@keras.saving.register_keras_serializable(package="keras_reg")
class SpatialDropout3D(_SpatialDropout):
    __doc__ = _DOC.format(
        dims="3-D", rank=5, name="SpatialDropout3D",
        last="(batch, d1, d2, d3, channels)",
        first="(batch, channels, d1, d2, d3)",
    )
    _rank = 5
