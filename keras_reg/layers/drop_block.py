import keras

from keras_reg import _validation
from keras_reg.layers._base import DropoutBase
from keras_reg.ops._drop_block import apply_drop_block_2d, check_drop_block_input


@keras.saving.register_keras_serializable(package="keras_reg")
class DropBlock2D(DropoutBase):
    """DropBlock: drop contiguous square regions of convolutional feature maps.

    During training, for each sample and channel independently (Algorithm 1
    of the paper), with ``p = rate`` on ``H × W`` maps and
    ``bh = min(block_size, H)``, ``bw = min(block_size, W)``:

    1. Block seeds are drawn with probability
       ``γ = min(1, p·H·W / (bh·bw·(H - bh + 1)·(W - bw + 1)))`` at the
       ``(H - bh + 1) × (W - bw + 1)`` positions where a whole block fits,
       so every block lies inside the map.
    2. Each seed becomes the ``bh × bw`` block of zeros whose top-left corner
       it marks (exact for even block sizes and non-square maps).
    3. Kept units are scaled by ``numel(mask) / sum(mask)`` over the batch.

    The expected dropped fraction is about ``p`` (a little less where blocks
    overlap). At inference the layer is the identity. The math is
    ``keras_reg.ops.drop_block_2d``.

    Args:
        rate: target fraction ``p`` of units to drop, a float in ``[0, 1)``
            (the paper's ``1 - keep_prob``).
        block_size: an int >= 1, the side of the square blocks of zeros
            (clamped, per axis, to a smaller map); ``1`` gives element-wise
            dropout with the batch-level rescaling.
        data_format: ``"channels_last"`` for inputs ``(batch, H, W, C)``,
            ``"channels_first"`` for ``(batch, C, H, W)``, or ``None`` for
            ``keras.config.image_data_format()``.
        seed: int in ``[0, 2**31 - 1]`` seeding the layer's
            ``keras.random.SeedGenerator``, or ``None`` for a random seed.
        **kwargs: base layer arguments (``name``, ``dtype``, ...).

    Call arguments:
        inputs: floating-point tensor of rank 4 with static height and width
            (at least 1 each).
        training: Python boolean: whether to drop blocks (``True``) or return
            the inputs unchanged (``False``, the default).

    Example:

    ```python
    layer = keras_reg.layers.DropBlock2D(0.1, block_size=7, seed=1)
    y = layer(keras.random.normal((8, 28, 28, 32)), training=True)
    ```

    Reference:
        Ghiasi et al., "DropBlock: A regularization method for convolutional
        networks", NeurIPS 2018.
    """

    def __init__(
        self,
        rate: float,
        block_size: int = 7,
        data_format: str | None = None,
        seed: int | None = None,
        **kwargs,
    ):
        super().__init__(rate, seed=seed, **kwargs)
        self.block_size = _validation.check_positive_int(block_size, "block_size")
        self.data_format = _validation.check_data_format(data_format)

    def _check_shape(self, shape):
        check_drop_block_input(shape, self.data_format, type(self).__name__)

    def _apply(self, inputs):
        return apply_drop_block_2d(
            inputs, self.rate, self.block_size, self.data_format, self.seed_generator
        )

    def get_config(self):
        base_config = super().get_config()
        return {**base_config, "block_size": self.block_size, "data_format": self.data_format}
