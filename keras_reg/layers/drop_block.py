import keras

from keras_reg import _validation
from keras_reg.layers._base import DropoutBase
from keras_reg.layers._hash_random import bernoulli_keep


@keras.saving.register_keras_serializable(package="keras_reg")
class DropBlock2D(DropoutBase):
    """DropBlock: drop contiguous square regions of convolutional feature maps.

    Following Ghiasi et al., "DropBlock: A regularization method for
    convolutional networks", NeurIPS 2018 (Algorithm 1), for each sample and
    channel independently:

    1. Block seeds are drawn with probability
       ``γ = rate·H·W / (bh·bw·(H - bh + 1)·(W - bw + 1))`` at the
       ``(H - bh + 1) × (W - bw + 1)`` positions where a whole block fits,
       so every block lies inside the map.
    2. Each seed is expanded to a ``bh × bw`` block of zeros (a stride-1 max
       pool over the zero-padded seed map; exact for even block sizes and
       non-square maps).
    3. Kept units are rescaled by ``numel(mask) / sum(mask)`` over the batch.

    The expected dropped fraction is ≈ ``rate`` (a little less when blocks
    overlap). ``bh = min(block_size, H)`` and ``bw = min(block_size, W)``: a
    block larger than the map is clamped to the map, per axis. ``γ`` is capped
    at 1. Identity at inference.

    Args:
        rate: target fraction of units to drop, in ``[0, 1)`` (the paper's
            ``1 - keep_prob``).
        block_size: side of the square block (>= 1); ``1`` is ordinary
            dropout with the batch-level rescaling.
        data_format: ``"channels_last"`` ``(batch, H, W, C)`` or
            ``"channels_first"`` ``(batch, C, H, W)``; ``None`` uses
            ``keras.config.image_data_format()``.
        seed: int seed of the layer's ``keras.random.SeedGenerator``.

    Example:

    >>> layer = keras_reg.layers.DropBlock2D(0.1, block_size=7, seed=0)
    >>> y = layer(keras.random.normal((8, 28, 28, 32)), training=True)
    """

    def __init__(self, rate, block_size=7, data_format=None, seed=None, **kwargs):
        super().__init__(rate, seed=seed, **kwargs)
        self.block_size = _validation.check_positive_int(block_size, "block_size")
        self.data_format = _validation.check_data_format(data_format)

    def build(self, input_shape):
        _validation.check_rank(input_shape, 4, "DropBlock2D")
        spatial = self._spatial_dims(input_shape)
        if None in spatial:
            raise ValueError(
                "DropBlock2D needs static height and width to compute the "
                f"seed probability. Received: input_shape={tuple(input_shape)}."
            )

    def _spatial_dims(self, shape):
        if self.data_format == "channels_last":
            return shape[1], shape[2]
        return shape[2], shape[3]

    def _apply(self, inputs):
        ops = keras.ops
        shape = ops.shape(inputs)
        height, width = self._spatial_dims(inputs.shape)
        bh, bw = min(self.block_size, height), min(self.block_size, width)
        valid_h, valid_w = height - bh + 1, width - bw + 1
        gamma = self.rate * height * width / (bh * bw * valid_h * valid_w)
        gamma = min(gamma, 1.0)

        # Draw seeds only where a whole block fits, then pad by (block - 1)
        # on every side so a stride-1 'valid' max pool grows each seed into
        # the bh x bw block whose top-left corner it marks.
        pad_h, pad_w = (bh - 1, bh - 1), (bw - 1, bw - 1)
        if self.data_format == "channels_last":
            seed_shape = (shape[0], valid_h, valid_w, shape[3])
            padding = ((0, 0), pad_h, pad_w, (0, 0))
        else:
            seed_shape = (shape[0], shape[1], valid_h, valid_w)
            padding = ((0, 0), (0, 0), pad_h, pad_w)
        # A block starts where the Bernoulli(1 - gamma) "keep" draw fails.
        starts = ops.logical_not(bernoulli_keep(seed_shape, gamma, self._seed()))
        seeds = ops.cast(starts, "float32")
        seeds = ops.pad(seeds, padding)
        dropped = ops.max_pool(
            seeds,
            pool_size=(bh, bw),
            strides=1,
            padding="valid",
            data_format=self.data_format,
        )
        keep = 1.0 - dropped
        # Rescale by numel / sum(keep); the floor only matters if all is dropped.
        scale = 1.0 / ops.maximum(ops.mean(keep), 1e-12)
        return inputs * ops.cast(keep * scale, inputs.dtype)

    def get_config(self):
        config = super().get_config()
        config.update({"block_size": self.block_size, "data_format": self.data_format})
        return config
