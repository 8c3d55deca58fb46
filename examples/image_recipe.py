"""Train the demo's CNN on digits with and without keras_reg's image recipe.

Variants (each with several seeds, on the current Keras backend):
  plain   - Adam, sparse cross-entropy, no augmentation
  recipe  - keras_reg.recipes.image_classification at --strength: resized
            crops, flips, RandAugment, erasing, MixUp/CutMix with label
            smoothing, soft-target loss, AdamW with cosine decay, weight EMA

The network is examples/weight_averaging.py's (two 3x3 convolutions, a
dense layer) on scikit-learn's bundled 8x8 digits, with a small training
split. Writes OUT/summary.md: test accuracy and cross-entropy, mean ± sd
over seeds and the standard error of the difference.

    KERAS_BACKEND=jax python examples/image_recipe.py --out results/recipe
"""

import argparse
import math
import os

import keras
import numpy as np
import tensorflow as tf

import keras_reg

VARIANTS = ("plain", "recipe")
LR, BATCH = 2e-3, 32


def run(variant, data, seed, epochs, strength):
    from weight_averaging import cnn

    (x, y), _, (x_test, y_test) = data
    model = cnn(seed)
    steps = epochs * math.ceil(len(x) / BATCH)
    if variant == "plain":
        model.compile(keras.optimizers.Adam(LR),
                      keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        model.fit(x, y, batch_size=BATCH, epochs=epochs, verbose=0, shuffle=True)
    else:
        recipe = keras_reg.recipes.image_classification(
            10, steps, image_size=8, strength=strength, learning_rate=LR,
            value_range=(0, 1), ema_decay=max(0.9, 1 - 10 / steps), seed=seed)
        train = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=seed)
        train = recipe.train_dataset(train.batch(BATCH))
        model.compile(recipe.optimizer, recipe.loss)
        model.fit(train, epochs=epochs, verbose=0, callbacks=recipe.callbacks)
    logits = keras.ops.convert_to_numpy(model.predict(x_test, verbose=0))
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(y_test, logits)
    return {"test_acc": float((logits.argmax(axis=1) == y_test).mean()),
            "test_loss": float(keras.ops.convert_to_numpy(loss))}


def _mean_sd(values):
    values = np.asarray(values)
    return values.mean(), values.std(ddof=1) if len(values) > 1 else 0.0


def write_summary(path, results, args):
    lines = [f"# Image recipe on digits ({keras.backend.backend()})", "",
             f"{args.train_size} training images, {args.epochs} epochs, strength "
             f"{args.strength}, seeds {args.seeds}.", "",
             "| variant | test accuracy | test cross-entropy |", "|---|---|---|"]
    for variant, runs in results.items():
        acc, acc_sd = _mean_sd([r["test_acc"] for r in runs])
        loss, loss_sd = _mean_sd([r["test_loss"] for r in runs])
        lines.append(f"| {variant} | {acc:.4f} ± {acc_sd:.4f} | {loss:.3f} ± {loss_sd:.3f} |")
    if set(VARIANTS) <= set(results) and len(args.seeds) > 1:
        diff = [r["test_acc"] - p["test_acc"] for r, p in zip(results["recipe"], results["plain"])]
        mean, sd = _mean_sd(diff)
        lines += ["", f"recipe − plain accuracy, paired by seed: {mean:+.4f} "
                      f"(standard error {sd / math.sqrt(len(diff)):.4f})."]
    text = "\n".join(lines) + "\n"
    with open(path, "w") as f:
        f.write(text)
    return text


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--train-size", type=int, default=300)
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--strength", type=float, default=0.5)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--quick", action="store_true",
                        help="one seed, 2 epochs, 64 images: a smoke test")
    parser.add_argument("--out", default="results/recipe")
    args = parser.parse_args(argv)
    if args.quick:
        args.seeds, args.epochs, args.train_size = [0], 2, 64
    from weight_averaging import load_split

    data = load_split(args.train_size, 300)
    os.makedirs(args.out, exist_ok=True)
    results = {v: [run(v, data, s, args.epochs, args.strength) for s in args.seeds]
               for v in VARIANTS}
    print(write_summary(os.path.join(args.out, "summary.md"), results, args))
    return results


if __name__ == "__main__":
    main()
