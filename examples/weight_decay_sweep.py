"""The tutorial's grid search over decoupled weight decay on digits: train the
same network for each λ and plot the best validation loss against λ.

    KERAS_BACKEND=jax python examples/weight_decay_sweep.py --out wd_sweep.png
"""

import argparse

import keras
import numpy as np
from _digits import shuffled_digits

import keras_reg

GRID = [0.0, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2]


def train(weight_decay, data, epochs, seed=0):
    (x, y), (x_val, y_val) = data
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([
        keras.Input((64,)),
        keras.layers.Dense(256, activation="relu"),
        keras.layers.Dense(256, activation="relu"),
        keras.layers.Dense(10),
    ])
    # "schedule" mode: λ is the per-step shrink at the base learning rate,
    # independent of that rate (Loshchilov & Hutter's η_t·λ).
    model.compile(
        keras_reg.optimizers.AdamW(1e-3, weight_decay=weight_decay, decay_mode="schedule"),
        keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    history = model.fit(x, y, validation_data=(x_val, y_val), epochs=epochs, batch_size=32,
                        verbose=0)
    return min(history.history["val_loss"])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--grid", type=float, nargs="+", default=GRID)
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--train-size", type=int, default=300)
    parser.add_argument("--out", default="wd_sweep.png", help="plot path ('' to skip)")
    args = parser.parse_args(argv)

    x, y = shuffled_digits()
    n = args.train_size
    data = ((x[:n], y[:n]), (x[n : 2 * n], y[n : 2 * n]))
    results = {wd: train(wd, data, args.epochs) for wd in args.grid}
    for wd, loss in results.items():
        print(f"weight_decay={wd:g}: best validation loss {loss:.4f}")
    best = min(results, key=results.get)
    print(f"best weight_decay: {best:g}")
    if args.out:
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(5, 3.2))
        positions = np.arange(len(results))
        ax.plot(positions, list(results.values()), marker="o")
        ax.set_xticks(positions, [f"{wd:g}" for wd in results])
        ax.set_xlabel("weight decay λ")
        ax.set_ylabel("best validation loss")
        fig.tight_layout()
        fig.savefig(args.out, dpi=110)
        plt.close(fig)
    return results


if __name__ == "__main__":
    main()
