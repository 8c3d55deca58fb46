import numpy as np
import pytest

from keras_reg import layers
from tests.helpers import Z_BOUND, binomial_sd, to_numpy
from tests.layers._via import draw, layer_and_function


@layer_and_function
def test_whole_samples_dropped_or_scaled(via):
    rate = 0.25
    x = np.ones((2000, 3, 4), "float32")
    y = to_numpy(draw(via, layers.DropPath, x, rate, seed=0))
    per_sample = y.reshape(len(y), -1)
    assert np.all(per_sample == per_sample[:, :1])
    np.testing.assert_allclose(np.unique(per_sample), [0.0, 1 / (1 - rate)], rtol=1e-6)
    dropped = np.mean(per_sample[:, 0] == 0)
    assert abs(dropped - rate) < Z_BOUND * binomial_sd(rate, len(y))


def test_stochastic_depth_alias():
    assert layers.StochasticDepth is layers.DropPath


def test_drop_path_rates_linear_schedule():
    np.testing.assert_allclose(layers.drop_path_rates(0.2, 5), [0.0, 0.05, 0.1, 0.15, 0.2])
    assert layers.drop_path_rates(0.3, 1) == [0.0]
    with pytest.raises(ValueError, match="max_rate"):
        layers.drop_path_rates(1.0, 4)
    with pytest.raises(ValueError, match="num_blocks"):
        layers.drop_path_rates(0.1, 0)


@pytest.mark.parametrize("training", [False, True])
def test_scalar_input_is_value_error_naming_shape(training):
    # A scalar has no batch axis to draw per sample (was an IndexError).
    with pytest.raises(ValueError, match=r"DropPath needs inputs of rank >= 1.*shape \(\)"):
        layers.DropPath(0.5, seed=0)(np.float32(2.0), training=training)
