"""Run under MirroredStrategy on 2 logical CPUs (a fresh process: logical
devices must be configured before TensorFlow initializes). Prints JSON."""

import json
import os
import sys

os.environ["KERAS_BACKEND"] = "tensorflow"
import tensorflow as tf  # noqa: E402

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(
    cpu, [tf.config.LogicalDeviceConfiguration(), tf.config.LogicalDeviceConfiguration()]
)

import keras  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))
from _models import every_part_model  # noqa: E402

import keras_reg  # noqa: E402

out_dir = sys.argv[1]
strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
result = {"replicas": strategy.num_replicas_in_sync}

# 1. Per-replica randomness: identical inputs on both replicas.
with strategy.scope():
    layer = keras_reg.layers.Dropout(0.5, seed=1)
    layer.build((8, 64))
x = np.ones((8, 64), "float32")


@tf.function
def replica_step(x):
    return strategy.run(lambda v: layer(v, training=True), args=(x,))


per_replica = strategy.experimental_local_results(replica_step(x))
masks = [np.asarray(t) != 0 for t in per_replica]
result["replica_masks_equal"] = bool(np.array_equal(masks[0], masks[1]))

# 2. The decay is applied once per step, not once per replica: a loss with a
# zero gradient, SGD(1.0) with constant decay 0.1, 3 steps -> 0.9**3.
with strategy.scope():
    probe = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, name="probe")])
    probe.compile(
        keras_reg.optimizers.DecoupledWeightDecay(
            keras.optimizers.SGD(1.0), 0.1, decay_mode="constant"),
        loss=lambda y, p: 0.0 * keras.ops.sum(p),
    )
w0 = probe.layers[0].kernel.numpy().copy()
probe.fit(np.zeros((24, 4), "float32"), np.zeros((24, 3), "float32"), batch_size=8,
          epochs=1, verbose=0, shuffle=False)
ratio = probe.layers[0].kernel.numpy() / w0
result["decay_ratio"] = float(np.median(ratio))

# 3. The model with every part trains and saves.
with strategy.scope():
    model, optimizer = every_part_model(seed=0)
    model.compile(optimizer, keras.losses.SparseCategoricalCrossentropy(from_logits=True))
rng = np.random.default_rng(0)
xs = rng.normal(size=(64, 8, 8, 3)).astype("float32")
ys = rng.integers(0, 3, 64)
stop = keras_reg.callbacks.EarlyStopping("loss", patience=2)
history = model.fit(xs, ys, batch_size=16, epochs=3, verbose=0, callbacks=[stop])
result["losses"] = [float(v) for v in history.history["loss"]]
model.save(os.path.join(out_dir, "mirrored.keras"))
np.save(os.path.join(out_dir, "mirrored_inputs.npy"), xs)
np.save(os.path.join(out_dir, "mirrored_outputs.npy"), model.predict(xs, verbose=0))
print("RESULT " + json.dumps(result))
