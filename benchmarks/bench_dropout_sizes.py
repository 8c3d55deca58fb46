"""Every dropout-family layer, every execution mode, 4 K to 51 M elements.

Times ``layer(x, training=True)`` for keras_reg's layer next to Keras's twin
(``DropBlock2D`` and ``DropPath``, which Keras lacks, next to a plain-ops
reference drawing from ``keras.random``, below) and a copy of the tensor
(``x * 2``, the memory-bound floor), interleaved (round-robin) medians.
Prints one Markdown row per cell with ours/reference, ours/copy and the
issue-20 targets: ≤ 1.1× the reference everywhere; from 1 M elements up in
the compiled modes (TF XLA, ``jax.jit``, ``torch.compile``), ≥ 3× faster than
the reference or ≤ 1.2× the copy.

A contender whose second (warm) call takes longer than ``--slow-call-s``
(Keras's masks under TensorFlow's XLA: ~30 s per call at 51 M elements) is
timed on its own instead, ``--slow-repeats`` more times after that warm call
(the median of all of them); its cell is marked †.

    KERAS_BACKEND=torch python benchmarks/bench_dropout_sizes.py --sizes 4K 1M
"""

import argparse
import os
import sys
import time
import types

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

# Threads per process (BENCH_THREADS, default 1), set before any backend is
# imported: on the shared 2-core machine multi-threaded kernels measured 10-20x
# apart in neighbouring cells (a 1 MB copy: 0.7 vs 15 ms), one thread did not.
THREADS = os.environ.get("BENCH_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", THREADS)
os.environ.setdefault("TF_NUM_INTRAOP_THREADS", THREADS)
os.environ.setdefault("TF_NUM_INTEROP_THREADS", THREADS)
if THREADS == "1":
    os.environ.setdefault(
        "XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
    )

import _harness  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402
from _harness import copy_step, environment, forward_step, time_interleaved  # noqa: E402

import keras_reg  # noqa: E402
from keras_reg.ops import _random_source  # noqa: E402

# Elements -> a (batch, height, width, channels) shape of that size.
SIZES = {
    "4K": (4, 8, 8, 16),
    "16K": (4, 16, 16, 16),
    "65K": (16, 16, 16, 16),
    "262K": (16, 32, 32, 16),
    "1M": (16, 32, 32, 64),
    "12.8M": (16, 56, 56, 256),
    "51M": (64, 56, 56, 256),
}
MODES = {"tensorflow": ["graph", "xla"], "jax": ["eager", "jit"], "torch": ["eager", "compile"]}
COMPILED = {"xla", "jit", "compile"}


class DropPathReference(keras.layers.Layer):
    """Per-sample drop with ``keras.random.uniform``, as one writes it by hand."""

    def __init__(self, rate, seed=None):
        super().__init__()
        self.rate = rate
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, x, training=False):
        if not training:
            return x
        shape = (keras.ops.shape(x)[0],) + (1,) * (len(x.shape) - 1)
        keep = keras.random.uniform(shape, seed=self.seed_generator) >= self.rate
        return x * (keras.ops.cast(keep, x.dtype) / (1.0 - self.rate))


class DropBlockReference(DropPathReference):
    """DropBlock (Ghiasi et al. 2018), channels last, seeds from
    ``keras.random.uniform``: the algorithm of ``keras_reg.ops.drop_block_2d``."""

    block_size = 7

    def call(self, x, training=False):
        if not training:
            return x
        ops, (n, h, w, c), b = keras.ops, x.shape, self.block_size
        gamma = self.rate * h * w / (b * b * (h - b + 1) * (w - b + 1))
        u = keras.random.uniform((n, h - b + 1, w - b + 1, c), seed=self.seed_generator)
        pad = ((0, 0), (b - 1, b - 1), (b - 1, b - 1), (0, 0))
        seeds = ops.pad(ops.cast(u < gamma, "float32"), pad)
        keep = 1.0 - ops.max_pool(seeds, pool_size=b, strides=1, padding="valid")
        return x * (keep / ops.maximum(ops.mean(keep), 1e-12))


R = keras_reg.layers
# name -> (keras_reg class, reference class, input rank)
LAYERS = {
    "Dropout": (R.Dropout, keras.layers.Dropout, 4),
    "SpatialDropout1D": (R.SpatialDropout1D, keras.layers.SpatialDropout1D, 3),
    "SpatialDropout2D": (R.SpatialDropout2D, keras.layers.SpatialDropout2D, 4),
    "SpatialDropout3D": (R.SpatialDropout3D, keras.layers.SpatialDropout3D, 5),
    "AlphaDropout": (R.AlphaDropout, keras.layers.AlphaDropout, 4),
    "GaussianDropout": (R.GaussianDropout, keras.layers.GaussianDropout, 4),
    "DropBlock2D": (R.DropBlock2D, DropBlockReference, 4),
    "DropPath": (R.DropPath, DropPathReference, 4),
}


def shape_of_rank(shape4, rank):
    n, h, w, c = shape4
    return {3: (n, h * w, c), 4: shape4, 5: (n, 2, h, w // 2, c)}[rank]


def forced(step, keep):
    """``step`` with keras_reg's keep-mask source forced (``None``: chosen)."""
    if keep is None:
        return step

    def run(x):
        with _random_source.forced_sources(keep=keep):
            return step(x)

    return run


def time_cell(steps, x, repeats, slow_call_s, slow_repeats, clock, min_repeat_s):
    """Median seconds per contender; slow ones (first call > slow_call_s) alone;
    fast ones looped within a repetition to last about ``min_repeat_s``."""
    slow, warm = {}, {}
    for name, step in steps.items():
        step(x)  # compilation, first-call caches
        t0 = clock()
        step(x)
        warm[name] = clock() - t0
        if warm[name] > slow_call_s:
            slow[name] = step
    fast = {k: v for k, v in steps.items() if k not in slow}
    calls = _harness.calls_per_repeat({k: warm[k] for k in fast}, min_repeat_s)
    times = time_interleaved(fast, x, repeats, warmup=0, calls=calls)  # warmed up above
    for name, step in slow.items():
        samples = [warm[name]]  # the warm call counts as one repetition
        for _ in range(slow_repeats):
            t0 = clock()
            step(x)
            samples.append(clock() - t0)
        times[name] = float(np.median(samples))
    return times, set(slow)


def verdict(mode, elements, ratio, over_copy):
    ok = ratio <= 1.1
    if mode in COMPILED and elements >= 1 << 20:
        ok = ok and (ratio <= 1 / 3 or over_copy <= 1.2)
    return "✓" if ok else "✗"


def main():
    backend = keras.backend.backend()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=list(SIZES), choices=list(SIZES))
    parser.add_argument("--modes", nargs="+", default=MODES[backend])
    parser.add_argument("--layers", nargs="+", default=list(LAYERS), choices=list(LAYERS))
    parser.add_argument("--rate", type=float, default=0.2)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--slow-call-s", type=float, default=3.0)
    parser.add_argument("--slow-repeats", type=int, default=1)
    parser.add_argument("--min-repeat-s", type=float, default=0.05,
                        help="loop fast calls so one repetition lasts about this long "
                        "(0: one call per repetition, as before 2026-11-30 11:50)")
    parser.add_argument("--keep-source", choices=_random_source.KEEP_SOURCES, default=None,
                        help="force keras_reg's keep-mask source (crossover runs)")
    parser.add_argument("--clock", choices=["wall", "cpu"], default="wall",
                        help="cpu: the process's CPU time (time.process_time) instead of wall "
                        "time; with one thread per process it counts this process's work only, "
                        "not the time other processes on a loaded machine take from it")
    args = parser.parse_args()
    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    # The harness times with time.perf_counter; give it the chosen clock.
    _harness.time = types.SimpleNamespace(perf_counter=clock)

    print(f"# {backend} | {environment()} | {THREADS} thread(s) | rate {args.rate} | keep source "
          f"{args.keep_source or 'by mode'} | {args.clock} clock | "
          f"repetitions of ≥ {args.min_repeat_s} s | load average "
          f"{' '.join(f'{v:.1f}' for v in os.getloadavg())}", flush=True)
    print("| backend | mode | layer | elements | copy ms | reference ms | keras_reg ms "
          "| ours/ref | ours/copy | target |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    if backend == "torch":
        import torch

        torch.set_num_threads(int(THREADS))
    rng = np.random.default_rng(0)
    for size in args.sizes:
        shape4 = SIZES[size]
        for mode in args.modes:
            for rank in sorted({LAYERS[name][2] for name in args.layers}):
                x = keras.ops.convert_to_tensor(
                    rng.normal(size=shape_of_rank(shape4, rank)).astype("float32"))
                copy = copy_step(mode, x)
                for name in [n for n in args.layers if LAYERS[n][2] == rank]:
                    ours_cls, ref_cls = LAYERS[name][:2]
                    steps = {
                        "copy": copy,
                        "ref": forward_step(ref_cls(args.rate, seed=1), mode, x),
                        "ours": forced(forward_step(ours_cls(args.rate, seed=1), mode, x),
                                       args.keep_source),
                    }
                    t, slow = time_cell(steps, x, args.repeats, args.slow_call_s,
                                        args.slow_repeats, clock, args.min_repeat_s)
                    mark = {k: "†" if k in slow else "" for k in steps}
                    ratio, over_copy = t["ours"] / t["ref"], t["ours"] / t["copy"]
                    print(
                        f"| {backend} | {mode} | {name} | {size} | {t['copy']*1e3:.2f}"
                        f"{mark['copy']} | {t['ref']*1e3:.2f}{mark['ref']} "
                        f"| {t['ours']*1e3:.2f}{mark['ours']} | {ratio:.2f} | {over_copy:.2f} "
                        f"| {verdict(mode, int(np.prod(shape4)), ratio, over_copy)} |",
                        flush=True,
                    )
                del x, copy


if __name__ == "__main__":
    main()
