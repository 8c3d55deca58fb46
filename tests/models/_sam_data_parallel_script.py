"""SAM under keras.distribution.DataParallel on 4 virtual CPU devices vs on
one device (a fresh process: XLA_FLAGS must be set before JAX starts).
Prints ``RESULT {json}``."""

import json
import os

os.environ["KERAS_BACKEND"] = "jax"
os.environ["XLA_FLAGS"] = "--xla_force_host_platform_device_count=4"
os.environ["JAX_PLATFORMS"] = "cpu"

import keras  # noqa: E402
import numpy as np  # noqa: E402

import keras_reg  # noqa: E402

rng = np.random.default_rng(0)
xs = rng.normal(size=(64, 6)).astype("float32")
ys = rng.normal(size=(64, 2)).astype("float32")


def train():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(8, activation="tanh"),
                              keras.layers.Dense(2)])
    sam = keras_reg.models.SharpnessAwareMinimization(model, rho=0.5)
    sam.compile(keras.optimizers.SGD(0.1), "mse")
    sam.fit(xs, ys, batch_size=32, epochs=3, shuffle=False, verbose=0)
    return model.get_weights()


single = train()
devices = keras.distribution.list_devices()
with keras.distribution.DataParallel(devices=devices).scope():
    parallel = train()
print("RESULT " + json.dumps({
    "devices": len(devices),
    "max_rel": float(max(np.max(np.abs(a - b)) / np.max(np.abs(b))
                         for a, b in zip(parallel, single))),
}))
