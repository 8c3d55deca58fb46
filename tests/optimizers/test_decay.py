"""The two pure functions of decoupled weight decay, each alone: the shrink of
one step (``weight_decay_factor``) and the variables it applies to
(``weight_decay_mask``)."""

import types

import keras
import pytest

from keras_reg.optimizers import weight_decay_factor, weight_decay_mask
from tests.helpers import to_numpy

# -- weight_decay_factor: c_t of w ← w − c_t·w ------------------------------------


def factor(*args, **kwargs):
    return float(to_numpy(weight_decay_factor(*args, **kwargs)))


@pytest.mark.parametrize(
    "mode,expected",
    [("lr", 0.02 * 0.5), ("schedule", 0.02 / 0.08 * 0.5), ("constant", 0.5)],
)
def test_factor_of_each_mode(mode, expected):
    # lr_t = 0.02, lr_0 = 0.08, λ = 0.5: the three conventions, in closed form.
    c = factor(mode, 0.5, learning_rate=0.02, step=7, base_learning_rate=0.08)
    assert c == pytest.approx(expected, rel=1e-6)


def test_factor_evaluates_a_schedule_at_the_step():
    lam = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5)
    for step in range(4):
        assert factor("constant", lam, None, step) == pytest.approx(0.1 * 0.5**step, rel=1e-6)
        assert factor("lr", lam, 0.2, step) == pytest.approx(0.2 * 0.1 * 0.5**step, rel=1e-6)


def test_factor_takes_tensors_and_returns_float32():
    c = weight_decay_factor("lr", 0.25, keras.ops.convert_to_tensor(0.5, "float32"),
                            keras.ops.convert_to_tensor(3, "int32"))
    assert keras.backend.standardize_dtype(c.dtype) == "float32"
    assert float(to_numpy(c)) == 0.125


def test_factor_refuses_an_unknown_mode():
    with pytest.raises(ValueError, match="decay_mode"):
        weight_decay_factor("l2", 0.1, 0.1, 0)


# -- weight_decay_mask: which variables decay --------------------------------------


def fake(path, shape):
    """A stand-in with what the mask reads: a path, a name and a shape."""
    return types.SimpleNamespace(path=path, name=path.split("/")[-1], shape=shape)


KERNEL_A = fake("block_1/dense/kernel", (4, 3))
BIAS_A = fake("block_1/dense/bias", (3,))
KERNEL_B = fake("block_2/dense/kernel", (3, 3))
GAMMA = fake("block_2/norm/gamma", (3,))
EMBEDDING = fake("embed/embeddings", (10, 4))
SCALAR = fake("temperature", ())
ALL = [KERNEL_A, BIAS_A, KERNEL_B, GAMMA, EMBEDDING, SCALAR]


def decayed(**rules):
    return [v.path for v, d in zip(ALL, weight_decay_mask(ALL, **rules)) if d]


def test_mask_default_excludes_rank_at_most_one():
    assert decayed() == [KERNEL_A.path, KERNEL_B.path, EMBEDDING.path]
    assert decayed(exclude_bias_and_norm=False) == [v.path for v in ALL]


def test_mask_exclude_searches_the_path():
    # "block_2/dense" is one layer; the leaf name "kernel" is shared.
    assert decayed(exclude=["block_2/dense"]) == [KERNEL_A.path, EMBEDDING.path]
    assert decayed(exclude=["^embed"], exclude_bias_and_norm=False) == [
        v.path for v in ALL if v is not EMBEDDING
    ]


def test_mask_var_names_search_the_name_only():
    # Keras's rule: "block_1" is in a path but in no name, so nothing goes.
    assert decayed(var_names=["block_1"]) == decayed()
    assert decayed(var_names=["kernel"]) == [EMBEDDING.path]
    assert decayed(var_names=["^emb", "^kern"]) == []


def test_mask_var_list_is_by_identity():
    twin = fake(KERNEL_A.path, KERNEL_A.shape)  # same path and name, other object
    assert decayed(var_list=[twin]) == decayed()
    assert decayed(var_list=[KERNEL_A, GAMMA]) == [KERNEL_B.path, EMBEDDING.path]


def test_mask_rules_combine():
    assert decayed(exclude=["block_1"], var_names=["embeddings"], var_list=[KERNEL_B]) == []


def test_mask_reads_keras_and_native_variables():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="head")])
    assert weight_decay_mask(model.trainable_variables) == [True, False]
    assert weight_decay_mask(model.trainable_variables, exclude=["head/kernel"]) == [False, False]
    # A variable without a path (e.g. a tf.Variable) is matched by its name.
    pathless = types.SimpleNamespace(name="kernel:0", shape=(2, 2))
    assert weight_decay_mask([pathless], exclude=["kernel"]) == [False]
