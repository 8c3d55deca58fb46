"""Dropout-family forward and forward+backward time: keras_reg vs Keras.

For each layer with a Keras twin, times ``layer(x, training=True)`` and a
compiled forward+backward step on the same tensor, in every execution mode of
the current backend, next to a copy of the tensor (``x * 2`` into a new
buffer, the memory-bound floor), the contenders timed in turn (round-robin) so
machine load hits them alike. Prints ms, the ratio ours/Keras (< 1 means
keras_reg is faster) and the forward's effective GB/s (bytes read + written).

    KERAS_BACKEND=jax python benchmarks/bench_layers.py --shape 16 56 56 256
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import keras  # noqa: E402
import numpy as np  # noqa: E402
from _harness import (  # noqa: E402
    copy_step,
    environment,
    forward_step,
    modes,
    time_interleaved,
    train_step,
)

import keras_reg  # noqa: E402

TWINS = {
    "Dropout": (keras_reg.layers.Dropout, keras.layers.Dropout),
    "SpatialDropout2D": (keras_reg.layers.SpatialDropout2D, keras.layers.SpatialDropout2D),
    "AlphaDropout": (keras_reg.layers.AlphaDropout, keras.layers.AlphaDropout),
    "GaussianDropout": (keras_reg.layers.GaussianDropout, keras.layers.GaussianDropout),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", type=int, nargs="+", default=[16, 56, 56, 256])
    parser.add_argument("--rate", type=float, default=0.5)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--layers", nargs="+", default=list(TWINS))
    parser.add_argument("--no-train", action="store_true", help="skip fwd+bwd")
    args = parser.parse_args()

    x = keras.ops.convert_to_tensor(
        np.random.default_rng(0).normal(size=args.shape).astype("float32")
    )
    gbytes = 2 * np.prod(args.shape) * 4 / 1e9  # read x, write y
    backend = keras.backend.backend()
    print(f"# {backend} | {environment()} | shape {tuple(args.shape)} float32")
    print("| backend | mode | layer | copy ms | keras ms | keras_reg ms | ours/keras "
          "| keras_reg GB/s | copy GB/s | fwd+bwd keras ms | fwd+bwd ours ms | fwd+bwd ratio |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for mode in modes():
        for name in args.layers:
            ours_cls, keras_cls = TWINS[name]
            fwd = time_interleaved({
                "copy": copy_step(mode, x),
                "keras": forward_step(keras_cls(args.rate, seed=1), mode, x),
                "ours": forward_step(ours_cls(args.rate, seed=1), mode, x),
            }, x, args.repeats)
            copy, t_keras, t_ours = fwd["copy"], fwd["keras"], fwd["ours"]
            if args.no_train:
                train = "| – | – | – |"
            else:
                bwd = time_interleaved({
                    "keras": train_step(keras_cls(args.rate, seed=1), mode, x),
                    "ours": train_step(ours_cls(args.rate, seed=1), mode, x),
                }, x, args.repeats)
                b_keras, b_ours = bwd["keras"], bwd["ours"]
                train = f"| {b_keras*1e3:.1f} | {b_ours*1e3:.1f} | {b_ours/b_keras:.2f} |"
            print(
                f"| {backend} | {mode} | {name} | {copy*1e3:.1f} | {t_keras*1e3:.1f} "
                f"| {t_ours*1e3:.1f} | {t_ours/t_keras:.2f} | {gbytes/t_ours:.1f} "
                f"| {gbytes/copy:.1f} {train}",
                flush=True,
            )


if __name__ == "__main__":
    main()
