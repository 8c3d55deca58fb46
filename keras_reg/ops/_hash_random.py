"""Counter-based random words and masks for the dropout family.

Why not ``keras.random``: under a compiler (XLA, ``jax.jit``,
``torch.compile``) the backends' random generators (threefry on JAX, philox
on TensorFlow, mt19937/philox on torch) cost many times a memory copy per
element on CPU (measurements: docs/dropout.md, "Random sources"). A dropout
mask needs only one uniform 32-bit word per element, and a counter-based hash
gives one in a handful of integer ops that fuse with the masking. Where the
hash is used and where the backend's generator is (eager calls on small
tensors): ``keras_reg/ops/_random_source.py``; hashed normals:
``keras_reg/ops/_hash_normal.py``.

How it works: each call takes one draw from its ``seed`` (an int, ``None`` or
a ``keras.random.SeedGenerator``, with ``keras.random``'s rules for each, so
seeding, reproducibility and per-step change are Keras's) and hashes it into
a 32-bit key. Element ``i``
of the mask gets the word

    w(i) = M2 · xs15(M1 · (i XOR key))      (mod 2**32, as int32)

with ``xs15(g) = g XOR (g >>> 15)`` and the odd multipliers M1, M2 of
C. Wellons's "lowbias32" hash (hash-prospector, 2018; the full hash, with a
leading and a trailing xor-shift, turns the seed state into the key). A unit
is kept when ``w(i) >= T``, comparing the signed word against
``T = round(p · 2**32) - 2**31``, so ``P(keep) = 1 - p`` to 2**-32. The
decision reads the word's high bits, which the final multiply mixes from all
input bits; its low bits are weaker and matter only at the 2**-24 level of the
threshold. Statistical checks of the masks (per-position keep rate, neighbour
and step-to-step correlation, a chi-square on 8-bit patterns) are in
``tests/layers/test_hash_random.py``.

The arithmetic is plain ``keras.ops`` on int32, so one implementation runs on
every backend, and a given seed state gives bit-identical masks on all three.
Limits: masks of up to 2**31 - 1 elements per call (int32 counters).
"""

from keras import ops

from keras_reg._compat import random as _compat

# lowbias32 multipliers (odd, so each multiply is a bijection mod 2**32);
# the second written as the int32 with the same bit pattern.
_M1 = 0x7FEB352D
_M2 = 0x846CA68B - (1 << 32)
_MAX_ELEMENTS = (1 << 31) - 1


def _shift_right_logical(x, bits):
    # keras.ops.right_shift is arithmetic on int32; masking the sign copies
    # away gives the logical shift the hash needs.
    return ops.bitwise_and(ops.right_shift(x, bits), (1 << (32 - bits)) - 1)


def _xor_shift(x, bits):
    return ops.bitwise_xor(x, _shift_right_logical(x, bits))


def step_key(seed):
    """One int32 key per call, from one draw of ``seed``."""
    state = ops.cast(_compat.next_seed_state(seed), "int32")
    key = ops.bitwise_xor(ops.multiply(state[0], _M1), state[1])
    key = ops.multiply(_xor_shift(key, 16), _M1)
    key = ops.multiply(_xor_shift(key, 15), _M2)
    return _xor_shift(key, 16)


def num_elements(shape, limit=_MAX_ELEMENTS):
    """The product of ``shape`` (a scalar tensor if a dimension is one),
    checked against ``limit`` where it is known."""
    n = 1
    for dim in shape:
        n = n * dim
    if isinstance(n, int) and n > limit:
        raise ValueError(
            f"A random draw of shape {tuple(shape)} has {n} elements; the "
            f"counter-based hash supports at most {limit} per call."
        )
    return n


def mix(counter, key):
    """The word ``M2 · xs15(M1 · (counter XOR key))`` of each counter."""
    g = ops.multiply(ops.bitwise_xor(counter, key), _M1)
    return ops.multiply(_xor_shift(g, 15), _M2)


def random_words(shape, seed):
    """Int32 tensor of ``shape`` whose high bits are uniform and independent.

    ``shape`` may hold scalar tensors (unknown dimensions under ``tf.function``).
    """
    counter = ops.arange(num_elements(shape), dtype="int32")
    return ops.reshape(mix(counter, step_key(seed)), shape)


def keep_threshold(rate):
    """The signed threshold T with ``P(word >= T) = 1 - rate`` for uniform words."""
    return min(int(round(rate * 2.0**32)) - (1 << 31), (1 << 31) - 1)


def bernoulli_keep(shape, rate, seed):
    """Boolean mask of ``shape``: True with probability ``1 - rate``."""
    return ops.greater_equal(random_words(shape, seed), keep_threshold(rate))
