"""Standard normal noise from the counter hash (``_hash_random``).

Two transforms of the hash words, because no one transform is fast under
every compiler (``benchmarks/bench_gaussian_noise.py``, RESULTS.md):

- ``table_normal``: the word's high 16 bits index a table of the normal
  quantiles ``Φ⁻¹((k + ½) / 2¹⁶)``, ``k = 0 … 2¹⁶ − 1``. One gather per
  element, which XLA (TensorFlow's and JAX's) fuses into the pass over the
  tensor. The values are 65 536 equally likely quantiles: variance
  ``1 − 2·10⁻⁵``, kurtosis ``3 − 9·10⁻⁴``, tails cut at ±4.32 (a normal
  exceeds that with probability 1.5·10⁻⁵).
- ``box_muller_normal``: ``√(−2 ln u) · cos θ`` (Box & Muller 1958) from two
  words per element, ``u`` uniform on the 2²³ midpoints of ``(0, 1)`` and
  ``θ`` on 2²⁴ angles; exactly normal up to that grid, tails cut at ±5.77.
  Only elementwise arithmetic, which ``torch.compile`` vectorizes (its gather
  is a scalar loop with a bounds check, ~2× slower here), while XLA's CPU
  ``log`` and ``cos`` make it ~10× slower than the table there.

Both are plain ``keras.ops``, so each gives the same numbers on every
backend for a seed state, up to float rounding (``cos``, ``log`` and fused
multiply-adds differ in the last bits between backends).
"""

import functools
import math
import statistics

import numpy as np
from keras import ops

from keras_reg.ops import _hash_random

_TABLE_BITS = 16
# Box-Muller uses the words of counters 2i and 2i + 1 for element i.
_MAX_PAIRED_ELEMENTS = (1 << 30) - 1


@functools.cache
def normal_quantiles():
    """The 2**16 quantiles, float32, in increasing order (built once)."""
    size = 1 << _TABLE_BITS
    normal = statistics.NormalDist()
    return np.array([normal.inv_cdf((k + 0.5) / size) for k in range(size)], "float32")


def table_normal(shape, seed):
    """Float32 N(0, 1) samples of ``shape``: a quantile per hash word."""
    words = _hash_random.random_words(shape, seed)
    # The signed high half, shifted to [0, 2**16): the word's strongest bits.
    index = ops.add(ops.right_shift(words, 32 - _TABLE_BITS), 1 << (_TABLE_BITS - 1))
    return ops.take(ops.convert_to_tensor(normal_quantiles()), index)


def box_muller_normal(shape, seed):
    """Float32 N(0, 1) samples of ``shape``: Box-Muller, cosine branch."""
    n = _hash_random.num_elements(shape, limit=_MAX_PAIRED_ELEMENTS)
    key = _hash_random.step_key(seed)
    counter = ops.multiply(ops.arange(n, dtype="int32"), 2)
    radial = _hash_random.mix(counter, key)
    angular = _hash_random.mix(ops.add(counter, 1), key)
    # High 23 bits (signed, in [-2**22, 2**22)) -> the midpoints (k + 1/2)/2**23,
    # exact in float32, so u is never 0 or 1.
    k = ops.cast(ops.right_shift(radial, 9), "float32")
    u = ops.multiply(ops.add(k, 2.0**22 + 0.5), 2.0**-23)
    # High 24 bits -> an angle in [-pi, pi).
    theta = ops.multiply(ops.cast(ops.right_shift(angular, 8), "float32"), math.pi * 2.0**-23)
    radius = ops.sqrt(ops.multiply(ops.log(u), -2.0))
    return ops.reshape(ops.multiply(radius, ops.cos(theta)), shape)
