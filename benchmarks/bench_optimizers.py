"""Train-step time: DecoupledWeightDecay(Adam) vs keras.optimizers.AdamW.

The same ~10.5M-parameter MLP, the same data, compiled the way ``fit`` does
by default on the current backend; prints the median ``train_on_batch`` time
of each optimizer and the ratio ours/Keras (target <= 1.05).

    KERAS_BACKEND=jax python benchmarks/bench_optimizers.py
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import keras  # noqa: E402
import numpy as np  # noqa: E402
from _harness import environment, median_train_step  # noqa: E402

from keras_reg.optimizers import DecoupledWeightDecay  # noqa: E402


def mlp(width):
    keras.utils.set_random_seed(0)
    return keras.Sequential([
        keras.Input((1024,)),
        keras.layers.Dense(width, activation="relu"),
        keras.layers.Dense(width, activation="relu"),
        keras.layers.Dense(width, activation="relu"),
        keras.layers.Dense(10),
    ])


def step_time(optimizer, x, y, width, steps, warmup=3):
    model = mlp(width)
    model.compile(optimizer, keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return median_train_step(model, x, y, steps, warmup), model.count_params()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--width", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--steps", type=int, default=25)
    parser.add_argument("--rounds", type=int, default=3, help="alternate A/B rounds")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    x = rng.normal(size=(args.batch, 1024)).astype("float32")
    y = rng.integers(0, 10, args.batch)

    ours, theirs = [], []
    for _ in range(args.rounds):  # alternate to spread machine noise over both
        t, n = step_time(keras.optimizers.AdamW(1e-3, weight_decay=1e-2), x, y,
                         args.width, args.steps)
        theirs.append(t)
        t, n = step_time(DecoupledWeightDecay(keras.optimizers.Adam(1e-3), 1e-2,
                                              exclude_bias_and_norm=False),
                         x, y, args.width, args.steps)
        ours.append(t)
    t_keras, t_ours = min(theirs), min(ours)
    print(f"# {keras.backend.backend()} | {environment()} | {n / 1e6:.1f}M parameters, "
          f"batch {args.batch}")
    print("| backend | params | keras AdamW ms/step | DecoupledWeightDecay(Adam) ms/step | ratio |")
    print("|---|---|---|---|---|")
    print(f"| {keras.backend.backend()} | {n / 1e6:.1f}M | {t_keras * 1e3:.1f} "
          f"| {t_ours * 1e3:.1f} | {t_ours / t_keras:.3f} |")


if __name__ == "__main__":
    main()
