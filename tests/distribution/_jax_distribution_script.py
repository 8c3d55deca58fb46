"""Run under keras.distribution with 8 virtual CPU devices (a fresh process:
XLA_FLAGS must be set before JAX starts). Prints JSON."""

import json
import os
import sys

os.environ["KERAS_BACKEND"] = "jax"
os.environ["XLA_FLAGS"] = "--xla_force_host_platform_device_count=8"
os.environ["JAX_PLATFORMS"] = "cpu"  # 8 virtual CPU devices, even where a GPU exists

import jax  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))
from _models import every_part_model  # noqa: E402

import keras_reg  # noqa: E402

out_dir = sys.argv[1]
devices = keras.distribution.list_devices()
result = {
    "devices": len(devices),
    # Whether JAX draws the same random values for an array however it is
    # sharded (the default from JAX 0.5; older JAX draws per-shard values).
    "partitionable_rng": bool(jax.config.jax_threefry_partitionable),
}
rng = np.random.default_rng(0)
xs = rng.normal(size=(64, 8, 8, 3)).astype("float32")
ys = rng.integers(0, 3, 64)


def train(model, optimizer, epochs=3):
    model.compile(optimizer, keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    stop = keras_reg.callbacks.EarlyStopping("loss", patience=2)
    history = model.fit(xs, ys, batch_size=32, epochs=epochs, verbose=0, shuffle=False,
                        callbacks=[stop])
    return [float(v) for v in history.history["loss"]]


# 1. Masks differ across data shards: identical samples, batch sharded 8 ways.
data_parallel = keras.distribution.DataParallel(devices=devices)
with data_parallel.scope():
    layer = keras_reg.layers.Dropout(0.5, seed=1)
    layer.build((64, 32))
    x = keras.distribution.distribute_tensor(
        np.ones((64, 32), "float32"), data_parallel.get_data_layout((64, 32)))
    nt = [v.value for v in layer.non_trainable_variables]
    y, _ = jax.jit(lambda nt, x: layer.stateless_call([], nt, x, training=True))(nt, x)
result["input_shards"] = len(x.addressable_shards)
masks = np.asarray(y) != 0
shards = masks.reshape(8, 8, 32)
result["identical_shard_pairs"] = int(sum(
    np.array_equal(shards[i], shards[j]) for i in range(8) for j in range(i + 1, 8)))

# 2. Exactness: a deterministic model trains to the same weights on 1 and 8 devices.
def deterministic(seed=0):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([keras.Input((8, 8, 3)), keras.layers.Flatten(),
                             keras.layers.Dense(16, activation="relu", name="hidden"),
                             keras.layers.Dense(3, name="logits")])


single = deterministic()
train(single, keras_reg.optimizers.AdamW(1e-2, weight_decay=0.1, exclude=["logits"]))
with data_parallel.scope():
    dp = deterministic()
    train(dp, keras_reg.optimizers.AdamW(1e-2, weight_decay=0.1, exclude=["logits"]))
result["dp_vs_single_max_rel"] = float(max(
    np.max(np.abs(a - b)) / np.max(np.abs(b))
    for a, b in zip(dp.get_weights(), single.get_weights())))

# 3. The model with every part: on one device, under DataParallel and under
# ModelParallel, with the same seeds.
keras.utils.set_random_seed(0)
model, optimizer = every_part_model(seed=0)
result["single_losses"] = train(model, optimizer)
with data_parallel.scope():
    keras.utils.set_random_seed(0)
    model, optimizer = every_part_model(seed=0)
    result["dp_losses"] = train(model, optimizer)

mesh = keras.distribution.DeviceMesh((2, 4), ("batch", "model"), devices=devices)
layout_map = keras.distribution.LayoutMap(mesh)
layout_map[".*hidden/kernel"] = (None, "model")  # shard the hidden kernel's columns
layout_map[".*conv/kernel"] = (None, None, None, "model")
model_parallel = keras.distribution.ModelParallel(layout_map=layout_map, batch_dim_name="batch")
with model_parallel.scope():
    keras.utils.set_random_seed(0)
    model, optimizer = every_part_model(seed=0)
    result["mp_losses"] = train(model, optimizer)
    kernel = model.get_layer("hidden").kernel.value
    result["hidden_kernel_shards"] = len({str(s.index) for s in kernel.addressable_shards})
model.save(os.path.join(out_dir, "mp.keras"))
np.save(os.path.join(out_dir, "mp_inputs.npy"), xs)
np.save(os.path.join(out_dir, "mp_outputs.npy"), np.asarray(model.predict(xs, verbose=0)))
print("RESULT " + json.dumps(result))
