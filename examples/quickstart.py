"""keras_reg in twenty lines: layers, decoupled weight decay, early stopping,
save and load. Runs offline on scikit-learn's bundled digits.

    KERAS_BACKEND=jax python examples/quickstart.py
"""

import argparse

import keras
import numpy as np
from sklearn.datasets import load_digits

import keras_reg


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--out", default="quickstart.keras", help="where to save the model")
    args = parser.parse_args(argv)

    x, y = load_digits(return_X_y=True)
    x = (x / 16.0).astype("float32")
    model = keras.Sequential([
        keras.Input((64,)),
        keras.layers.Dense(256, activation="relu"),
        keras_reg.layers.Dropout(0.5, seed=0),
        keras.layers.Dense(10),
    ])
    model.compile(
        keras_reg.optimizers.AdamW(1e-3, weight_decay=1e-2),  # biases are not decayed
        keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    stop = keras_reg.callbacks.EarlyStopping("val_loss", patience=10, smoothing=0.5)
    model.fit(x[:1200], y[:1200], validation_split=0.25, epochs=args.epochs,
              callbacks=[stop], verbose=0)
    model.save(args.out)
    loaded = keras.saving.load_model(args.out)  # safe_mode=True works: all registered
    _, accuracy = loaded.evaluate(x[1200:], y[1200:], verbose=0)
    same = np.array_equal(model.predict(x[1200:], verbose=0), loaded.predict(x[1200:], verbose=0))
    print(f"best epoch {stop.best_epoch}, stopped {stop.stopped_epoch}, "
          f"held-out accuracy {accuracy:.3f}, reloaded model identical: {same}")
    return accuracy, same


if __name__ == "__main__":
    main()
