"""Train the demo's CNN on digits four ways and compare the weights they end with.

Variants (each with several seeds, on the current Keras backend):
  final  - Adam, the weights of the last step
  ema    - the same training; the exponential moving average of the weights
           (keras_reg ExponentialMovingAverage, with warmup)
  swa    - the same until SWA starts; then the learning rate annealed to the
           SWA rate and the weights of the last epochs averaged
           (keras_reg StochasticWeightAveraging)
  sam    - sharpness-aware minimization, Adam as the base optimizer
           (keras_reg SharpnessAwareMinimization)

The network (examples/compare_regularizers.py's baseline): Conv2D(32, 3) -
Conv2D(32, 3) - MaxPool - Dense(128) - Dense(10), on scikit-learn's bundled
8x8 digits with a small training split, so that the weights the run ends
with matter.

Writes OUT/summary.md (test accuracy and cross-entropy, mean ± std over
seeds) and OUT/weight_averaging.png (validation loss per epoch, seed 0).

    KERAS_BACKEND=jax python examples/weight_averaging.py --out results/averaging
"""

import argparse
import os
import time

import keras
import numpy as np

import keras_reg

VARIANTS = ("final", "ema", "swa", "sam")
FILTERS, HIDDEN, LR = 32, 128, 2e-3  # the demo's network and learning rate
EMA_DECAY = 0.99  # a horizon of ~100 steps: 10 epochs of 300 images in batches of 32
SWA_FRACTION, SWA_LR, SWA_ANNEAL = 0.75, 5e-4, 5  # average the last quarter of the epochs
SAM_RHO = 0.05


def load_split(train_size, val_size, seed=0):
    from _digits import shuffled_digits

    x, y = shuffled_digits(seed, images=True)
    a, b = train_size, train_size + val_size
    return (x[:a], y[:a]), (x[a:b], y[a:b]), (x[b:], y[b:])


def cnn(seed, input_shape=(8, 8, 1), classes=10):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([
        keras.Input(input_shape),
        keras.layers.Conv2D(FILTERS, 3, padding="same", activation="relu"),
        keras.layers.Conv2D(FILTERS, 3, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Flatten(),
        keras.layers.Dense(HIDDEN, activation="relu"),
        keras.layers.Dense(classes),
    ], name="cnn")


def run(variant, data, seed, epochs):
    (x, y), (x_val, y_val), (x_test, y_test) = data
    model = cnn(seed)
    callbacks = []
    if variant == "ema":
        callbacks.append(keras_reg.callbacks.ExponentialMovingAverage(EMA_DECAY))
    if variant == "swa":
        start = min(int(SWA_FRACTION * epochs), epochs - 1)
        callbacks.append(keras_reg.callbacks.StochasticWeightAveraging(
            start, swa_learning_rate=SWA_LR, anneal_epochs=min(SWA_ANNEAL, start), bn_data=x))
    trained = keras_reg.models.SharpnessAwareMinimization(model, SAM_RHO) if (
        variant == "sam") else model
    trained.compile(keras.optimizers.Adam(LR),
                    keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                    metrics=["accuracy"])
    t0 = time.perf_counter()
    history = trained.fit(x, y, batch_size=32, epochs=epochs, validation_data=(x_val, y_val),
                          validation_batch_size=256, callbacks=callbacks, verbose=0)
    seconds = time.perf_counter() - t0
    test_loss, test_acc = trained.evaluate(x_test, y_test, batch_size=256, verbose=0)
    return {"test_acc": test_acc, "test_loss": test_loss, "seconds": seconds,
            "val_loss": history.history["val_loss"]}


def _sd(values):
    return float(np.std(values, ddof=1)) if len(values) > 1 else 0.0


def write_summary(path, results, args, data):
    final = np.array([r["test_acc"] for r in results.get("final", [])])
    lines = [
        f"# Weight averaging and SAM ({keras.backend.backend()})",
        "",
        f"Digits: {len(data[0][0])} training / {len(data[1][0])} validation / "
        f"{len(data[2][0])} held-out test images; seeds {args.seeds}; {args.epochs} epochs; "
        f"Adam({LR}); EMA decay {EMA_DECAY}; SWA from epoch "
        f"{min(int(SWA_FRACTION * args.epochs), args.epochs - 1) + 1} at {SWA_LR}; SAM rho "
        f"{SAM_RHO}; keras {keras.__version__}.",
        "",
        "| weights | test accuracy (mean ± std) | per seed | vs final "
        "| test cross-entropy (mean ± std) | wall time / run (s) |",
        "|---|---|---|---|---|---|",
    ]
    for variant, runs in results.items():
        acc = np.array([r["test_acc"] for r in runs])
        loss = np.array([r["test_loss"] for r in runs])
        delta = f"{acc.mean() - final.mean():+.4f}" if len(final) else "–"
        lines.append(
            f"| {variant} | {acc.mean():.4f} ± {_sd(acc):.4f} "
            f"| {', '.join(f'{a:.4f}' for a in acc)} | {delta} "
            f"| {loss.mean():.3f} ± {_sd(loss):.3f} "
            f"| {np.mean([r['seconds'] for r in runs]):.1f} |"
        )
    lines += ["", "std is the sample standard deviation over seeds."]
    text = "\n".join(lines) + "\n"
    with open(path, "w") as f:
        f.write(text)
    return text


def plot_validation_loss(path, results):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.6))
    for variant, runs in results.items():
        curve = runs[0]["val_loss"]
        ax.plot(range(1, len(curve) + 1), curve, label=variant)
    ax.set_xlabel("epoch")
    ax.set_ylabel("validation cross-entropy (seed 0)")
    ax.set_yscale("log")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--train-size", type=int, default=300)
    parser.add_argument("--val-size", type=int, default=300)
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=VARIANTS)
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: 3 epochs, one seed, 64 training images")
    parser.add_argument("--out", default="results/averaging")
    args = parser.parse_args(argv)
    if args.quick:
        args.epochs, args.seeds, args.train_size, args.val_size = 3, [0], 64, 64

    data = load_split(args.train_size, args.val_size)
    os.makedirs(args.out, exist_ok=True)
    results = {}
    for variant in args.variants:
        results[variant] = []
        for seed in args.seeds:
            print(f"== {variant}, seed {seed} ({keras.backend.backend()})", flush=True)
            results[variant].append(run(variant, data, seed, args.epochs))
    print(write_summary(os.path.join(args.out, "summary.md"), results, args, data))
    try:
        plot_validation_loss(os.path.join(args.out, "weight_averaging.png"), results)
    except ImportError:
        print("matplotlib is not installed: skipped the figure (pip install matplotlib).")
    return results


if __name__ == "__main__":
    main()
