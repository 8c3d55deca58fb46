"""Seeds: per-replica seeds under tf.distribute and torch.distributed, a
compile-friendly draw, and Keras's rules for int and ``None`` seeds."""

import keras
from keras.src.random import seed_generator


def per_replica_seed(generator):
    """The seed a random layer should draw from: ``generator`` itself, or a
    view of it that folds in the replica id inside a ``tf.distribute``
    replica context with several replicas, or the process rank in a
    ``torch.distributed`` group of several processes.

    Every replica of a MirroredStrategy reads the same SeedGenerator state, so
    without this all replicas would draw the same mask (measured: identical
    masks on both replicas of a 2-CPU MirroredStrategy, for Keras's own
    Dropout too). Under torch DistributedDataParallel every process runs the
    same code with the same seeds, and DDP's initial broadcast copies rank 0's
    seed-generator states (they are module parameters) to every rank, so a
    per-process seed set by the user is overwritten (measured: a Dropout
    seeded with 1 + rank drew the same mask on both ranks of a gloo group):
    the rank must enter when the mask is drawn. The generator states stay
    identical on every process (one crash-recovery backup fits all of them)
    and rank 0 draws what a single process draws. JAX's
    ``keras.distribution`` jit-compiles one global program over the global
    batch and needs nothing.
    """
    backend = keras.backend.backend()
    if backend == "torch":
        from keras_reg._compat import distributed

        rank = distributed.torch_rank()
        return generator if rank is None else _ReplicaFoldedSeed(generator, rank)
    if backend != "tensorflow":
        return generator
    import tensorflow as tf

    context = tf.distribute.get_replica_context()
    if context is None or context.num_replicas_in_sync == 1:
        return generator
    return _ReplicaFoldedSeed(generator, context.replica_id_in_sync_group)


class _ReplicaFoldedSeed(keras.random.SeedGenerator):
    """A view of a SeedGenerator with the replica id (or process rank)
    folded into its key.

    A subclass so that ``keras.random`` accepts it as a seed; the base
    ``__init__`` is not called, so no second state variable is created.
    """

    def __init__(self, base, replica_id):
        self._base = base
        self._replica_id = replica_id

    def next(self, ordered=True):
        seed = self._base.next(ordered=ordered)
        # A large odd multiplier moves each replica's key far from the
        # others'; the second word stays the step counter.
        offset = keras.ops.cast(self._replica_id, seed.dtype) * 1_000_003
        return seed + keras.ops.stack([offset, keras.ops.zeros_like(offset)])


def next_seed_state(seed):
    """The ``[key, counter]`` state for one draw from ``seed``, advancing it.

    ``seed`` follows ``keras.random``'s rules: an int gives the fixed state
    ``[seed, 0]`` (the first draw of ``SeedGenerator(seed)``), ``None`` draws
    from Keras's global generator (refused, with Keras's message, inside a
    JAX trace), and a ``SeedGenerator`` gives its state, then advances it.
    A generator is first folded per replica (``per_replica_seed``).

    Keras's ``SeedGenerator.next`` builds its increment with ``np.array``,
    which torch.compile cannot trace: each dropout layer then splits the
    compiled graph in two (measured: a 3.2 M-element Dropout forward took
    78 ms instead of 7 ms under torch.compile). For a plain generator the same
    update is written here with tensor ops; other generators (e.g. the
    replica-folded view above) keep their own ``next``.
    """
    if not isinstance(seed, keras.random.SeedGenerator):
        return seed_generator.draw_seed(seed)
    seed = per_replica_seed(seed)
    if type(seed) is not keras.random.SeedGenerator:
        return seed.next()
    # `* 1` copies: torch's assign writes in place into the same storage.
    state = seed.state.value * 1
    step = keras.ops.cast(keras.ops.arange(2) == 1, state.dtype)  # [0, 1]
    seed.state.assign(state + step)
    return state


def seed_for_keras_random(seed):
    """``seed`` as passed to a ``keras.random`` function: a generator folded
    per replica (``per_replica_seed``), an int or ``None`` as it is."""
    if isinstance(seed, keras.random.SeedGenerator):
        return per_replica_seed(seed)
    return seed


def fold_seed(seed, index, axis=1):
    """The seed of draw ``index`` from an explicit ``seed``, so that the draws
    of one ``get_random_transformation(..., seed=seed)`` are independent
    (one stateless seed reused for every draw gives correlated draws: the
    same bits for the same positions). ``index`` 0 and generators (whose
    state advances by itself) are returned as they are; an int moves by
    ``index`` (``axis=1``) or ``index · 1 000 003`` (``axis=0``); a seed
    tensor ``[a, b]`` moves along ``axis``; a JAX typed key is folded with
    ``jax.random.fold_in``."""
    if index == 0 or seed is None or isinstance(seed, keras.random.SeedGenerator):
        return seed
    if isinstance(seed, int):
        return (seed + index * (1 if axis == 1 else 1_000_003)) % (2**31 - 1)
    if keras.backend.backend() == "jax":
        import jax

        if jax.dtypes.issubdtype(getattr(seed, "dtype", None), jax.dtypes.prng_key):
            return jax.random.fold_in(seed, index * (1 if axis == 1 else 1_000_003))
    step = [0, index] if axis == 1 else [index, 0]
    return seed + keras.ops.cast(step, seed.dtype)


def gamma_compiles():
    """Whether Gamma (and so Beta and Dirichlet) draws compile under the
    backend's XLA. TensorFlow's ``StatelessRandomGammaV3`` has no XLA
    kernel, so a model holding a layer that draws them must not be
    jit-compiled there (Keras then trains it without XLA); JAX's gamma
    compiles, and torch has no XLA."""
    return keras.backend.backend() != "tensorflow"
