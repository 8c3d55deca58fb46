"""Candidate counter-hash Gaussian noises vs Keras's GaussianDropout.

keras_reg's GaussianDropout keeps ``keras.random.normal``; this benchmark is
the evidence. Each candidate draws one hash word per element (or per pair of
elements) with ``keras_reg.ops._hash_random`` and turns it into N(0, 1):

- ``table16``: 16 bits index a table of normal quantiles Φ⁻¹((k + ½)/2¹⁶);
- ``erfinv24``: √2·erfinv(u) for a symmetric 24-bit u (``keras.ops.erfinv``);
- ``box_muller_pair``: one word → two normals (cos and sin of Box-Muller on
  its two 16-bit halves), the halves concatenated;
- ``box_muller_bcast``: the same pair laid out by broadcasting over a
  trailing axis of 2 instead of a concatenate.

Prints ms per forward pass and the ratio to Keras's layer (< 1: faster), in
every execution mode of the current backend; contenders are timed in turn
(round-robin), so machine load hits them alike.

    KERAS_BACKEND=torch python benchmarks/bench_gaussian_noise.py
"""

import argparse
import functools
import math
import os
import statistics
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
)
from keras import ops  # noqa: E402

from keras_reg.ops import _hash_random  # noqa: E402

_QUANTILES = np.array(
    [statistics.NormalDist().inv_cdf((k + 0.5) / 65536) for k in range(65536)], "float32"
)


def _words(n, seed):
    return _hash_random.random_words((n,), seed)


def _high16(w):  # [-32768, 32767]
    return ops.right_shift(w, 16)


def _low16(w):  # the low half, mixed with the high one: hi16(w * (2**16 + 1))
    return ops.right_shift(ops.multiply(w, 65537), 16)


@functools.lru_cache
def _noise_table(sd):  # built once per sd, not on every call
    return ops.convert_to_tensor(1.0 + sd * _QUANTILES)


def table16(x, sd, seed):
    n = math.prod(x.shape)
    index = ops.add(_high16(_words(n, seed)), 32768)
    noise = ops.take(_noise_table(sd), index)
    return x * ops.reshape(noise, x.shape)


def erfinv24(x, sd, seed):
    n = math.prod(x.shape)
    odd = ops.bitwise_or(ops.right_shift(_words(n, seed), 8), 1)  # |odd| < 2**23
    e = ops.erfinv(ops.cast(odd, "float32") * 2.0**-23)
    return x * ops.reshape(e * (sd * math.sqrt(2.0)) + 1.0, x.shape)


def _polar(x, sd, seed):
    w = _words(math.prod(x.shape) // 2, seed)
    u = (ops.cast(_high16(w), "float32") + 32768.5) * 2.0**-16  # (0, 1)
    angle = ops.cast(_low16(w), "float32") * (2 * math.pi / 65536)
    return ops.sqrt(ops.log(u) * (-2.0 * sd * sd)), angle


def box_muller_pair(x, sd, seed):
    r, angle = _polar(x, sd, seed)
    z = ops.concatenate([r * ops.cos(angle), r * ops.sin(angle)])
    return x * ops.reshape(z + 1.0, x.shape)


def box_muller_bcast(x, sd, seed):
    r, angle = _polar(x, sd, seed)
    phase = ops.multiply(ops.arange(2, dtype="float32"), -math.pi / 2)
    z = ops.expand_dims(r, 1) * ops.cos(ops.expand_dims(angle, 1) + phase)
    return x * ops.reshape(z + 1.0, x.shape)


CANDIDATES = {f.__name__: f for f in (table16, erfinv24, box_muller_pair, box_muller_bcast)}


class HashNoise(keras.layers.Layer):
    def __init__(self, fn, rate):
        super().__init__()
        self.fn, self.sd = fn, math.sqrt(rate / (1.0 - rate))
        self.seed_generator = keras.random.SeedGenerator(1)

    def call(self, x, training=False):
        return self.fn(x, self.sd, self.seed_generator) if training else x


def check_distribution(fn, rate):
    """Each candidate must be a N(1, p/(1-p)) multiplier before it is timed."""
    layer = HashNoise(fn, rate)
    z = keras.ops.convert_to_numpy(layer(ops.ones((4, 65536)), training=True))
    z = (z.astype("float64") - 1.0) / layer.sd
    n = z.size  # mean ~ N(0, 1/n); variance ~ N(1, 2/n); kurtosis ~ N(3, 24/n)
    bounds = [
        abs(z.mean()), abs(z.var() - 1) / math.sqrt(2), abs((z**4).mean() - 3) / math.sqrt(24)
    ]
    assert max(bounds) < 5 / math.sqrt(n), (fn.__name__, bounds)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", type=int, nargs="+", default=[8, 56, 56, 128])
    parser.add_argument("--rate", type=float, default=0.5)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    if math.prod(args.shape) % 2:
        parser.error("--shape must have an even number of elements (pairs)")
    x = ops.convert_to_tensor(
        np.random.default_rng(0).normal(size=args.shape).astype("float32")
    )
    for fn in CANDIDATES.values():
        check_distribution(fn, args.rate)
    backend = keras.backend.backend()
    print(f"# {backend} | {environment()} | shape {tuple(args.shape)} float32")
    print("| backend | mode | copy ms | keras ms | " + " | ".join(CANDIDATES) + " |")
    print("|---" * (4 + len(CANDIDATES)) + "|")
    for mode in modes():
        steps = {
            "copy": copy_step(mode, x),
            "keras": forward_step(keras.layers.GaussianDropout(args.rate, seed=1), mode, x),
        }
        for name, fn in CANDIDATES.items():
            steps[name] = forward_step(HashNoise(fn, args.rate), mode, x)
        t = time_interleaved(steps, x, args.repeats)
        cells = [f"{t[name]*1e3:.1f} ({t[name]/t['keras']:.2f})" for name in CANDIDATES]
        print(f"| {backend} | {mode} | {t['copy']*1e3:.1f} | {t['keras']*1e3:.1f} | "
              + " | ".join(cells) + " |", flush=True)

if __name__ == "__main__":
    main()
