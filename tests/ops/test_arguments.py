"""Bad arguments to keras_reg.ops get an error that names the argument (or
the input), the value received and what is allowed."""

import keras
import numpy as np
import pytest

from keras_reg import ops

X3 = np.ones((2, 6, 5), "float32")
X4 = np.ones((2, 6, 5, 3), "float32")
ALL = [
    (ops.dropout, X3),
    (ops.spatial_dropout, X3),
    (ops.alpha_dropout, X3),
    (ops.gaussian_dropout, X3),
    (ops.drop_path, X3),
    (ops.drop_block_2d, X4),
]


@pytest.mark.parametrize("function,x", ALL, ids=[f.__name__ for f, _ in ALL])
def test_rate_seed_and_inputs(function, x):
    for rate in (1.0, -0.1, float("nan")):
        message = rf"`rate` must be a float in \[0, 1\)\. Received: rate={rate}"
        with pytest.raises(ValueError, match=message):
            function(x, rate, seed=1)
    for rate in ("0.5", None, True):
        with pytest.raises(TypeError, match=r"`rate` must be a float in \[0, 1\)"):
            function(x, rate, seed=1)
    # ValueError, as Keras's SeedGenerator and keras.random raise.
    for seed in (1.5, "1", True, -1, 2**31):
        message = (
            r"`seed` must be an int in \[0, 2147483647\], a keras.random.SeedGenerator "
            rf"or None. Received: seed={seed!r}"
        )
        with pytest.raises(ValueError, match=message):
            function(x, 0.5, seed=seed)
    with pytest.raises(TypeError, match=r"needs floating-point inputs.*dtype=int32"):
        function(x.astype("int32"), 0.5, seed=1)
    with pytest.raises(TypeError, match=r"needs a concrete tensor, not a symbolic one"):
        function(keras.Input(x.shape[1:]), 0.5, seed=1)


def test_shape_and_layout_arguments():
    for function in (ops.dropout, ops.alpha_dropout):
        with pytest.raises(ValueError, match="noise_shape='Invalid'"):
            function(X3, 0.5, noise_shape="Invalid")
        with pytest.raises(ValueError, match=r"`noise_shape` must have the input's rank 3"):
            function(X3, 0.5, noise_shape=(2, 1))
        with pytest.raises(ValueError, match=r"does not broadcast.*noise_shape=\(3, 1, 1\)"):
            function(X3, 0.5, noise_shape=(3, 1, 1))
    with pytest.raises(ValueError, match=r"drop_path needs inputs of rank >= 1.*shape \(\)"):
        ops.drop_path(np.float32(1.0), 0.5, seed=1)
    with pytest.raises(ValueError, match=r"spatial_dropout needs inputs of rank >= 3.*\(2, 5\)"):
        ops.spatial_dropout(np.ones((2, 5), "float32"), 0.5, seed=1)
    with pytest.raises(ValueError, match=r"drop_block_2d expects inputs of rank 4"):
        ops.drop_block_2d(X3, 0.5, seed=1)
    with pytest.raises(ValueError, match=r"height and width of at least 1.*\(2, 0, 5, 3\)"):
        ops.drop_block_2d(np.ones((2, 0, 5, 3), "float32"), 0.5, seed=1)
    with pytest.raises(ValueError, match="`data_format` must be one of"):
        ops.spatial_dropout(X3, 0.5, data_format="NHWC")
    with pytest.raises(ValueError, match="`data_format` must be one of"):
        ops.drop_block_2d(X4, 0.5, data_format="NCHW")
    with pytest.raises(ValueError, match=r"`block_size` must be an integer >= 1.*block_size=0"):
        ops.drop_block_2d(X4, 0.5, block_size=0)
    with pytest.raises(TypeError, match="block_size=2.5"):
        ops.drop_block_2d(X4, 0.5, block_size=2.5)
