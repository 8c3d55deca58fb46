"""One worker of a two-worker tf.distribute.MultiWorkerMirroredStrategy job
calling Keras 3's ``fit`` (keras#20585). Prints RESULT JSON: the error, if any.

    python _tf_multiworker_worker.py INDEX UNUSED_PORT PORT_0 PORT_1
"""

import json
import os
import sys

index, ports = int(sys.argv[1]), sys.argv[3:5]
os.environ["TF_CONFIG"] = json.dumps({
    "cluster": {"worker": [f"127.0.0.1:{p}" for p in ports]},
    "task": {"type": "worker", "index": index}})
os.environ["KERAS_BACKEND"] = "tensorflow"

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

strategy = tf.distribute.MultiWorkerMirroredStrategy()
with strategy.scope():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
x = np.ones((16, 4), "float32")
try:
    model.fit(x, x[:, :1], batch_size=8, epochs=1, verbose=0)
    error = None
except Exception as e:  # noqa: BLE001  (the claim is about which error)
    error = f"{type(e).__name__}: {e}"
print("RESULT " + json.dumps({"error": error}), flush=True)
