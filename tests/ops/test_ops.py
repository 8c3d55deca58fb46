"""keras_reg.ops: the dropout family as functions.

Their statistics are tested with the layers' (tests/layers, parametrized
``via="function"``); here: equality with the layers, the three kinds of
seed, compiled use in a custom layer, and the argument checks.
"""

import keras
import numpy as np
import pytest

from keras_reg import layers, ops
from keras_reg._compat import execution
from keras_reg.ops import _random_source
from tests.helpers import to_numpy

# (function, its layer, keyword arguments, input shape)
CASES = [
    (ops.dropout, layers.Dropout, {"noise_shape": (None, 1, 5)}, (4, 6, 5)),
    (ops.spatial_dropout, layers.SpatialDropout2D, {"data_format": "channels_first"}, (4, 3, 6, 5)),
    (ops.alpha_dropout, layers.AlphaDropout, {}, (4, 6, 5)),
    (ops.gaussian_dropout, layers.GaussianDropout, {}, (4, 6, 5)),
    (ops.drop_path, layers.DropPath, {}, (16, 6, 5)),
    (ops.drop_block_2d, layers.DropBlock2D, {"block_size": 3}, (4, 6, 5, 3)),
]
IDS = [c[0].__name__ for c in CASES]


def _input(shape):
    return np.random.default_rng(0).normal(size=shape).astype("float32") + 3.0


@pytest.mark.parametrize("function,layer_cls,kwargs,shape", CASES, ids=IDS)
def test_function_equals_layer_for_the_same_seed_state(function, layer_cls, kwargs, shape):
    x = _input(shape)
    layer = layer_cls(0.4, seed=5, **kwargs)
    generator = keras.random.SeedGenerator(5)
    for _ in range(2):  # the first draw and the next
        expected = to_numpy(layer(x, training=True))
        y = function(x, 0.4, seed=generator, **kwargs)
        np.testing.assert_array_equal(to_numpy(y), expected)
    # An int seed is the generator's first state: the layer's first draw.
    first = to_numpy(layer_cls(0.4, seed=5, **kwargs)(x, training=True))
    np.testing.assert_array_equal(to_numpy(function(x, 0.4, seed=5, **kwargs)), first)


@pytest.mark.parametrize("function,layer_cls,kwargs,shape", CASES, ids=IDS)
def test_seeds_rate_zero_and_dtypes(function, layer_cls, kwargs, shape):
    x = keras.ops.convert_to_tensor(_input(shape))
    # An int seed gives the same result on every call ...
    a, b = function(x, 0.4, seed=7, **kwargs), function(x, 0.4, seed=7, **kwargs)
    np.testing.assert_array_equal(to_numpy(a), to_numpy(b))
    # ... a generator a new one, advancing by one draw per call ...
    generator = keras.random.SeedGenerator(7)
    c = function(x, 0.4, seed=generator, **kwargs)
    d = function(x, 0.4, seed=generator, **kwargs)
    assert not np.array_equal(to_numpy(c), to_numpy(d))
    np.testing.assert_array_equal(to_numpy(generator.state), [7, 2])
    # ... and None draws from Keras's global generator (seeded from Python's
    # `random`, made deterministic here): new every call.
    keras.utils.set_random_seed(1)
    e, f = function(x, 0.4, **kwargs), function(x, 0.4, **kwargs)
    assert not np.array_equal(to_numpy(e), to_numpy(f))
    # rate=0 returns the input itself and draws nothing.
    assert function(x, 0.0, seed=generator, **kwargs) is x
    np.testing.assert_array_equal(to_numpy(generator.state), [7, 2])
    for dtype in ("float16", "bfloat16"):
        y = function(keras.ops.cast(x, dtype), 0.4, seed=1, **kwargs)
        assert keras.backend.standardize_dtype(y.dtype) == dtype


def test_nested_list_input_is_converted():
    y = ops.dropout([[1.0, 2.0, 3.0]], 0.5, seed=1)
    assert tuple(y.shape) == (1, 3)


class AllFunctions(keras.layers.Layer):
    """A custom layer that calls every function with its own generator and
    records the execution mode of each call."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(3)
        self.modes = []

    def call(self, x):
        self.modes.append(execution.execution_mode(x))
        seed = self.seed_generator
        images = keras.ops.reshape(x, (-1, 6, 5, 4))
        return [
            ops.dropout(x, 0.4, seed=seed),
            ops.spatial_dropout(x, 0.4, seed=seed),
            ops.alpha_dropout(x, 0.4, seed=seed),
            ops.drop_path(x, 0.4, seed=seed),
            ops.drop_block_2d(images, 0.4, block_size=3, seed=seed),
            ops.gaussian_dropout(x, 0.4, seed=seed),
        ]


# The sources each mode uses for tensors this small (1920 elements; the eager
# threshold is 2**20 mask elements): docs/dropout.md, "Random sources".
SOURCES_BY_MODE = {
    execution.EAGER: (_random_source.NATIVE, _random_source.NATIVE),
    execution.GRAPH: (_random_source.HASH, _random_source.NATIVE),
    execution.XLA: (_random_source.HASH, _random_source.TABLE),
    execution.JIT: (_random_source.HASH, _random_source.TABLE),
    execution.COMPILE: (_random_source.HASH, _random_source.BOX_MULLER),
}


def test_usable_in_a_custom_layer_in_a_compiled_step():
    # A compiled predict_step (jax.jit runs the layer through stateless_call)
    # gives what eager calls give from the same generator state with the
    # sources of the compiled mode: the same masks and noise, up to float
    # rounding (the compilers fuse the scaling; cos and log differ in the
    # last bits).
    x = _input((16, 6, 20))
    inputs = keras.Input((6, 20), batch_size=16)
    layer = AllFunctions()
    model = keras.Model(inputs, layer(inputs))
    # "auto": XLA on TensorFlow, jax.jit on JAX, eager on torch (where
    # tests/layers/test_model.py fits every layer, hence every function,
    # under torch.compile).
    model.compile(jit_compile="auto")
    compiled = model.predict(x, batch_size=16, verbose=0)
    keep, normal = SOURCES_BY_MODE[layer.modes[-1]]
    with _random_source.forced_sources(keep=keep, normal=normal):
        eager = AllFunctions()(x)
    for c, e in zip(compiled, eager):
        np.testing.assert_allclose(to_numpy(c), to_numpy(e), rtol=1e-5, atol=1e-5)
