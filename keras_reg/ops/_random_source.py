"""Where the dropout family's random numbers come from, per execution mode.

Two kinds of draws, each from one of several sources written once in
``keras.ops``/``keras.random``:

- keep masks (Bernoulli): ``HASH``, the counter hash of ``_hash_random``, or
  ``NATIVE``, ``keras.random.uniform`` (the backend's own generator);
- standard normals: ``NATIVE`` (``keras.random.normal``), or the hashed
  ``TABLE`` and ``BOX_MULLER`` of ``_hash_normal``.

Which one runs depends on how the call is executed
(``keras_reg._compat.execution``), because none is fastest everywhere
(``benchmarks/RESULTS.md``):

=========  ==========================================  ================
mode       keep mask                                   normal
=========  ==========================================  ================
eager      native below ``EAGER_HASH_MIN_ELEMENTS``    native
           (2**20) mask elements, hash from there on;
           native at every size on a GPU/TPU
graph      hash                                        native
xla, jit   hash                                        table
compile    hash                                        Box-Muller
=========  ==========================================  ================

In eager mode every op is dispatched from Python: the hash is ~25 of them, a
fixed cost that small masks do not repay, while the backends' generators are
one fast call. Under a compiler the hash fuses into the pass over the tensor,
and the generators do not. The size threshold uses the static number of mask
elements, which eager tensors always have. On an accelerator, eager ops are
kernel launches, each a full pass over memory, and the generator is one fused
kernel: there the native source runs at every size (measured on an H200,
torch eager, 51 M elements: the hash took 2.3 ms where Keras's mask took
1.0 ms; RESULTS.md, "GPU").

A draw is reproducible for a given seed state, backend and mode; the sources
give different numbers, so the same seed gives other masks in another mode
(or, in eager mode, on the other side of the size threshold). Every source
advances a ``SeedGenerator`` by the same one step per call, so a model saved
in one mode and resumed in another continues its seed stream, with that
mode's masks.

``forced_sources`` overrides the choice (the tests run every statistical
check on every source this way).
"""

import contextlib

import keras
from keras import ops

from keras_reg._compat import execution
from keras_reg._compat import random as _compat_random
from keras_reg.ops import _hash_normal, _hash_random

HASH = "hash"
NATIVE = "native"
TABLE = "table"
BOX_MULLER = "box_muller"
KEEP_SOURCES = (HASH, NATIVE)
NORMAL_SOURCES = (NATIVE, TABLE, BOX_MULLER)

# Crossover of the eager modes (RESULTS.md, "Random sources"): below it a
# keras.random.uniform mask is faster than the hash's ~25 dispatches and ~8
# passes (JAX eager: from 262K to 1M elements; torch eager, one thread: the
# generator up to 12.8M, but the hash's passes are multi-threaded and torch's
# CPU generator is not, so with more cores the hash wins from a few million).
EAGER_HASH_MIN_ELEMENTS = 1 << 20
# Hashed masks over more elements than this, in the modes that run op by op
# (eager, TensorFlow graph), are drawn one slice of the flattened mask at a
# time and concatenated: each of the hash's ~10 passes then stays in the
# cache instead of going to memory (one thread: torch eager Dropout, 12.8 M
# elements, 351 -> 169 ms forward, backward unchanged; TensorFlow graph, 51 M,
# 447 -> 326 ms; RESULTS.md, "Random sources"). The words are the same: the
# counter is the flat index either way. The mask is applied to the whole
# input at once: slicing the input too made the backward pass sum one
# full-size gradient per slice (13 at 12.8 M: 40 -> 580 ms). Compilers fuse the
# passes and need none of this.
EAGER_CHUNK_ELEMENTS = 1 << 20
COMPUTE_ONCE_MIN_ELEMENTS = 1 << 23  # see broadcast_factor
_NORMAL_BY_MODE = {
    execution.EAGER: NATIVE,
    execution.GRAPH: NATIVE,
    execution.XLA: TABLE,
    execution.JIT: TABLE,
    execution.COMPILE: BOX_MULLER,
}
_forced = {"keep": None, "normal": None}


@contextlib.contextmanager
def forced_sources(keep=None, normal=None):
    """Use these sources (``None``: the mode's choice) inside the block."""
    if keep not in (None, *KEEP_SOURCES) or normal not in (None, *NORMAL_SOURCES):
        raise ValueError(f"Unknown source: keep={keep!r}, normal={normal!r}.")
    saved = dict(_forced)
    _forced.update(keep=keep, normal=normal)
    try:
        yield
    finally:
        _forced.update(saved)


def _static_size(shape):
    size = 1
    for dim in shape:
        if not isinstance(dim, int):
            return None
        size *= dim
    return size


def keep_source(inputs, shape):
    """The source of a keep mask of ``shape`` drawn for ``inputs`` now."""
    if _forced["keep"] is not None:
        return _forced["keep"]
    if execution.execution_mode(inputs) != execution.EAGER:
        return HASH
    if execution.on_accelerator(inputs):
        return NATIVE
    size = _static_size(shape)
    return NATIVE if size is not None and size < EAGER_HASH_MIN_ELEMENTS else HASH


def normal_source(inputs):
    """The source of normal noise drawn for ``inputs`` now."""
    if _forced["normal"] is not None:
        return _forced["normal"]
    return _NORMAL_BY_MODE[execution.execution_mode(inputs)]


def bernoulli_keep(inputs, shape, rate, seed):
    """Boolean mask of ``shape``, True with probability ``1 - rate``, drawn
    for ``inputs`` (whose execution mode picks the source)."""
    if keep_source(inputs, shape) == HASH:
        if _in_slices(inputs, shape):
            return _sliced_keep(shape, rate, seed)
        return _hash_random.bernoulli_keep(shape, rate, seed)
    uniform = keras.random.uniform(
        shape, dtype="float32", seed=_compat_random.seed_for_keras_random(seed)
    )
    return uniform >= rate


def scale_by_normal_noise(inputs, mean, stddev, seed):
    """``inputs · (mean + stddev · z)`` with ``z ~ N(0, 1)`` of the shape of
    ``inputs`` (whose execution mode picks the source), in its dtype."""
    source = normal_source(inputs)
    if source == BOX_MULLER:
        return _hash_normal.scale_by_box_muller(inputs, mean, stddev, seed)
    shape, dtype = ops.shape(inputs), inputs.dtype
    if source == NATIVE:
        seed = _compat_random.seed_for_keras_random(seed)
        noise = keras.random.normal(shape, mean=mean, stddev=stddev, dtype=dtype, seed=seed)
    else:
        z = _hash_normal.table_normal(shape, seed)
        noise = ops.cast(ops.add(ops.multiply(z, stddev), mean), dtype)
    return ops.multiply(inputs, noise)


def resolve_noise_shape(inputs, noise_shape):
    """``noise_shape`` with ``None`` entries replaced by the input's sizes."""
    shape = ops.shape(inputs)
    if noise_shape is None:
        return tuple(shape)
    return tuple(s if n is None else n for n, s in zip(noise_shape, shape))


def broadcast_factor(factor, inputs):
    """``factor``, computed once if it broadcasts against a large ``inputs``
    (``keras_reg._compat.execution.computed_once``, which matters only under
    ``torch.compile``). Materializing costs a fixed ~0.4 ms there (an extra
    kernel and an opaque op); recomputing a small mask's hash per element
    costs ~0.3× a pass over the input. One thread, SpatialDropout1D: at 1 M
    elements inlined 0.81 ms, computed once 1.35; at 4 M 0.46 vs 0.91; at
    12.8 M computed once 44 ms (1.08× a copy) where inlined was 1.3× a copy.
    Hence ``COMPUTE_ONCE_MIN_ELEMENTS``."""
    size = _static_size(inputs.shape)
    if tuple(factor.shape) == tuple(inputs.shape) or size is None or (
        size < COMPUTE_ONCE_MIN_ELEMENTS
    ):
        return factor
    return execution.computed_once(factor)


def _in_slices(inputs, shape):
    """Whether a hashed mask of ``shape`` is drawn slice by slice: a large,
    static mask in a mode that runs op by op (eager, TensorFlow graph)."""
    size = _static_size(shape)
    return (
        size is not None
        and size > EAGER_CHUNK_ELEMENTS
        and execution.execution_mode(inputs) in (execution.EAGER, execution.GRAPH)
    )


def _sliced_keep(shape, rate, seed):
    """The hashed mask of ``shape`` drawn slice by slice of its flattened
    form: one key (one seed draw), the counter the flat index, so the result
    is the unsliced mask bit for bit."""
    size = _hash_random.num_elements(shape)
    key = _hash_random.step_key(seed)
    threshold = _hash_random.keep_threshold(rate)
    pieces = []
    for start in range(0, size, EAGER_CHUNK_ELEMENTS):
        stop = min(size, start + EAGER_CHUNK_ELEMENTS)
        words = _hash_random.mix(ops.arange(start, stop, dtype="int32"), key)
        pieces.append(ops.greater_equal(words, threshold))
    return ops.reshape(ops.concatenate(pieces, axis=0), shape)


def inverted_dropout(inputs, rate, seed, noise_shape=None):
    """``inputs / (1 - rate)`` where kept, 0 where dropped (mask broadcast).

    The factor ``cast(keep) / (1 - rate)`` is formed on the mask's own shape
    and then multiplied in. No ``where``: a broadcasting ``where`` is 2x slower
    on TensorFlow graphs, and a CPU ``torch.where`` over 3.2 M elements costs
    ~12 ms, as much as the whole hash (benchmarks/RESULTS.md). The
    arithmetic is Python operators on the backend tensors, which trace to the
    same ops as ``keras.ops`` but skip its per-call conversions (~10 µs per
    op in torch eager, ~60 µs in JAX eager: most of a small eager call). As in
    ``tf.nn.dropout``, a dropped non-finite input becomes NaN (not 0), so a
    numerical problem is not hidden by the mask.
    """
    keep = bernoulli_keep(inputs, resolve_noise_shape(inputs, noise_shape), rate, seed)
    return inputs * broadcast_factor(ops.cast(keep, inputs.dtype) * (1.0 / (1.0 - rate)), inputs)
