import keras
import numpy as np
import pytest

from keras_reg import layers, ops
from tests.helpers import Z_BOUND, to_numpy
from tests.layers._via import draw, layer_and_function


def window_all(mask, bh, bw):
    """out[i, j] = all(mask[i:i+bh, j:j+bw]) for every in-map window."""
    h, w = mask.shape
    out = np.ones((h - bh + 1, w - bw + 1), bool)
    for di in range(bh):
        for dj in range(bw):
            out &= mask[di : di + h - bh + 1, dj : dj + w - bw + 1]
    return out


def dilate(starts, bh, bw, shape):
    out = np.zeros(shape, bool)
    for i, j in zip(*np.nonzero(starts)):
        out[i : i + bh, j : j + bw] = True
    return out


def expected_drop_fraction(rate, h, w, bh, bw):
    """Exact E[dropped fraction] under Algorithm 1: a unit is dropped unless
    none of the k seeds whose block covers it fired, each with prob gamma."""
    vh, vw = h - bh + 1, w - bw + 1
    gamma = min(1.0, rate * h * w / (bh * bw * vh * vw))
    cover = dilate_count(vh, vw, bh, bw, h, w)
    return np.mean(1 - (1 - gamma) ** cover)


def dilate_count(vh, vw, bh, bw, h, w):
    count = np.zeros((h, w))
    for i in range(vh):
        for j in range(vw):
            count[i : i + bh, j : j + bw] += 1
    return count


@pytest.mark.parametrize(
    "h,w,block",
    [(16, 16, 5), (11, 17, 4), (20, 9, 2), (8, 6, 20)],
    ids=["square-odd", "nonsquare-even", "tall-even", "clamped"],
)
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@layer_and_function
def test_dropped_regions_are_whole_blocks_at_the_right_rate(via, h, w, block, data_format):
    rate, n, c = 0.15, 32, 8
    shape = (n, h, w, c) if data_format == "channels_last" else (n, c, h, w)
    x = np.ones(shape, "float32")
    kwargs = {"block_size": block, "data_format": data_format}
    y = to_numpy(draw(via, layers.DropBlock2D, x, rate, seed=3, **kwargs))
    if data_format == "channels_first":
        y = np.moveaxis(y, 1, -1)
    dropped = y == 0
    bh, bw = min(block, h), min(block, w)

    # Structure: each map's dropped set is exactly a union of bh x bw blocks
    # lying inside the map (the dilation of its fully-dropped windows).
    for s in range(n):
        for ch in range(c):
            m = dropped[s, :, :, ch]
            starts = window_all(m, bh, bw)
            np.testing.assert_array_equal(dilate(starts, bh, bw, m.shape), m)

    # Rescaling: kept units are numel / sum(mask) over the whole batch.
    kept = ~dropped
    np.testing.assert_allclose(y[kept], dropped.size / kept.sum(), rtol=1e-5)

    # Rate: the (sample, channel) maps are independent, so the sd of the mean
    # dropped fraction is the per-map sd over sqrt(#maps).
    per_map = dropped.reshape(n, h * w, c).mean(axis=1).ravel()
    sd = per_map.std(ddof=1) / np.sqrt(per_map.size)
    expected = expected_drop_fraction(rate, h, w, bh, bw)
    assert abs(per_map.mean() - expected) < Z_BOUND * max(sd, 1e-3)
    # ... and Algorithm 1's gamma makes that close to `rate` (overlaps of
    # blocks only lower it, by O(gamma * block area)).
    assert rate * 0.75 < expected <= rate + 1e-12


@layer_and_function
def test_block_size_one_is_elementwise(via):
    x = np.ones((64, 10, 10, 4), "float32")
    y = to_numpy(draw(via, layers.DropBlock2D, x, 0.3, seed=0, block_size=1))
    assert abs(np.mean(y == 0) - 0.3) < 5 * np.sqrt(0.3 * 0.7 / y.size)


def test_bad_arguments():
    with pytest.raises(ValueError, match="block_size"):
        layers.DropBlock2D(0.1, block_size=0)
    with pytest.raises(TypeError, match="block_size"):
        layers.DropBlock2D(0.1, block_size=2.5)
    with pytest.raises(TypeError, match="block_size"):
        layers.DropBlock2D(0.1, block_size=True)


@pytest.mark.parametrize("training", [False, True])
def test_wrong_rank_fails_at_first_call(training):
    with pytest.raises(ValueError, match=r"DropBlock2D expects inputs of rank 4.*\(rank 3\)"):
        layers.DropBlock2D(0.1)(np.ones((2, 8, 8), "float32"), training=training)


def test_unknown_height_fails_at_model_construction():
    with pytest.raises(ValueError, match=r"static height and width.*\(None, None, 8, 3\)"):
        layers.DropBlock2D(0.1)(keras.Input((None, 8, 3)))


@pytest.mark.parametrize(
    "shape,data_format",
    [((2, 0, 6, 3), "channels_last"), ((2, 3, 6, 0), "channels_first")],
    ids=["zero-height", "zero-width-channels-first"],
)
@pytest.mark.parametrize("training", [False, True])
def test_empty_feature_map_is_value_error_naming_shape(shape, data_format, training):
    # Was a ZeroDivisionError from the seed probability.
    layer = layers.DropBlock2D(0.1, block_size=3, data_format=data_format, seed=0)
    with pytest.raises(ValueError, match=rf"height and width of at least 1.*{shape}"):
        layer(np.ones(shape, "float32"), training=training)


@pytest.mark.parametrize("shape", [(0, 6, 6, 3), (2, 6, 6, 0)], ids=["no-samples", "no-channels"])
def test_empty_batch_or_channels_pass_through(shape):
    # Nothing to drop; torch's max_pool refused zero channels.
    x = np.ones(shape, "float32")
    y = layers.DropBlock2D(0.1, block_size=3, seed=0)(x, training=True)
    assert tuple(y.shape) == shape


@pytest.mark.skipif(
    keras.backend.backend() != "torch", reason="a property of torch.compile: no recompilation"
)
def test_compiled_calls_are_not_recompiled():
    # keras.ops.pad names a new Keras Operation on every eager call, and
    # TorchDynamo guarded on that name counter: each call recompiled (seconds
    # per call) until the recompile limit sent it back to eager.
    import torch

    generator = keras.random.SeedGenerator(1)
    fn = torch.compile(lambda x: ops.drop_block_2d(x, 0.2, block_size=3, seed=generator))
    x = keras.ops.ones((2, 8, 8, 3))
    fn(x)
    fn(x)
    with torch.compiler.set_stance("fail_on_recompile"):
        fn(x)
