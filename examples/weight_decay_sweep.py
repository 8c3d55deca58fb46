"""The tutorial's grid search over decoupled weight decay on digits: train the
same network for each λ and plot the best validation loss against λ.

With keras-tuner installed (``pip install keras-tuner``) the grid runs as a
``keras_tuner.GridSearch``; otherwise (or with ``--engine loop``) as a plain
loop. Both train the same model with the same seed, so they give the same
numbers.

    KERAS_BACKEND=jax python examples/weight_decay_sweep.py --out wd_sweep.png
"""

import argparse
import importlib.util
import tempfile

import keras
import numpy as np
from _digits import shuffled_digits

import keras_reg

GRID = [0.0, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2]


def build(weight_decay, seed=0):
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
    return model


def sweep_loop(grid, data, epochs):
    (x, y), (x_val, y_val) = data
    results = {}
    for wd in grid:
        history = build(wd).fit(x, y, validation_data=(x_val, y_val), epochs=epochs,
                                batch_size=32, verbose=0)
        results[wd] = min(history.history["val_loss"])
    return results


def sweep_keras_tuner(grid, data, epochs):
    import keras_tuner

    (x, y), (x_val, y_val) = data

    def hypermodel(hp):
        return build(hp.Choice("weight_decay", grid))

    with tempfile.TemporaryDirectory() as directory:
        # GridSearch's trial score is the best epoch's val_loss: the same
        # number the loop reports.
        tuner = keras_tuner.GridSearch(hypermodel, objective="val_loss",
                                       max_trials=len(grid), directory=directory,
                                       project_name="weight_decay", overwrite=True)
        tuner.search(x, y, validation_data=(x_val, y_val), epochs=epochs, batch_size=32,
                     verbose=0)
        trials = tuner.oracle.get_best_trials(num_trials=len(grid))
        scores = {t.hyperparameters.get("weight_decay"): t.score for t in trials}
    failed = [wd for wd in grid if scores.get(wd) is None]
    if failed:
        # keras-tuner logs a failed trial and goes on; do not plot a hole.
        raise RuntimeError(f"keras-tuner trials failed for weight_decay={failed} (see the log).")
    return {wd: scores[wd] for wd in grid}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--grid", type=float, nargs="+", default=GRID)
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--train-size", type=int, default=300)
    parser.add_argument("--out", default="wd_sweep.png", help="plot path ('' to skip)")
    parser.add_argument("--engine", choices=("auto", "keras-tuner", "loop"), default="auto",
                        help="auto: keras-tuner if installed, else a plain loop")
    args = parser.parse_args(argv)
    engine = args.engine
    if engine == "auto":
        engine = "keras-tuner" if importlib.util.find_spec("keras_tuner") else "loop"

    x, y = shuffled_digits()
    n = args.train_size
    data = ((x[:n], y[:n]), (x[n : 2 * n], y[n : 2 * n]))
    sweep = sweep_keras_tuner if engine == "keras-tuner" else sweep_loop
    print(f"grid search with {engine}")
    results = sweep(args.grid, data, args.epochs)
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
