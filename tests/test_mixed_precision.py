"""Mixed precision: layers keep the compute dtype, the optimizer wrapper
composes with LossScaleOptimizer, penalties are accumulated in float32."""

import keras
import numpy as np
import pytest

from keras_reg import layers, regularizers
from keras_reg.layers._base import DropoutBase
from tests.distribution._models import every_part_model
from tests.helpers import to_numpy

# Run on all three backends with the newest Keras; left out of the oldest-Keras run.
pytestmark = pytest.mark.slow


@pytest.mark.parametrize("policy", ["mixed_float16", "mixed_bfloat16"])
def test_every_part_under_a_mixed_policy(policy):
    keras.config.set_dtype_policy(policy)
    compute = keras.config.dtype_policy().compute_dtype
    model, optimizer = every_part_model(seed=0)
    for layer in model.layers:
        if isinstance(layer, DropoutBase):
            assert keras.backend.standardize_dtype(layer.output.dtype) == compute, layer.name
    x = np.random.default_rng(0).normal(size=(32, 8, 8, 3)).astype("float32")
    y = np.random.default_rng(1).integers(0, 3, 32)
    model.compile(optimizer, keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    if policy == "mixed_float16":
        assert isinstance(model.optimizer, keras.optimizers.LossScaleOptimizer)
    history = model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
    # Eager training-mode outputs keep the compute dtype too.
    hidden = keras.Sequential(model.layers[:-1])
    out = hidden(x[:4], training=True)
    assert keras.backend.standardize_dtype(out.dtype) == compute
    assert all(v.dtype == "float32" for v in model.trainable_variables)


@pytest.mark.parametrize(
    "make", [lambda: regularizers.L2(1.0), lambda: regularizers.L1L2(0.0, 1.0)]
)
def test_penalty_accumulates_in_float32(make):
    # 300**2 * 100 overflows float16 (max 65504); the float32 sum does not.
    w = keras.ops.cast(np.full((10, 10), 300.0), "float16")
    penalty = make()(w)
    assert keras.backend.standardize_dtype(penalty.dtype) == "float32"
    np.testing.assert_allclose(to_numpy(penalty), 0.5 * 100 * 300.0**2, rtol=1e-6)


def test_orthogonal_penalty_dtype():
    w = keras.ops.cast(np.eye(4), "bfloat16")
    penalty = regularizers.Orthogonal(1.0)(w)
    assert keras.backend.standardize_dtype(penalty.dtype) == "float32"
    assert float(to_numpy(penalty)) == 0.0


def test_dropout_layer_follows_float16_inputs_under_float32_policy():
    x = keras.ops.cast(np.ones((2, 3)), "float16")
    y = layers.Dropout(0.5, seed=0)(x, training=True)
    assert keras.backend.standardize_dtype(y.dtype) == "float16"
