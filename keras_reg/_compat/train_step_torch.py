"""SAM's train step on PyTorch: autograd on detached copies of the weights
per pass; variables are updated in place, as in Keras's own torch train
step."""

import keras
import torch

from keras_reg.models import _sharpness


def sharpness_aware_step(model, perturb, data):
    x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
    trainable = model.trainable_variables
    # Both passes read these; they are written only after both.
    non_trainable = [v.value for v in model.non_trainable_variables]
    metrics = [v.value for v in model.metrics_variables]

    def gradients_at(weights):
        weights = [w.detach().requires_grad_(True) for w in weights]
        scaled, aux = _sharpness.loss_at(
            model, weights, non_trainable, metrics, None, x, y, sample_weight
        )
        grads = torch.autograd.grad(scaled, weights, allow_unused=True)
        return list(grads), aux

    weights = [v.value.detach() for v in trainable]
    grads, (loss, y_pred, new_non_trainable, new_metrics) = gradients_at(weights)
    with torch.no_grad():
        # Second pass from the same non-trainable values: the same dropout
        # masks, and its BatchNorm updates are dropped.
        shifted = _sharpness.perturbed(weights, perturb(weights, grads))
    sharp_grads, _ = gradients_at(shifted)
    with torch.no_grad():
        model.optimizer.apply(sharp_grads, trainable)
        for variable, value in zip(model.non_trainable_variables, new_non_trainable):
            variable.assign(value.detach())
        for variable, value in zip(model.metrics_variables, new_metrics):
            variable.assign(value.detach())
        return _sharpness.record_metrics(model, loss.detach(), x, y, y_pred.detach(),
                                         sample_weight)
