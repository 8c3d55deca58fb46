"""Shared by the weight-averaging tests: a tiny model with BatchNormalization,
data, and a callback that records the weights after every optimizer update."""

import keras
import numpy as np

from tests.helpers import to_numpy


def data(n=200, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]], "float32") + 0.1).astype("float32")
    return x, y


def bn_model(optimizer=None, seed=1):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([
        keras.Input((3,)),
        keras.layers.Dense(4),
        keras.layers.BatchNormalization(),
        keras.layers.Dense(1),
    ])
    model.compile(optimizer or keras.optimizers.SGD(0.05), "mse")
    return model


def weights(model):
    return [to_numpy(v) for v in model.weights]


class UpdateRecorder(keras.callbacks.Callback):
    """The model's weights before training and after every batch that was a
    real optimizer update (``optimizer.iterations`` advanced).

    Reading ``self.model`` syncs JAX's training state into the variables at
    every batch, which the averaging callbacks must not rely on.
    """

    def __init__(self):
        super().__init__()
        self.snapshots = []
        self._last = None

    def on_train_begin(self, logs=None):
        self._last = int(to_numpy(self.model.optimizer.iterations))
        if not self.snapshots:
            self.snapshots.append(weights(self.model))

    def on_train_batch_end(self, batch, logs=None):
        iterations = int(to_numpy(self.model.optimizer.iterations))
        for _ in range(iterations - self._last):
            self.snapshots.append(weights(self.model))
        self._last = iterations


def max_difference(a, b):
    return max(float(np.max(np.abs(np.asarray(x, "float64") - y))) for x, y in zip(a, b))
