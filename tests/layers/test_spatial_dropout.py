import keras
import numpy as np
import pytest

from keras_reg import layers
from tests.helpers import Z_BOUND, binomial_sd, to_numpy
from tests.layers._via import draw, layer_and_function

CASES = [
    (layers.SpatialDropout1D, (32, 9, 16)),
    (layers.SpatialDropout2D, (32, 5, 7, 16)),
    (layers.SpatialDropout3D, (32, 3, 4, 5, 16)),
]


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("cls,shape", CASES, ids=[c[0].__name__ for c in CASES])
@layer_and_function
def test_whole_feature_maps_dropped(cls, shape, data_format, via):
    rate = 0.3
    if data_format == "channels_first":
        shape = (shape[0], shape[-1], *shape[1:-1])
    x = np.ones(shape, "float32")
    y = to_numpy(draw(via, cls, x, rate, seed=4, data_format=data_format))
    channel_axis = -1 if data_format == "channels_last" else 1
    # Move channels next to batch and flatten each feature map.
    maps = np.moveaxis(y, channel_axis, 1).reshape(shape[0], x.shape[channel_axis], -1)
    # Each map is constant: all 0 or all 1/(1-p).
    assert np.all(maps == maps[..., :1])
    values = np.unique(maps)
    np.testing.assert_allclose(values, [0.0, 1.0 / (1.0 - rate)], rtol=1e-6)
    n_maps = maps.shape[0] * maps.shape[1]
    dropped = np.mean(maps[..., 0] == 0)
    assert abs(dropped - rate) < Z_BOUND * binomial_sd(rate, n_maps)


@pytest.mark.parametrize("cls,shape", CASES, ids=[c[0].__name__ for c in CASES])
def test_wrong_rank_fails_at_first_call_and_at_model_construction(cls, shape):
    rank = len(shape)
    message = rf"{cls.__name__} expects inputs of rank {rank}.*\(rank {rank - 1}\)"
    with pytest.raises(ValueError, match=message):
        cls(0.5)(np.ones(shape[:-1], "float32"))
    with pytest.raises(ValueError, match=message):
        cls(0.5)(keras.Input(shape[1:-1]))


def test_unknown_data_format():
    with pytest.raises(ValueError, match="data_format.*channels_first"):
        layers.SpatialDropout2D(0.5, data_format="NHWC")
