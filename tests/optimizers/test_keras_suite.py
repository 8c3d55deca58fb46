"""Keras's own optimizer tests, run on keras_reg: ``adamw_test.py`` and the
weight-decay cases of ``optimizer_test.py``, with keras_reg's classes in
place of Keras's, and the same harness on Keras's classes as a control.

What the substitution changes, and only that (docs/keras_differences.md,
"Decoupled weight decay"):

* ``AdamW(...)`` is ``keras_reg.optimizers.AdamW`` with Keras's defaults
  mapped as the migration table says: ``weight_decay=0.004`` and
  ``exclude_bias_and_norm=False``;
* ``optimizers.get({"class_name": name, "config": {"weight_decay": λ, ...}})``
  is ``DecoupledWeightDecay(<name>(...), λ, exclude_bias_and_norm=False)``
  (``AdamW`` for ``"adamw"``);
* message assertions (``assertRaisesRegex``) check the exception class only;
* the two cases that call the private ``_clip_gradients`` are answered
  through the update instead: keras_reg clips in the wrapped optimizer.
"""

import types
from unittest import mock

import keras
import numpy as np
import pytest

import keras_reg

adamw_test = pytest.importorskip(
    "keras.src.optimizers.adamw_test", reason="this Keras wheel ships no test modules"
)
optimizer_test = pytest.importorskip(
    "keras.src.optimizers.optimizer_test", reason="this Keras wheel ships no test modules"
)
from keras.src import testing  # noqa: E402  (after the skip: Keras's test harness)

KERAS_DEFAULT_WEIGHT_DECAY = 0.004  # keras.optimizers.AdamW's default λ


def keras_reg_adamw(learning_rate=0.001, weight_decay=KERAS_DEFAULT_WEIGHT_DECAY, **kwargs):
    """``keras.optimizers.AdamW(...)`` in keras_reg: Keras's λ, every variable decays."""
    kwargs.setdefault("exclude_bias_and_norm", False)
    return keras_reg.optimizers.AdamW(learning_rate, weight_decay=weight_decay, **kwargs)


def keras_reg_get(identifier):
    """``keras.optimizers.get`` where the weight decay is keras_reg's."""
    if not isinstance(identifier, dict):
        return keras.optimizers.get(identifier)
    config = dict(identifier.get("config", {}))
    weight_decay = config.pop("weight_decay", None)
    if identifier["class_name"].lower() == "adamw":
        return keras_reg_adamw(weight_decay=weight_decay, **config)
    inner = keras.optimizers.get({"class_name": identifier["class_name"], "config": config})
    if weight_decay is None:
        return inner
    return keras_reg.optimizers.DecoupledWeightDecay(
        inner, weight_decay, exclude_bias_and_norm=False
    )


class KerasRegSubstituted:
    """Mixin: run the Keras test case with ``replacements`` in its module."""

    module = None
    replacements = {}

    def setUp(self):
        super().setUp()
        for name, value in self.replacements.items():
            patcher = mock.patch.object(self.module, name, value)
            patcher.start()
            self.addCleanup(patcher.stop)

    def assertRaisesRegex(self, expected_exception, expected_regex, *args, **kwargs):
        # Messages are keras_reg's own; the exception class is Keras's.
        return self.assertRaises(expected_exception, *args, **kwargs)


# -- adamw_test.py ------------------------------------------------------------------


class TestKerasAdamWControl(adamw_test.AdamWTest):
    """Keras's AdamW tests on Keras's AdamW, unchanged."""


class TestKerasAdamWOnKerasReg(KerasRegSubstituted, adamw_test.AdamWTest):
    """Keras's AdamW tests on keras_reg's AdamW."""

    module = adamw_test
    replacements = {"AdamW": keras_reg_adamw}

    def _one_step(self, make, **clipping):
        # A large epsilon makes Adam's first step depend on the gradient's
        # size, so what the clipping did shows in the updated variable.
        var = keras.Variable([0.0, 0.0])
        optimizer = make(learning_rate=1.0, epsilon=1.0, **clipping)
        optimizer.apply_gradients([(keras.ops.convert_to_tensor([100.0, 100.0]), var)])
        return keras.ops.convert_to_numpy(var)

    def _check_clipping(self, **clipping):
        # Keras asserts the private `_clip_gradients(grad)` of the optimizer;
        # keras_reg clips in the wrapped optimizer, so the clipped gradient is
        # checked through the update, against Keras's AdamW, which it must
        # equal and which differs from the unclipped update.
        ours = self._one_step(keras_reg_adamw, **clipping)
        theirs = self._one_step(keras.optimizers.AdamW, **clipping)
        unclipped = self._one_step(keras.optimizers.AdamW)
        self.assertAllClose(ours, theirs, rtol=1e-6, atol=1e-7)
        self.assertGreater(float(np.max(np.abs(ours - unclipped))), 0.1)

    def test_clip_norm(self):
        self._check_clipping(clipnorm=1)

    def test_clip_value(self):
        self._check_clipping(clipvalue=1)


# -- the weight-decay cases of optimizer_test.py ---------------------------------------

WEIGHT_DECAY_CASES = {
    name: getattr(optimizer_test.OptimizerTest, name)
    for name in dir(optimizer_test.OptimizerTest)
    if name.startswith("test_") and ("weight_decay" in name or "weigth_decay" in name)
}
assert WEIGHT_DECAY_CASES, "Keras renamed its weight-decay cases: update the selection"


class OpByOpOnJax:
    """Mixin: on JAX, run the case with ``jax.disable_jit()``.

    With ``gradient_accumulation_steps``, every eager ``apply`` goes through
    Keras's ``ops.cond``, which on JAX traces and compiles both branches at
    each call (about 0.8 s per call, 20 s per case here). Op by op, the same
    operations take a second; the jit-compiled path of the decay is tested
    by ``test_fit_jit_save_load_then_one_more_step`` and the fixtures.
    """

    def setUp(self):
        super().setUp()
        if keras.backend.backend() == "jax":
            import jax

            without_jit = jax.disable_jit()
            without_jit.__enter__()
            self.addCleanup(without_jit.__exit__, None, None, None)


class TestKerasOptimizerWeightDecayControl(OpByOpOnJax, testing.TestCase):
    """Keras's weight-decay cases on Keras's optimizers, unchanged."""

    locals().update(WEIGHT_DECAY_CASES)


class TestKerasOptimizerWeightDecayOnKerasReg(OpByOpOnJax, KerasRegSubstituted, testing.TestCase):
    """Keras's weight-decay cases with keras_reg's decay on every optimizer."""

    module = optimizer_test
    replacements = {
        "optimizers": types.SimpleNamespace(
            **{**vars(optimizer_test.optimizers), "get": keras_reg_get}
        )
    }
    locals().update(WEIGHT_DECAY_CASES)
