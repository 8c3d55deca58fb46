"""SAM's train step on JAX: ``jax.value_and_grad`` of the loss at given
weights, the state tuple threaded through as in Keras's own JAX train step
(``fit`` jit-compiles it)."""

import jax
import keras

from keras_reg.models import _sharpness


def sharpness_aware_step(model, perturb, state, data):
    trainable, non_trainable, optimizer, metrics = state
    x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)

    def loss_at(weights):
        return _sharpness.loss_at(
            model, weights, non_trainable, metrics, optimizer, x, y, sample_weight
        )

    gradients_at = jax.grad(loss_at, has_aux=True)
    grads, (loss, y_pred, new_non_trainable, new_metrics) = gradients_at(trainable)
    # Second pass from the same non-trainable values: the same dropout masks,
    # and its BatchNorm updates are dropped.
    sharp_grads, _ = gradients_at(_sharpness.perturbed(trainable, perturb(trainable, grads)))
    trainable, optimizer = model.optimizer.stateless_apply(optimizer, sharp_grads, trainable)
    logs, new_metrics = _sharpness.stateless_record_metrics(
        model, new_metrics, loss, x, y, y_pred, sample_weight
    )
    return logs, (trainable, new_non_trainable, optimizer, new_metrics)
