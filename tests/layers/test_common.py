"""Properties every dropout-family layer shares, checked for each layer."""

import keras
import numpy as np
import pytest
from keras.src import testing

from keras_reg import layers
from tests.helpers import to_numpy

# (class, constructor kwargs, input shape)
CASES = [
    (layers.Dropout, {"rate": 0.4}, (4, 6, 5)),
    (layers.SpatialDropout1D, {"rate": 0.4}, (4, 6, 5)),
    (layers.SpatialDropout2D, {"rate": 0.4}, (4, 6, 5, 3)),
    (layers.SpatialDropout3D, {"rate": 0.4}, (4, 3, 6, 5, 3)),
    (layers.AlphaDropout, {"rate": 0.4}, (4, 6, 5)),
    (layers.GaussianDropout, {"rate": 0.4}, (4, 6, 5)),
    (layers.DropBlock2D, {"rate": 0.4, "block_size": 3}, (4, 6, 5, 3)),
    (layers.DropPath, {"rate": 0.4}, (4, 6, 5)),
]
IDS = [c[0].__name__ for c in CASES]


def _input(shape, dtype="float32", seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype(dtype)


@pytest.mark.parametrize("cls,kwargs,shape", CASES, ids=IDS)
def test_identity_at_inference(cls, kwargs, shape):
    x = _input(shape)
    layer = cls(**kwargs, seed=1)
    np.testing.assert_array_equal(to_numpy(layer(x)), x)
    np.testing.assert_array_equal(to_numpy(layer(x, training=False)), x)


@pytest.mark.parametrize("cls,kwargs,shape", CASES, ids=IDS)
def test_same_seed_same_masks_and_new_mask_each_step(cls, kwargs, shape):
    # A batch of 64 so that per-sample masks (DropPath) cannot coincide by chance.
    x = _input((64, *shape[1:])) + 3.0  # away from 0 so every drop is visible
    a, b = cls(**kwargs, seed=11), cls(**kwargs, seed=11)
    a1, a2 = to_numpy(a(x, training=True)), to_numpy(a(x, training=True))
    b1 = to_numpy(b(x, training=True))
    np.testing.assert_array_equal(a1, b1)
    assert not np.array_equal(a1, a2), "the mask must change between steps"
    c1 = to_numpy(cls(**kwargs, seed=12)(x, training=True))
    assert not np.array_equal(a1, c1), "different seeds must give different masks"


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("cls,kwargs,shape", CASES, ids=IDS)
def test_input_dtype_is_kept(cls, kwargs, shape, dtype):
    x = keras.ops.cast(_input(shape), dtype)
    y = cls(**kwargs, seed=2)(x, training=True)
    assert keras.backend.standardize_dtype(y.dtype) == dtype
    assert np.all(np.isfinite(to_numpy(keras.ops.cast(y, "float32"))))


@pytest.mark.parametrize("cls,kwargs,shape", CASES, ids=IDS)
def test_keras_layer_harness(cls, kwargs, shape):
    # Keras's own layer test, with what its tests of Dropout & co. ask:
    # config round trip, build, symbolic and eager calls in training mode,
    # built at instantiation (and not when a subclass overrides `build`), a
    # compiled training step, mixed precision, the seed generator count and
    # (torch) the torch parameters. (Inference: test_identity_at_inference.)
    testing.TestCase().run_layer_test(
        cls,
        init_kwargs={**kwargs, "seed": 3},
        input_shape=shape,
        call_kwargs={"training": True},
        expected_output_shape=shape,
        expected_num_trainable_weights=0,
        expected_num_non_trainable_weights=0,
        expected_num_seed_generators=1,
        expected_num_losses=0,
        supports_masking=True,
        assert_built_after_instantiation=True,
    )


@pytest.mark.parametrize("cls,kwargs,shape", CASES, ids=IDS)
def test_built_at_creation_unless_build_is_overridden(cls, kwargs, shape):
    # Built at instantiation, so stateless_call (what jax.jit training uses)
    # works before the layer has seen data, and matches a stateful call.
    x = _input(shape) + 3.0
    layer = cls(**kwargs, seed=4)
    assert layer.built
    state = [v.value for v in layer.non_trainable_variables]
    y, new_state = layer.stateless_call([], state, x, training=True)
    np.testing.assert_array_equal(
        to_numpy(y), to_numpy(cls(**kwargs, seed=4)(x, training=True))
    )
    assert not np.array_equal(to_numpy(new_state[0]), to_numpy(state[0]))

    # A subclass with its own `build` is built by it, at the first call.
    class WithBuild(cls):
        def build(self, input_shape):
            self.seen_shape = tuple(input_shape)

    layer = WithBuild(**kwargs)
    assert not layer.built
    layer(x)
    assert layer.built and layer.seen_shape == shape


@pytest.mark.parametrize("cls,kwargs,shape", CASES, ids=IDS)
def test_config_round_trip_and_registration(cls, kwargs, shape):
    layer = cls(**kwargs, seed=5, name="reg")
    config = keras.saving.serialize_keras_object(layer)
    assert config["registered_name"] == f"keras_reg>{cls.__name__}"
    clone = keras.saving.deserialize_keras_object(config)
    assert type(clone) is cls
    assert clone.get_config() == layer.get_config()
    x = _input(shape) + 2.0
    np.testing.assert_array_equal(
        to_numpy(layer(x, training=True)), to_numpy(clone(x, training=True))
    )
