import math

import numpy as np
import pytest

from keras_reg import layers
from tests.helpers import Z_BOUND, to_numpy
from tests.layers._via import draw, layer_and_function


@pytest.mark.parametrize("p", [0.1, 0.5])
@layer_and_function
def test_noise_is_normal_with_mean_one_and_dropout_variance(p, via):
    x = np.full((500, 400), 2.0, "float32")
    noise = to_numpy(draw(via, layers.GaussianDropout, x, p, seed=9)) / 2.0
    n, var = noise.size, p / (1 - p)
    assert abs(noise.mean() - 1.0) < Z_BOUND * math.sqrt(var / n)
    # Sample variance of a normal: sd = var * sqrt(2 / (n - 1)).
    assert abs(noise.var() - var) < Z_BOUND * var * math.sqrt(2.0 / (n - 1))
