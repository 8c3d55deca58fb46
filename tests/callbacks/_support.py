"""Shared by the callback tests: tiny models, scripted monitor sequences and
a simulated crash."""

import keras
import numpy as np

from tests.helpers import to_numpy


def tiny_model():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.compile("sgd", "mse")
    return model


def kernel_value(model):
    return float(to_numpy(model.layers[0].kernel)[0, 0])


def drive(es, values, monitor="val_loss", model=None, end=True):
    """Run the callback over a scripted monitor sequence, without fit. The
    model's kernel is set to the epoch number at each epoch, so the restored
    weights tell which epoch they come from. Returns the model."""
    model = model or tiny_model()
    es.set_model(model)
    es.on_train_begin()
    for epoch, value in enumerate(values):
        es.on_epoch_begin(epoch)
        model.layers[0].kernel.assign(np.full((3, 2), float(epoch), "float32"))
        es.on_epoch_end(epoch, {"loss": 0.0, monitor: value})
        if model.stop_training:
            break
    if end:
        es.on_train_end()
    return model


class CrashAt(keras.callbacks.Callback):
    """Raises at the beginning of epoch ``epoch``, as a killed process would
    stop there (after every callback wrote epoch ``epoch - 1``)."""

    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.epoch:
            raise RuntimeError(f"simulated crash at epoch {epoch}")
