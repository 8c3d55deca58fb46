from typing import Any

import keras

from keras_reg import _validation
from keras_reg.ops import _checks
from keras_reg.ops._random_source import bernoulli_keep

NAME = "keras_reg.ops.drop_block_2d"


def spatial_size(shape, data_format):
    """``(height, width)`` of a 4-D ``shape``."""
    if data_format == "channels_last":
        return shape[1], shape[2]
    return shape[2], shape[3]


def check_drop_block_input(shape, data_format, name):
    """Rank 4 with static, non-zero height and width: the seed probability
    and the block geometry are computed from them in Python."""
    _validation.check_rank(shape, 4, name)
    height, width = spatial_size(shape, data_format)
    if height is None or width is None:
        raise ValueError(
            f"{name} needs static height and width to compute the seed "
            f"probability. Received: inputs with shape {tuple(shape)} "
            f"({data_format})."
        )
    if height < 1 or width < 1:
        raise ValueError(
            f"{name} needs a height and width of at least 1 (there is no block "
            f"to drop in an empty map). Received: inputs with shape "
            f"{tuple(shape)} ({data_format})."
        )


def drop_block_2d(
    inputs: Any,
    rate: float,
    block_size: int = 7,
    data_format: str | None = None,
    seed: _checks.Seed = None,
) -> Any:
    """DropBlock: drop contiguous square regions of 2-D feature maps.

    For each sample and channel independently (Algorithm 1 of the paper),
    with ``p = rate`` on ``H × W`` maps and ``bh = min(block_size, H)``,
    ``bw = min(block_size, W)``:

    1. Block seeds are drawn with probability
       ``γ = min(1, p·H·W / (bh·bw·(H - bh + 1)·(W - bw + 1)))`` at the
       ``(H - bh + 1) × (W - bw + 1)`` positions where a whole block fits.
    2. Each seed becomes the ``bh × bw`` block of zeros whose top-left corner
       it marks (exact for even block sizes and non-square maps).
    3. Kept units are scaled by ``numel(mask) / sum(mask)`` over the batch.

    The expected dropped fraction is ``mean(1 - (1 - γ)^k)`` over positions,
    ``k`` being the number of seed positions whose block covers the unit:
    about ``p`` (a little less where blocks overlap). The function always
    applies; see ``keras_reg.ops.dropout`` for ``seed``.

    Args:
        inputs: floating-point tensor of rank 4 with static height and width
            (at least 1 each).
        rate: the target fraction ``p`` of units to drop, a Python float in
            ``[0, 1)`` (the paper's ``1 - keep_prob``). ``0`` returns
            ``inputs`` unchanged.
        block_size: side of the square block, an int >= 1; ``1`` is
            element-wise dropout with the batch-level rescaling. A block
            larger than the map is clamped to it, per axis.
        data_format: ``"channels_last"`` ``(batch, H, W, C)`` or
            ``"channels_first"`` ``(batch, C, H, W)``; ``None`` uses
            ``keras.config.image_data_format()``.
        seed: an int in ``[0, 2**31 - 1]``, a ``keras.random.SeedGenerator``
            or ``None``, as in ``keras_reg.ops.dropout``.

    Returns:
        A tensor of the shape and dtype of ``inputs``: the blocks zeroed, the
        rest scaled by ``numel(mask) / sum(mask)``.

    Example:

    ```python
    x = keras.random.normal((8, 28, 28, 32))
    y = keras_reg.ops.drop_block_2d(x, 0.1, block_size=5, seed=1)
    ```

    Reference:
        Ghiasi et al., "DropBlock: A regularization method for convolutional
        networks", NeurIPS 2018.
    """
    inputs, rate, seed, _ = _checks.check_call(NAME, inputs, rate, seed)
    block_size = _validation.check_positive_int(block_size, "block_size")
    data_format = _validation.check_data_format(data_format)
    check_drop_block_input(inputs.shape, data_format, NAME)
    if rate == 0:
        return inputs
    return apply_drop_block_2d(inputs, rate, block_size, data_format, seed)


def apply_drop_block_2d(inputs, rate, block_size, data_format, seed):
    """``drop_block_2d`` of checked arguments and ``rate > 0``."""
    batch, channels = inputs.shape[0], inputs.shape[-1 if data_format == "channels_last" else 1]
    if batch == 0 or channels == 0:
        return inputs  # nothing to drop (torch's max_pool refuses 0 channels)
    ops = keras.ops
    shape = ops.shape(inputs)
    height, width = spatial_size(inputs.shape, data_format)
    bh, bw = min(block_size, height), min(block_size, width)
    valid_h, valid_w = height - bh + 1, width - bw + 1
    gamma = min(rate * height * width / (bh * bw * valid_h * valid_w), 1.0)

    # Draw seeds only where a whole block fits, then pad by (block - 1) on
    # every side so a stride-1 'valid' max pool grows each seed into the
    # bh x bw block whose top-left corner it marks.
    if data_format == "channels_last":
        seed_shape = (shape[0], valid_h, valid_w, shape[3])
        axes = (1, 2)
    else:
        seed_shape = (shape[0], shape[1], valid_h, valid_w)
        axes = (2, 3)
    # A block starts where the Bernoulli(1 - gamma) "keep" draw fails.
    starts = ops.logical_not(bernoulli_keep(inputs, seed_shape, gamma, seed))
    seeds = ops.cast(starts, "float32")
    for axis, border in zip(axes, (bh - 1, bw - 1)):
        seeds = _zero_border(seeds, axis, border)
    # The max over a bh x bw window is the max over its rows of the max over
    # its columns: two 1-D pools cost bh + bw comparisons per element instead
    # of bh * bw (20x faster under jax.jit at 7 x 7, benchmarks/RESULTS.md).
    dropped = seeds
    for window in ((bh, 1), (1, bw)):
        dropped = ops.max_pool(
            dropped, pool_size=window, strides=1, padding="valid", data_format=data_format
        )
    keep = 1.0 - dropped
    # Rescale by numel / sum(keep); the floor only matters if all is dropped.
    factor = keep * (1.0 / ops.maximum(ops.mean(keep), 1e-12))
    if keras.backend.standardize_dtype(inputs.dtype) != "float32":
        factor = ops.cast(factor, inputs.dtype)
    return inputs * factor


def _zero_border(x, axis, width):
    """``x`` with ``width`` zeros added before and after it along ``axis``.

    A concatenate, not ``keras.ops.pad``: ``pad`` names a new Keras
    ``Operation`` on every eager call, and TorchDynamo guards on Keras's name
    counter, so under ``torch.compile`` every call recompiled.
    """
    if width == 0:
        return x
    shape = list(keras.ops.shape(x))
    shape[axis] = width
    zeros = keras.ops.zeros(shape, x.dtype)
    return keras.ops.concatenate([zeros, x, zeros], axis=axis)
