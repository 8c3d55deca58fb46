"""What a Keras user expects of the wrapper beyond the decay itself: Keras's
``exclude_from_weight_decay``, Keras's exception classes, refusals where a
setting would silently do the wrong thing, loss scaling, and files that name
the wrapped optimizer by its public class."""

import keras
import numpy as np
import pytest

from keras_reg import optimizers
from keras_reg.optimizers import DecoupledWeightDecay
from tests.helpers import to_numpy

LR, LAM = 0.1, 0.05


def three_variables():
    rng = np.random.default_rng(5)
    return [
        keras.Variable(rng.normal(size=shape).astype("float32"), name=name)
        for shape, name in [((3, 2), "kernel"), ((2,), "bias"), ((2, 2), "exclude_me")]
    ]


def run(opt, variables, steps=3):
    rng = np.random.default_rng(6)
    for _ in range(steps):
        grads = [rng.normal(size=v.shape).astype("float32") for v in variables]
        opt.apply([keras.ops.convert_to_tensor(g) for g in grads], variables)
    return [to_numpy(v) for v in variables]


# -- exclude_from_weight_decay, as keras.optimizers.AdamW ---------------------------


@pytest.mark.parametrize("by", ["var_names", "var_list"])
def test_exclude_from_weight_decay_matches_keras_adamw(by):
    ours_vars, keras_vars, adam_vars = three_variables(), three_variables(), three_variables()
    ours = optimizers.AdamW(LR, weight_decay=LAM, exclude_bias_and_norm=False)
    theirs = keras.optimizers.AdamW(LR, weight_decay=LAM)
    if by == "var_names":
        ours.exclude_from_weight_decay(var_names=["exclude"])
        theirs.exclude_from_weight_decay(var_names=["exclude"])
    else:
        ours.exclude_from_weight_decay(var_list=[ours_vars[2]])
        theirs.exclude_from_weight_decay(var_list=[keras_vars[2]])
    ours_out, keras_out = run(ours, ours_vars), run(theirs, keras_vars)
    adam_out = run(keras.optimizers.Adam(LR), adam_vars)
    # Keras computes w·λ·lr, keras_reg w·(lr·λ): float32 rounding apart only.
    for a, b in zip(ours_out, keras_out):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    # The excluded variable is exactly where plain Adam takes it (no decay),
    # the others are not.
    np.testing.assert_array_equal(ours_out[2], adam_out[2])
    assert not np.allclose(ours_out[0], adam_out[0], rtol=1e-4)


def test_exclude_from_weight_decay_adds_to_exclude_and_replaces_previous_call():
    kernel, bias, other = three_variables()
    opt = DecoupledWeightDecay(keras.optimizers.SGD(1.0), 0.1, exclude=["kernel"])
    opt.exclude_from_weight_decay(var_names=["exclude"])
    assert [opt.decays(v) for v in (kernel, bias, other)] == [False, False, False]
    opt.exclude_from_weight_decay(var_list=[bias])  # replaces var_names
    assert [opt.decays(v) for v in (kernel, bias, other)] == [False, False, True]
    opt.exclude_from_weight_decay()
    assert [opt.decays(v) for v in (kernel, bias, other)] == [False, False, True]


def test_exclude_from_weight_decay_after_build_takes_effect():
    # Keras's optimizers honour it at the next step; so does the wrapper.
    var = keras.Variable(np.ones((2, 2), "float32"), name="late")
    opt = DecoupledWeightDecay(keras.optimizers.SGD(1.0), 0.1)
    zeros = [keras.ops.zeros((2, 2))]
    opt.apply(zeros, [var])
    opt.exclude_from_weight_decay(var_names=["late"])
    opt.apply(zeros, [var])
    np.testing.assert_allclose(to_numpy(var), 0.9 * np.ones((2, 2)), rtol=1e-6)


def test_var_names_are_kept_in_the_config_variables_are_not():
    opt = optimizers.AdamW(LR, weight_decay=LAM)
    assert "exclude_var_names" not in opt.get_config()  # as 0.1.0 wrote it
    opt.exclude_from_weight_decay(var_list=three_variables(), var_names=["exclude", "^emb"])
    config = opt.get_config()
    assert config["exclude_var_names"] == ["exclude", "^emb"]
    clone = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(opt))
    assert clone.get_config() == config
    kernel, _, excluded = three_variables()
    assert clone.decays(kernel) and not clone.decays(excluded)


# -- Keras's exception classes, and inputs that did wrong things silently -----------


def test_weight_decay_none_raises_value_error_as_keras():
    with pytest.raises(ValueError):  # Keras's own class for this input
        keras.optimizers.AdamW(weight_decay=None)
    with pytest.raises(ValueError, match="weight_decay=None"):
        optimizers.AdamW(weight_decay=None)
    with pytest.raises(ValueError, match="weight_decay=None"):
        DecoupledWeightDecay(keras.optimizers.SGD(), None)


def test_non_numeric_base_learning_rate_names_the_argument():
    with pytest.raises(TypeError, match="base_learning_rate='fast'"):
        DecoupledWeightDecay(keras.optimizers.SGD(), 0.1, decay_mode="schedule",
                             base_learning_rate="fast")
    with pytest.raises(ValueError, match="base_learning_rate"):
        optimizers.AdamW(weight_decay=0.1, decay_mode="schedule", base_learning_rate=0.0)


@pytest.mark.parametrize("lam", [1.0, 2.0])
def test_constant_mode_refuses_lambda_of_one_or_more(lam):
    with pytest.raises(ValueError, match='"lr" and "schedule" modes'):
        optimizers.SGDW(weight_decay=lam, decay_mode="constant")
    schedule = keras.optimizers.schedules.ExponentialDecay(lam, 10, 0.5)
    with pytest.raises(ValueError, match="at step 0"):
        optimizers.AdamW(weight_decay=schedule, decay_mode="constant")


def test_lambda_of_one_or_more_is_fine_where_the_learning_rate_scales_it():
    var = keras.Variable(np.ones((2, 2), "float32"))
    opt = optimizers.SGDW(0.01, momentum=0.0, weight_decay=2.0, decay_mode="lr")
    opt.apply([keras.ops.zeros((2, 2))], [var])
    np.testing.assert_allclose(to_numpy(var), 0.98, rtol=1e-6)
    opt = optimizers.SGDW(0.01, momentum=0.0, weight_decay=0.99, decay_mode="constant")
    opt.apply([keras.ops.zeros((2, 2))], [var])
    np.testing.assert_allclose(to_numpy(var), 0.98 * 0.01, rtol=1e-5)


def test_one_optimizer_cannot_be_wrapped_twice():
    inner = keras.optimizers.SGD(1.0)
    first = DecoupledWeightDecay(inner, 0.05, name="first")
    with pytest.raises(ValueError, match="'first'.*'second'"):
        DecoupledWeightDecay(inner, 0.1, name="second")
    # The first wrapper's decay still runs.
    var = keras.Variable(np.ones((2, 2), "float32"))
    first.apply([keras.ops.zeros((2, 2))], [var])
    np.testing.assert_allclose(to_numpy(var), 0.95, rtol=1e-6)


def test_wrappers_are_not_wrapped():
    with pytest.raises(ValueError, match="LossScaleOptimizer goes outside"):
        DecoupledWeightDecay(keras.optimizers.LossScaleOptimizer(keras.optimizers.SGD()), 0.1)
    with pytest.raises(ValueError, match="not a AdamW"):
        DecoupledWeightDecay(optimizers.AdamW(weight_decay=0.0), 0.1)


# -- loss scaling ------------------------------------------------------------------


def test_loss_scale_factor_of_the_wrapped_optimizer_is_applied():
    # The trainer scales the loss through model.optimizer, the wrapped
    # optimizer divides the gradients by its factor: both must be the same.
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 4)).astype("float32")
    y = rng.normal(size=(16, 2)).astype("float32")
    weights = []
    for factor in (None, 64.0):
        keras.utils.set_random_seed(1)
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
        opt = optimizers.SGDW(0.1, momentum=0.0, weight_decay=0.01, loss_scale_factor=factor)
        model.compile(opt, "mse")
        model.train_on_batch(x, y)
        weights.append([to_numpy(w) for w in model.weights])
    for a, b in zip(*weights):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)


# -- saved configs name the public class --------------------------------------------


def test_wrapped_optimizer_is_saved_under_its_public_class():
    # On torch, keras.optimizers.SGD is a torch-specific class that Keras
    # serializes under keras.src.backend.torch...; the file must not say so.
    config = DecoupledWeightDecay(keras.optimizers.SGD(0.1, momentum=0.5), 0.1).get_config()
    assert config["optimizer"]["module"] == "keras.optimizers"
    assert config["optimizer"]["class_name"] == "SGD"


def test_backend_specific_class_in_a_file_loads_as_this_backends_optimizer():
    # What keras_reg 0.1.0 wrote on torch.
    config = DecoupledWeightDecay(keras.optimizers.SGD(0.1, momentum=0.5), 0.1).get_config()
    config["optimizer"].update(module="keras.src.backend.torch.optimizers.torch_sgd",
                               registered_name="SGD")
    loaded = DecoupledWeightDecay.from_config(config)
    assert type(loaded.inner_optimizer) is type(keras.optimizers.SGD())
    var = keras.Variable(np.ones((2, 2), "float32"))
    loaded.apply([keras.ops.ones((2, 2))], [var])  # the torch class fails here elsewhere
    np.testing.assert_allclose(to_numpy(var), 0.99 - 0.1, rtol=1e-6)
