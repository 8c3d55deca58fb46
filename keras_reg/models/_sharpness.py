"""The backend-independent parts of a sharpness-aware train step, as pure
functions of tensors: the perturbation, the loss at given weights, and the
metric updates. The per-backend steps (gradients, state) are in
``keras_reg/_compat/train_step_*.py``."""

import keras


def sharpness_perturbation(weights, grads, rho, adaptive=False, eta=0.01, epsilon=1e-12):
    """The ascent step ``ε`` of SAM (or ASAM), one tensor per weight.

    SAM (Foret et al. 2021): ``ε = ρ·g/‖g‖``. ASAM (Kwon et al. 2021) with
    ``T = |w| + η`` element-wise: ``ε = ρ·T²g/‖Tg‖``, so the neighbourhood
    scales with each weight and the sharpness is invariant to rescaling the
    weights. ``‖·‖`` is the L2 norm over all weights together, in float32;
    ``epsilon`` guards a zero gradient. A weight whose gradient is None (not
    connected to the loss) gets None. Scaling ``g`` (a loss scale) leaves
    ``ε`` unchanged.
    """
    pairs = [(w, g) for w, g in zip(weights, grads) if g is not None]
    if not pairs:
        return [None] * len(grads)

    def scale(w, g):  # T·g
        g = keras.ops.cast(g, "float32")
        return g * (keras.ops.abs(keras.ops.cast(w, "float32")) + eta) if adaptive else g

    squares = [keras.ops.sum(keras.ops.square(scale(w, g))) for w, g in pairs]
    norm = keras.ops.sqrt(keras.ops.sum(keras.ops.stack(squares)))
    factor = rho / (norm + epsilon)
    perturbation = []
    for w, g in zip(weights, grads):
        if g is None:
            perturbation.append(None)
            continue
        step = scale(w, g) * factor
        if adaptive:
            step = step * (keras.ops.abs(keras.ops.cast(w, "float32")) + eta)
        perturbation.append(keras.ops.cast(step, w.dtype))
    return perturbation


def perturbed(weights, perturbation):
    return [w if e is None else w + e for w, e in zip(weights, perturbation)]


def loss_at(model, trainable, non_trainable, metrics, optimizer, x, y, sample_weight):
    """The training loss of ``model`` on ``(x, y)`` with its variables set
    to the given values (``optimizer``: the optimizer's values, or None to
    read its variables), without changing any variable.

    Returns ``(scaled_loss, (loss, y_pred, non_trainable, metrics))``: the
    loss scaled by the optimizer (mixed precision), and the values the
    non-trainable variables (BatchNorm statistics, seed generators) and the
    metric variables (per-output loss trackers) would take — used from the
    first pass and dropped from the second.
    """
    mapping = list(zip(model.trainable_variables, trainable))
    mapping += zip(model.non_trainable_variables, non_trainable)
    mapping += zip(model.metrics_variables, metrics)
    if optimizer is not None:
        mapping += zip(model.optimizer.variables, optimizer)
    with keras.StatelessScope(state_mapping=mapping, collect_losses=True) as scope:
        y_pred = model(x, training=True)
        loss = model.compute_loss(
            x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=True
        )
        scaled = model.optimizer.scale_loss(loss)
    non_trainable = [scope.get_current_value(v) for v in model.non_trainable_variables]
    metrics = [scope.get_current_value(v) for v in model.metrics_variables]
    return scaled, (loss, y_pred, non_trainable, metrics)


def record_metrics(model, loss, x, y, y_pred, sample_weight):
    """Update the loss tracker (weighted by the batch size, as Keras's own
    train steps do) and the compiled metrics; return the logs."""
    batch = keras.ops.shape(next(t for t in keras.tree.flatten(x) if t is not None))[0]
    for metric in model.metrics:
        if metric.name == "loss":
            metric.update_state(loss, sample_weight=batch)
    return model.compute_metrics(x, y, y_pred, sample_weight=sample_weight)


def stateless_record_metrics(model, metrics, loss, x, y, y_pred, sample_weight):
    """``record_metrics`` on metric values; returns ``(logs, metrics)``."""
    with keras.StatelessScope(state_mapping=list(zip(model.metrics_variables, metrics))) as scope:
        logs = record_metrics(model, loss, x, y, y_pred, sample_weight)
    return logs, [scope.get_current_value(v) for v in model.metrics_variables]
