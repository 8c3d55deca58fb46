"""Standard normal noise from the counter hash (``_hash_random``).

Two transforms of the hash words, because no one transform is fast under
every compiler (``benchmarks/bench_gaussian_noise.py``, RESULTS.md):

- ``table_normal``: the word's high 16 bits index a table of the normal
  quantiles ``Φ⁻¹((k + ½) / 2¹⁶)``, ``k = 0 … 2¹⁶ − 1``. One gather per
  element, which XLA (TensorFlow's and JAX's) fuses into the pass over the
  tensor. The values are 65 536 equally likely quantiles: variance
  ``1 − 2·10⁻⁵``, kurtosis ``3 − 9·10⁻⁴``, tails cut at ±4.32 (a normal
  exceeds that with probability 1.5·10⁻⁵).
- ``box_muller_normal``: Box & Muller (1958) on pairs: two hash words give
  ``u``, uniform on the 2²³ midpoints of ``(0, 1)``, and ``θ`` on 2²⁴
  angles, and the pair gives *two* independent normals, ``√(−2 ln u)·cos θ``
  for an element of the first half of the flattened tensor and
  ``√(−2 ln u)·sin θ`` for its partner in the second half: one hash word,
  half a ``log`` and half a ``sqrt`` per element. Exactly normal up to that
  grid, tails cut at ±5.77. Only elementwise arithmetic, which
  ``torch.compile`` vectorizes (its gather is a scalar loop with a bounds
  check, ~2× slower here), while XLA's CPU ``log`` and ``cos`` make it ~10×
  slower than the table there. ``scale_by_box_muller`` multiplies the two
  halves of a tensor in place of the concatenated noise, so that
  ``torch.compile`` fuses the whole draw into one loop over the pairs that
  writes both halves (the noise concatenated first and multiplied
  afterwards is materialized: ~2× as long at 1 M elements).

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


def _polar_pairs(pairs, seed):
    """Radius ``√(−2 ln u)`` and angle ``θ`` of ``pairs`` Box-Muller pairs."""
    key = _hash_random.step_key(seed)
    counter = ops.multiply(ops.arange(pairs, dtype="int32"), 2)
    radial = _hash_random.mix(counter, key)
    angular = _hash_random.mix(ops.add(counter, 1), key)
    # High 23 bits (signed, in [-2**22, 2**22)) -> the midpoints (k + 1/2)/2**23,
    # exact in float32, so u is never 0 or 1.
    k = ops.cast(ops.right_shift(radial, 9), "float32")
    u = ops.multiply(ops.add(k, 2.0**22 + 0.5), 2.0**-23)
    # High 24 bits -> an angle in [-pi, pi).
    theta = ops.multiply(ops.cast(ops.right_shift(angular, 8), "float32"), math.pi * 2.0**-23)
    return ops.sqrt(ops.multiply(ops.log(u), -2.0)), theta


def _paired_normals(n, seed):
    """The ``n`` normals of a draw as ``(cosines, sines)``: the cosine of
    every pair (``ceil(n / 2)``, the first half of the flattened draw), then
    the sine partners (``floor(n / 2)``; an odd ``n`` leaves the last pair's
    unused). ``n`` may be a scalar tensor."""
    pairs = (n + 1) // 2
    radius, theta = _polar_pairs(pairs, seed)
    sines = ops.multiply(radius, ops.sin(theta))
    return ops.multiply(radius, ops.cos(theta)), sines[: n - pairs]


def box_muller_normal(shape, seed):
    """Float32 N(0, 1) samples of ``shape``: Box-Muller, both outputs of
    every pair."""
    n = _hash_random.num_elements(shape)
    return ops.reshape(ops.concatenate(_paired_normals(n, seed)), shape)


def scale_by_box_muller(inputs, mean, stddev, seed):
    """``inputs · (mean + stddev · z)``, ``z`` the ``box_muller_normal`` draw
    of the shape of ``inputs``, applied half by half: the flattened input's
    first half takes the cosines and its second half the sines."""
    shape = ops.shape(inputs)
    n = _hash_random.num_elements(shape)
    flat = ops.reshape(inputs, (-1,))
    halves = (flat[: (n + 1) // 2], flat[(n + 1) // 2 :])
    scaled = [
        ops.multiply(half, ops.cast(ops.add(ops.multiply(z, stddev), mean), inputs.dtype))
        for half, z in zip(halves, _paired_normals(n, seed))
    ]
    return ops.reshape(ops.concatenate(scaled), shape)
