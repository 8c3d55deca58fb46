"""Train-step time of a dropout-heavy CNN: keras_reg's dropout vs Keras's.

The same small CNN (32x32x3 input, three conv blocks, element-wise Dropout
after each activation and AlphaDropout before the head) is built twice, once
with ``keras.layers`` dropout and once with ``keras_reg.layers``, and timed
with ``train_on_batch`` in every ``jit_compile`` setting of the backend
(TensorFlow: graph and XLA; JAX: jit; torch: eager and torch.compile).
Prints median ms/step and the ratio ours/Keras (< 1: keras_reg is faster).

    KERAS_BACKEND=tensorflow python benchmarks/bench_train_step.py
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import keras  # noqa: E402
import numpy as np  # noqa: E402
from _harness import environment, median_train_step  # noqa: E402

import keras_reg  # noqa: E402

JIT = {"tensorflow": [False, True], "jax": [True], "torch": [False, True]}
MODE = {False: "graph/eager", True: "xla/jit/compile"}


def cnn(family, rate):
    lay = [keras.Input((32, 32, 3))]
    for filters in (32, 64, 128):
        lay += [
            keras.layers.Conv2D(filters, 3, padding="same", activation="relu"),
            family.Dropout(rate, seed=filters),
            keras.layers.MaxPooling2D(),
        ]
    lay += [
        keras.layers.Flatten(),
        keras.layers.Dense(256, activation="selu"),
        family.AlphaDropout(rate, seed=1),
        keras.layers.Dense(10),
    ]
    return keras.Sequential(lay)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--rate", type=float, default=0.3)
    parser.add_argument("--steps", type=int, default=10)
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    x = rng.normal(size=(args.batch, 32, 32, 3)).astype("float32")
    y = rng.integers(0, 10, size=(args.batch,))
    backend = keras.backend.backend()
    print(f"# {backend} | {environment()} | batch {args.batch}, rate {args.rate}")
    print("| backend | jit_compile | keras ms/step | keras_reg ms/step | ours/keras |")
    print("|---|---|---|---|---|")
    for jit in JIT[backend]:
        result = {}
        for name, family in (("keras", keras.layers), ("keras_reg", keras_reg.layers)):
            keras.utils.set_random_seed(0)
            model = cnn(family, args.rate)
            model.compile(
                optimizer="adam",
                loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                jit_compile=jit,
            )
            result[name] = median_train_step(model, x, y, args.steps)
            keras.utils.clear_session()
        ratio = result["keras_reg"] / result["keras"]
        print(
            f"| {backend} | {jit} ({MODE[jit]}) | {result['keras'] * 1e3:.1f} "
            f"| {result['keras_reg'] * 1e3:.1f} | {ratio:.2f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
