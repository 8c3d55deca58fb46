"""The train step of ``keras_reg.models.SharpnessAwareMinimization`` for the
current backend.

Gradients and training state are handled differently by each backend's
trainer (a ``tf.GradientTape`` and stateful variables, ``jax.value_and_grad``
on a state tuple threaded through a jitted step, torch autograd), so each
has its own module: ``train_step_tensorflow``, ``train_step_jax`` and
``train_step_torch``. They share the rest (``keras_reg.models._sharpness``).
"""

import importlib

import keras


def sharpness_aware_step():
    """``step(model, perturb, *args)``: the backend's two-pass train step;
    ``args`` are what Keras passes to ``train_step`` (``data``, or ``state,
    data`` on JAX)."""
    module = importlib.import_module(f"keras_reg._compat.train_step_{keras.backend.backend()}")
    return module.sharpness_aware_step
