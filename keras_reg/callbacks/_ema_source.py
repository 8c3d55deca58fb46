"""Where ExponentialMovingAverage's trainable averages come from when the
model's optimizer averages them inside the train step (an EMAOptimizer)."""

from keras_reg.optimizers.ema_optimizer import EMAOptimizer


def ema_optimizer_in(optimizer):
    """The EMAOptimizer in ``optimizer``'s chain of wrappers, or None."""
    while optimizer is not None:
        if isinstance(optimizer, EMAOptimizer):
            return optimizer
        optimizer = getattr(optimizer, "inner_optimizer", None)
    return None


def find_source(model, settings, update_every):
    """The model's EMAOptimizer, built, if it averages with ``settings``
    (raises if its settings differ or ``update_every`` is not 1); None
    when the model's optimizer has none."""
    source = ema_optimizer_in(model.optimizer)
    if source is None:
        return None
    if not model.optimizer.built:
        # TensorFlow builds it in the first traced step (without a
        # distribution strategy); its averaged variables are needed now.
        model.optimizer.build(model.trainable_variables)
    if source.schedule_settings != settings:
        raise ValueError(
            f"The model's EMAOptimizer averages with {source.schedule_settings}, this "
            f"callback with {settings}: build the optimizer with "
            "`callback.wrap_optimizer(optimizer)` so that both hold the same settings."
        )
    if update_every != 1:
        raise ValueError(
            "Argument `update_every` must be 1 when the model's EMAOptimizer averages "
            "the weights at every update inside the train step. "
            f"Received: update_every={update_every}."
        )
    return source
