"""Spatial dropout: one Bernoulli draw per (sample, channel)."""

import keras

from keras_reg import _validation
from keras_reg.layers._base import DropoutBase
from keras_reg.ops._spatial_dropout import apply_spatial_dropout


class _SpatialDropout(DropoutBase):
    """Drops whole feature maps; ``_rank`` is the input rank (3, 4 or 5)."""

    _rank = None

    def __init__(
        self, rate: float, data_format: str | None = None, seed: int | None = None, **kwargs
    ):
        super().__init__(rate, seed=seed, **kwargs)
        self.data_format = _validation.check_data_format(data_format)

    def _check_shape(self, shape):
        _validation.check_rank(shape, self._rank, type(self).__name__)

    def _apply(self, inputs):
        return apply_spatial_dropout(inputs, self.rate, self.data_format, self.seed_generator)

    def get_config(self):
        base_config = super().get_config()
        return {**base_config, "data_format": self.data_format}


_DOC = """Spatial dropout for {dims} feature maps (inputs of rank {rank}).

    During training, one Bernoulli draw per (sample, channel): a whole feature
    map is either zeroed or scaled by ``1 / (1 - p)``, with ``p = rate``:

        y[n, ..., c] = x[n, ..., c] · m[n, c] / (1 - p),   m[n, c] ~ Bernoulli(1 - p)

    Adjacent activations in a feature map are strongly correlated, so
    element-wise dropout there barely regularizes; dropping whole channels
    does. At inference the layer is the identity. A drop-in replacement for
    ``keras.layers.{name}`` (see the docs' "Differences from Keras's
    layers"). The math is ``keras_reg.ops.spatial_dropout``.

    Args:
        rate: the probability ``p`` of dropping a feature map, a float in
            ``[0, 1)``.
        data_format: ``"channels_last"`` {last} or ``"channels_first"``
            {first}; ``None`` uses ``keras.config.image_data_format()``.
        seed: int in ``[0, 2**31 - 1]`` seeding the layer's
            ``keras.random.SeedGenerator``, or ``None`` for a random seed.
        **kwargs: base layer arguments (``name``, ``dtype``, ...).

    Call arguments:
        inputs: floating-point tensor of rank {rank}.
        training: Python boolean: whether to drop feature maps (``True``) or
            return the inputs unchanged (``False``, the default).

    Example:

    ```python
    layer = keras_reg.layers.{name}(0.2, seed=1)
    y = layer(keras.random.normal({example}), training=True)
    ```

    Reference:
        Tompson et al., "Efficient Object Localization Using Convolutional
        Networks", CVPR 2015.
    """


def _doc(rank, spatial_axes, example):
    """``_DOC`` for the layer of inputs ``(batch, *spatial_axes, channels)``."""
    axes = ", ".join(spatial_axes)
    return _DOC.format(
        dims=f"{rank - 2}-D", rank=rank, name=f"SpatialDropout{rank - 2}D", example=example,
        last=f"``(batch, {axes}, channels)``", first=f"``(batch, channels, {axes})``",
    )


@keras.saving.register_keras_serializable(package="keras_reg")
class SpatialDropout1D(_SpatialDropout):
    __doc__ = _doc(3, ["steps"], "(8, 100, 16)")
    _rank = 3


@keras.saving.register_keras_serializable(package="keras_reg")
class SpatialDropout2D(_SpatialDropout):
    __doc__ = _doc(4, ["height", "width"], "(8, 32, 32, 16)")
    _rank = 4


@keras.saving.register_keras_serializable(package="keras_reg")
class SpatialDropout3D(_SpatialDropout):
    __doc__ = _doc(5, ["d1", "d2", "d3"], "(4, 8, 16, 16, 8)")
    _rank = 5
