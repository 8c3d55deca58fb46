"""The random source each execution mode uses (keras_reg.ops._random_source)
and the detection of the mode (keras_reg._compat.execution)."""

import keras
import numpy as np
import pytest

from keras_reg import layers, ops
from keras_reg._compat import execution
from keras_reg.ops import _random_source
from tests._tensorflow import tf
from tests.helpers import to_numpy

COMPILED_MODE = {"tensorflow": execution.XLA, "jax": execution.JIT, "torch": execution.COMPILE}


class ModeProbe(keras.layers.Layer):
    """Records the execution mode of each call and the sources chosen."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seen = []

    def call(self, x):
        self.seen.append(
            (
                execution.execution_mode(x),
                _random_source.keep_source(x, tuple(x.shape)),
                _random_source.normal_source(x),
            )
        )
        return x


def _predict_seen(jit_compile):
    probe = ModeProbe()
    model = keras.Sequential([keras.Input((4,)), probe])
    model.compile(jit_compile=jit_compile)
    model.predict(np.ones((2, 4), "float32"), verbose=0)
    return probe.seen[-1]


def test_each_mode_is_detected_and_picks_its_sources():
    hash_, native = _random_source.HASH, _random_source.NATIVE
    probe = ModeProbe()
    probe(np.ones((2, 4), "float32"))
    assert probe.seen == [(execution.EAGER, native, native)]
    # jit_compile=True: XLA on TensorFlow, jax.jit, torch.compile.
    mode = COMPILED_MODE[keras.backend.backend()]
    normal = _random_source.BOX_MULLER if mode == execution.COMPILE else _random_source.TABLE
    assert _predict_seen(True) == (mode, hash_, normal)
    if keras.backend.backend() == "tensorflow":
        assert _predict_seen(False) == (execution.GRAPH, hash_, native)


def test_eager_keep_masks_switch_to_the_hash_at_the_threshold(monkeypatch):
    # A CPU tensor, whatever the default device (the GPU check runs this too).
    x = keras.ops.zeros((1,))
    monkeypatch.setattr(execution, "on_accelerator", lambda tensor: False)
    large = _random_source.EAGER_HASH_MIN_ELEMENTS
    small = large - 1
    assert _random_source.keep_source(x, (small,)) == _random_source.NATIVE
    assert _random_source.keep_source(x, (2, large // 2)) == _random_source.HASH
    # The mask's size counts, not the input's: a spatial mask is small.
    layer = layers.SpatialDropout2D(0.5, seed=1)
    y = np.ones((4, 256, 256, 8), "float32")  # 2**21 elements, a 4 x 8 mask
    with _random_source.forced_sources(keep=_random_source.NATIVE):
        expected = to_numpy(layers.SpatialDropout2D(0.5, seed=1)(y, training=True))
    np.testing.assert_array_equal(to_numpy(layer(y, training=True)), expected)


def test_eager_keep_masks_on_an_accelerator_are_native_at_every_size(monkeypatch):
    x = keras.ops.zeros((1,))
    large = _random_source.EAGER_HASH_MIN_ELEMENTS
    monkeypatch.setattr(execution, "on_accelerator", lambda tensor: True)
    assert _random_source.keep_source(x, (4, large)) == _random_source.NATIVE
    # A compiler still gets the hash (it fuses there, on any device).
    assert _predict_seen(True)[1] == _random_source.HASH


# Each backend's own way to say "this tensor is on a GPU".
ON_GPU = {
    "torch": lambda x: x.is_cuda,
    "jax": lambda x: next(iter(x.devices())).platform == "gpu",
    "tensorflow": lambda x: "GPU" in x.device,
}


def test_the_device_is_read_from_the_tensor():
    assert execution.on_accelerator(np.zeros((2,), "float32")) is False
    x = keras.ops.zeros((2,))
    assert execution.on_accelerator(x) is ON_GPU[keras.backend.backend()](x)


def test_forced_sources_are_restored_and_checked():
    x = keras.ops.zeros((4,))
    with _random_source.forced_sources(keep=_random_source.HASH, normal=_random_source.TABLE):
        assert _random_source.keep_source(x, (4,)) == _random_source.HASH
        assert _random_source.normal_source(x) == _random_source.TABLE
    assert _random_source.keep_source(x, (4,)) == _random_source.NATIVE
    assert _random_source.normal_source(x) == _random_source.NATIVE
    with pytest.raises(ValueError, match="keep='philox'"):
        with _random_source.forced_sources(keep="philox"):
            pass


def test_sources_give_different_masks_for_the_same_seed():
    # What the docs warn about: a seed reproduces masks within a mode; the
    # sources draw different ones (so a run resumed in another mode
    # continues with other masks).
    x = np.ones((64, 64), "float32")
    masks = {}
    for source in _random_source.KEEP_SOURCES:
        with _random_source.forced_sources(keep=source):
            masks[source] = to_numpy(layers.Dropout(0.5, seed=1)(x, training=True))
            again = to_numpy(layers.Dropout(0.5, seed=1)(x, training=True))
        np.testing.assert_array_equal(masks[source], again)
    assert not np.array_equal(*masks.values())


class SeededDraws(keras.layers.Layer):
    """A keep mask and normal noise from one seeded generator, every call."""

    def __init__(self, seed, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, x):
        seed = self.seed_generator
        return [ops.dropout(x, 0.5, seed=seed), ops.gaussian_dropout(x, 0.5, seed=seed)]


@pytest.mark.parametrize("jit_compile", [False, True])
def test_a_seed_replays_its_draws_in_each_mode(jit_compile):
    # The same seed state, run in the same mode (False: TF graph, JAX jit,
    # torch eager; True: XLA, jax.jit, torch.compile), draws the same masks
    # and noise on both of two consecutive steps; another seed draws others.
    # One model (one compilation), its generator's state set to each seed's.
    x = np.ones((8, 32), "float32")
    inputs = keras.Input((32,), batch_size=8)
    draws = SeededDraws(4)
    model = keras.Model(inputs, draws(inputs))
    model.compile(jit_compile=jit_compile)

    def two_steps(seed):
        draws.seed_generator.state.assign(keras.random.SeedGenerator(seed).state.value)
        return [to_numpy(y) for _ in range(2) for y in model.predict(x, batch_size=8, verbose=0)]

    first, again, other = two_steps(4), two_steps(4), two_steps(5)
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], first[2])  # the stream advances
    assert not any(np.array_equal(a, b) for a, b in zip(first, other))


@pytest.mark.parametrize("layer_class", [
    layers.Dropout,
    layers.AlphaDropout,
    lambda rate, seed: layers.DropBlock2D(rate, block_size=3, seed=seed),  # sliced seed map
], ids=["Dropout", "AlphaDropout", "DropBlock2D"])
def test_eager_hashed_masks_in_slices_equal_the_whole_mask(monkeypatch, layer_class):
    # Small limits so that a 3 x 7 x 11 input (231 elements; DropBlock2D's
    # seed map: 3 x 5 x 9 = 135) is cut in 4 (3) slices, the last one short:
    # the words must follow the flat index.
    monkeypatch.setattr(_random_source, "EAGER_HASH_MIN_ELEMENTS", 16)
    monkeypatch.setattr(execution, "on_accelerator", lambda tensor: False)
    x = np.random.default_rng(0).normal(size=(3, 7, 11, 1)).astype("float32")
    outputs = {}
    for chunk in (64, 1 << 30):
        monkeypatch.setattr(_random_source, "EAGER_CHUNK_ELEMENTS", chunk)
        layer = layer_class(0.3, seed=5)
        outputs[chunk] = [to_numpy(layer(x, training=True)) for _ in range(2)]
        if keras.backend.backend() == "tensorflow":  # a tf.function graph slices too
            graph_layer = layer_class(0.3, seed=5)
            call = tf.function(lambda v, layer=graph_layer: layer(v, training=True))
            outputs[chunk, "graph"] = [to_numpy(call(x)) for _ in range(2)]
    for sliced, whole in zip(outputs[64], outputs[1 << 30]):
        np.testing.assert_array_equal(sliced, whole)
    if keras.backend.backend() == "tensorflow":
        for sliced, whole in zip(outputs[64, "graph"], outputs[1 << 30, "graph"]):
            np.testing.assert_array_equal(sliced, whole)
    assert not np.array_equal(outputs[64][0], outputs[64][1])  # one seed draw per call
    # The whole mask is the hash's (not the generator's): the slices reproduce it.
    with _random_source.forced_sources(keep=_random_source.HASH):
        monkeypatch.setattr(_random_source, "EAGER_CHUNK_ELEMENTS", 1 << 30)
        reference = to_numpy(layer_class(0.3, seed=5)(x, training=True))
    np.testing.assert_array_equal(outputs[64][0], reference)


class _Training(keras.layers.Layer):
    """Calls ``inner`` with ``training=True`` (inside ``predict``)."""

    def __init__(self, inner, **kwargs):
        super().__init__(**kwargs)
        self.inner = inner

    def call(self, x):
        return self.inner(x, training=True)


BROADCAST_MASKS = {
    "spatial": lambda: layers.SpatialDropout2D(0.3, seed=2),
    "alpha_noise_shape": lambda: layers.AlphaDropout(0.3, noise_shape=(None, 1, 1, 4), seed=2),
}


def test_broadcast_masks_under_the_compiler_equal_the_eager_hash(monkeypatch):
    # The mask's factor is computed once under torch.compile (an opaque copy,
    # `execution.computed_once`) and passed through elsewhere: same numbers.
    # One model holds both layers (DropPath's mask takes Spatial's path): one
    # compilation, ~35 s on torch.
    monkeypatch.setattr(_random_source, "COMPUTE_ONCE_MIN_ELEMENTS", 16)  # this input too
    x = np.random.default_rng(1).normal(size=(8, 5, 5, 4)).astype("float32")
    inputs = keras.Input((5, 5, 4))
    model = keras.Model(inputs, [_Training(make())(inputs) for make in BROADCAST_MASKS.values()])
    model.compile(jit_compile=True)
    compiled = model.predict(x, batch_size=8, verbose=0)
    for name, make, got in zip(BROADCAST_MASKS, BROADCAST_MASKS.values(), compiled):
        with _random_source.forced_sources(keep=_random_source.HASH):
            eager = to_numpy(make()(x, training=True))
        np.testing.assert_allclose(got, eager, rtol=1e-6, atol=1e-6, err_msg=name)
        assert not np.allclose(got, x), name


def test_only_large_broadcast_factors_are_computed_once(monkeypatch):
    calls = []
    monkeypatch.setattr(execution, "computed_once", lambda t: calls.append(t.shape) or t)
    limit = _random_source.COMPUTE_ONCE_MIN_ELEMENTS
    small = keras.ops.ones((2, 1, 3))
    _random_source.broadcast_factor(small, keras.ops.ones((2, 4, 3)))  # small input
    _random_source.broadcast_factor(keras.ops.ones((2, 4)), keras.ops.ones((2, 4)))  # full size
    assert calls == []
    big = keras.ops.ones((2, limit // 6 + 1, 3))
    assert _random_source.broadcast_factor(small, big) is small
    assert [tuple(shape) for shape in calls] == [(2, 1, 3)]


def test_computed_once_passes_values_and_gradients_even_in_a_full_graph():
    x = keras.ops.convert_to_tensor(np.arange(4.0, dtype="float32"))
    assert execution.computed_once(x) is x  # eager (every backend): unchanged
    if keras.backend.backend() == "torch":  # the one backend where it is an op
        import torch

        t = torch.arange(4.0, requires_grad=True)
        f = torch.compile(lambda v: (execution.computed_once(v) * 3).sum(), fullgraph=True)
        loss = f(t)
        loss.backward()
        assert float(loss) == 18.0
        np.testing.assert_array_equal(t.grad.numpy(), [3.0, 3.0, 3.0, 3.0])
