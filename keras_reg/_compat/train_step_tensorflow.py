"""SAM's train step on TensorFlow: a gradient tape per pass; variables are
updated in place, as in Keras's own TensorFlow train step."""

import keras
import tensorflow as tf

from keras_reg.models import _sharpness


def _read(variables):
    # A read of each variable now (not a handle that later reads see updated).
    return [tf.convert_to_tensor(v.value) for v in variables]


def sharpness_aware_step(model, perturb, data):
    x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
    trainable = model.trainable_variables
    non_trainable = _read(model.non_trainable_variables)
    metrics = _read(model.metrics_variables)

    def gradients_at(weights):
        with tf.GradientTape() as tape:
            tape.watch(weights)
            scaled, aux = _sharpness.loss_at(
                model, weights, non_trainable, metrics, None, x, y, sample_weight
            )
        return tape.gradient(scaled, weights), aux

    weights = _read(trainable)
    grads, (loss, y_pred, new_non_trainable, new_metrics) = gradients_at(weights)
    # Second pass from the same non-trainable values: the same dropout masks,
    # and its BatchNorm updates are dropped.
    sharp_grads, _ = gradients_at(_sharpness.perturbed(weights, perturb(weights, grads)))
    model.optimizer.apply(sharp_grads, trainable)
    for variable, value in zip(model.non_trainable_variables, new_non_trainable):
        variable.assign(value)
    for variable, value in zip(model.metrics_variables, new_metrics):
        variable.assign(value)
    return _sharpness.record_metrics(model, loss, x, y, y_pred, sample_weight)
