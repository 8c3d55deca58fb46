"""EarlyStopping overhead: time inside its hooks per epoch vs the epoch time.

Trains a small MLP on synthetic data for a fixed number of epochs (patience
high enough never to stop) and reports, per configuration, the seconds spent
in the callback's hooks per epoch and that as a fraction of the epoch time.
Measuring the hooks directly is far less noisy than the difference of two
whole runs. Target: < 1 % of the epoch time.

    KERAS_BACKEND=jax python benchmarks/bench_callbacks.py
"""

import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import keras  # noqa: E402
import numpy as np  # noqa: E402
from _harness import environment  # noqa: E402

from keras_reg.callbacks import EarlyStopping  # noqa: E402


class HookTimer(keras.callbacks.Callback):
    """Wraps a callback and accumulates the wall time of its hooks."""

    def __init__(self, inner):
        super().__init__()
        self.inner, self.seconds = inner, 0.0

    def set_model(self, model):
        super().set_model(model)
        self.inner.set_model(model)

    def _timed(self, name, *args):
        t0 = time.perf_counter()
        getattr(self.inner, name)(*args)
        self.seconds += time.perf_counter() - t0

    def on_train_begin(self, logs=None):
        self._timed("on_train_begin", logs)

    def on_epoch_begin(self, epoch, logs=None):
        self._timed("on_epoch_begin", epoch, logs)

    def on_epoch_end(self, epoch, logs=None):
        self._timed("on_epoch_end", epoch, logs)

    def on_train_end(self, logs=None):
        self._timed("on_train_end", logs)


def model(width):
    m = keras.Sequential([
        keras.Input((64,)),
        keras.layers.Dense(width, activation="relu"),
        keras.layers.Dense(width, activation="relu"),
        keras.layers.Dense(10),
    ])
    m.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return m


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--samples", type=int, default=20_000)
    parser.add_argument("--width", type=int, default=256)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    x = rng.normal(size=(args.samples, 64)).astype("float32")
    y = rng.integers(0, 10, args.samples)

    print(f"# {keras.backend.backend()} | {environment()}")
    print("| backend | configuration | epoch s | callback ms/epoch | overhead % |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        configs = {
            "memory snapshot": {},
            "disk snapshot": {"snapshot": os.path.join(tmp, "best.weights.h5")},
            "memory + backup_dir": {"backup_dir": os.path.join(tmp, "backup")},
        }
        for name, kwargs in configs.items():
            m = model(args.width)
            # Decreasing val_loss on every epoch: the worst case, a new
            # best-weights snapshot at each epoch end.
            timer = HookTimer(EarlyStopping(patience=10**6, **kwargs))
            t0 = time.perf_counter()
            m.fit(x, y, batch_size=64, epochs=args.epochs, validation_data=(x[:2000], y[:2000]),
                  verbose=0, callbacks=[timer])
            epoch = (time.perf_counter() - t0) / args.epochs
            per_epoch = timer.seconds / args.epochs
            print(f"| {keras.backend.backend()} | {name} | {epoch:.3f} | "
                  f"{per_epoch * 1e3:.2f} | {100 * per_epoch / epoch:.2f} |", flush=True)


if __name__ == "__main__":
    main()
