"""GaussianDropout's noise is N(1, p/(1-p)) from every normal source (the
backend's generator, the hashed quantile table, hashed Box-Muller)."""

import math

import numpy as np
import pytest
from scipy import stats

from keras_reg import layers
from tests.helpers import Z_BOUND, binomial_sd, to_numpy
from tests.layers._via import draw, each_normal_source

# The level of the Kolmogorov-Smirnov test: about that of Z_BOUND sds.
KS_LEVEL = 1e-6


@pytest.mark.parametrize("p", [0.1, 0.5])
@each_normal_source
def test_noise_is_normal_with_mean_one_and_dropout_variance(p, via):
    x = np.full((500, 400), 2.0, "float32")
    noise = to_numpy(draw(via, layers.GaussianDropout, x, p, seed=9)).astype("float64") / 2.0
    n, var = noise.size, p / (1 - p)
    assert abs(noise.mean() - 1.0) < Z_BOUND * math.sqrt(var / n)
    # Sample variance of a normal: sd = var * sqrt(2 / (n - 1)).
    assert abs(noise.var() - var) < Z_BOUND * var * math.sqrt(2.0 / (n - 1))
    z = (noise - 1.0) / math.sqrt(var)
    # Fourth moment 3 (Var(z**4) = E z**8 - 9 = 96) and the two-sided tail
    # beyond 3 sds, P = 2 Phi(-3): the shape, not only the first two moments.
    assert abs(np.mean(z**4) - 3.0) < Z_BOUND * math.sqrt(96.0 / n)
    tail = 2 * stats.norm.cdf(-3.0)
    assert abs(np.mean(np.abs(z) > 3.0) - tail) < Z_BOUND * binomial_sd(tail, n)
    # The whole distribution: Kolmogorov-Smirnov against N(0, 1).
    assert stats.kstest(z.ravel(), "norm").pvalue > KS_LEVEL
