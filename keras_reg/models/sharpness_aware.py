"""Sharpness-aware minimization (SAM, ASAM) as a model wrapper."""

import functools

import keras

from keras_reg import _validation
from keras_reg._compat import train_step as _train_step
from keras_reg.models import _sharpness


@keras.saving.register_keras_serializable(package="keras_reg")
class SharpnessAwareMinimization(keras.Model):
    """Train a model by sharpness-aware minimization (SAM or ASAM).

    SAM (Foret et al.) minimizes the worst loss in a neighbourhood of the
    weights, ``min_w max_{‖ε‖≤ρ} L(w + ε)``, which favours flat minima. Each
    train step takes two passes over the batch:

    1. ``g = ∇L(w)``; the ascent step ``ε = ρ·g/‖g‖`` (``‖·‖`` over all
       weights), or with ``adaptive=True`` (ASAM, Kwon et al.)
       ``ε = ρ·T²g/‖Tg‖`` with ``T = |w| + η`` element-wise;
    2. ``g_SAM = ∇L(w + ε)``; the compiled optimizer — any Keras optimizer,
       keras_reg's ``DecoupledWeightDecay`` included — applies ``g_SAM`` at
       ``w``.

    The second pass reads the perturbed weights without writing them, so the
    weights are never left perturbed. BatchNormalization moving statistics
    (and other non-trainable state) take the first pass's update only. Random
    layers draw the **same** masks in both passes: their seed state is reset
    for the second pass, so ``g_SAM`` is the gradient of the same sampled
    loss that ``ε`` ascended (fresh masks would ascend one sub-network's loss
    and descend another's). This holds for layers drawing from a
    ``keras.random.SeedGenerator`` (keras_reg's, and Keras's with a seed);
    Keras's torch ``Dropout(seed=None)`` draws from torch's global generator.
    The loss and metrics are those of the first pass (at ``w``).

    The second pass costs a second forward and backward: a step takes about
    twice as long. With mixed precision the loss scale cancels out of ``ε``;
    a step with non-finite gradients is skipped by the loss-scale optimizer.
    ``ρ = 0`` gives exactly the wrapped optimizer's step. Under
    ``tf.distribute`` each replica computes ``ε`` from its own gradient
    (the paper's m-sharpness with ``m`` = the per-replica batch).

    Args:
        model: the Keras model (or layer) to train.
        rho: the neighbourhood radius ``ρ >= 0`` (SAM: 0.05 is typical;
            ASAM: about 10x larger, e.g. 0.5).
        adaptive: ASAM's scale-invariant neighbourhood.
        eta: ``η >= 0`` in ASAM's ``T = |w| + η`` (keeps weights at 0 able to
            move).
        epsilon: ``> 0``, added to ``‖g‖`` against division by zero.
        **kwargs: ``keras.Model`` arguments (``name``).

    Call arguments:
        inputs: the wrapped model's inputs.
        training: passed to the wrapped model.

    Example:

    ```python
    sam = keras_reg.models.SharpnessAwareMinimization(model, rho=0.05)
    sam.compile(keras.optimizers.SGD(0.1, momentum=0.9), "sparse_categorical_crossentropy")
    sam.fit(x, y, epochs=10)  # model's weights are trained
    ```

    Reference:
        Foret, Kleiner, Mobahi & Neyshabur, "Sharpness-Aware Minimization for
        Efficiently Improving Generalization", ICLR 2021; Kwon, Kim, Park &
        Choi, "ASAM: Adaptive Sharpness-Aware Minimization for
        Scale-Invariant Learning of Deep Neural Networks", ICML 2021.
    """

    def __init__(self, model, rho=0.05, adaptive=False, eta=0.01, epsilon=1e-12, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(model, keras.layers.Layer):
            raise TypeError(
                "Argument `model` must be a Keras model or layer. "
                f"Received: model={model!r} (type {type(model).__name__})."
            )
        self.model = model
        self.rho = _validation.check_non_negative(rho, "rho")
        self.adaptive = bool(adaptive)
        self.eta = _validation.check_non_negative(eta, "eta")
        self.epsilon = _validation.check_non_negative(epsilon, "epsilon")
        if self.epsilon == 0:
            raise ValueError("Argument `epsilon` must be > 0. Received: epsilon=0.0.")
        self._perturb = functools.partial(
            _sharpness.sharpness_perturbation, rho=self.rho, adaptive=self.adaptive,
            eta=self.eta, epsilon=self.epsilon,
        )

    def build(self, input_shape):
        if not self.model.built:
            self.model.build(input_shape)
        self.built = True

    def call(self, inputs, training=None):
        return self.model(inputs, training=training)

    def train_step(self, *args):
        return _train_step.sharpness_aware_step()(self, self._perturb, *args)

    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "model": keras.saving.serialize_keras_object(self.model),
            "rho": self.rho,
            "adaptive": self.adaptive,
            "eta": self.eta,
            "epsilon": self.epsilon,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        model = keras.saving.deserialize_keras_object(
            config.pop("model"), custom_objects=custom_objects
        )
        return cls(model, **config)
