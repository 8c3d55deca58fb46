"""What the JAX and torch workers share: the data, the model, the file-write
log and the result line. Imported after the backend is set up."""

import hashlib
import json
import os

import keras
import numpy as np

import keras_reg

LEARNING_RATE = 0.02
WEIGHT_DECAY = 0.5
PER_PROCESS_BATCH = 8
EPOCHS = 12


def local_data(process_id):
    """This process's shard: a noisy linear target (its own rows)."""
    rng = np.random.default_rng(10 + process_id)
    true_w = np.linspace(-1.0, 1.0, 6).astype("float32")[:, None]
    x = rng.normal(size=(48, 6)).astype("float32")
    y = (x @ true_w + 0.5 * rng.normal(size=(48, 1))).astype("float32")
    return (x[:32], y[:32]), (x[32:], y[32:])


def make_model():
    """A tiny regression model with a keras_reg dropout layer and an "idle"
    kernel whose gradient is exactly zero: with AdamW's zero update it only
    decays, ``w_t = w_0 (1 − lr·λ)^t``, which counts the decay steps."""
    inputs = keras.Input((6,))
    hidden = keras.layers.Dense(16, activation="relu", name="hidden")(inputs)
    hidden = keras_reg.layers.Dropout(0.25, seed=1)(hidden)
    out = keras.layers.Dense(1, name="out")(hidden)
    idle = keras.layers.Dense(2, name="idle")(inputs)
    out = out + 0.0 * keras.ops.sum(idle, axis=-1, keepdims=True)
    model = keras.Model(inputs, out)
    optimizer = keras_reg.optimizers.AdamW(LEARNING_RATE, weight_decay=WEIGHT_DECAY)
    return model, optimizer


def make_early_stopping(shared_dir):
    return keras_reg.callbacks.EarlyStopping(
        "val_loss", patience=2, min_delta=0.02, min_delta_mode="relative",
        backup_dir=os.path.join(shared_dir, "early_stopping"),
    )


def idle_kernel(model):
    return keras.ops.convert_to_numpy(model.get_layer("idle").kernel.value).copy()


def weights_digest(model):
    """A hash of every weight's bytes: equal digests are equal weights."""
    digest = hashlib.sha256()
    for array in model.get_weights():
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


def log_writes_under(shared_dir):
    """Record every file this process replaces or removes under
    ``shared_dir`` (atomic writes end in os.replace)."""
    writes = []
    shared = os.path.abspath(os.path.join(shared_dir, "early_stopping"))
    for name in ("replace", "remove"):
        original = getattr(os, name)

        def logged(*args, _original=original, **kwargs):
            target = os.path.abspath(args[-1] if _original is os.replace else args[0])
            if target.startswith(shared):
                writes.append(os.path.basename(target))
            return _original(*args, **kwargs)

        setattr(os, name, logged)
    return writes


def distinct_rows(rows):
    """How many pairs of rows are equal (0 = all differ)."""
    rows = [tuple(np.round(r, 6)) for r in rows]
    return len(rows) - len(set(rows))


def report(**result):
    print("RESULT " + json.dumps(result), flush=True)


def assert_averages_identical(first, second):
    """The EMA and SWA averages two processes reported are the same, and are
    two different averages, neither equal to the weights they started from."""
    for key in ("ema_digest", "swa_digest"):
        assert first[key] == second[key], key
    assert first["ema_digest"] != first["swa_digest"]
    assert first["final_digest"] not in (first["ema_digest"], first["swa_digest"])
