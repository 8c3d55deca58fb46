"""Timing harness shared by the benchmarks.

Benchmarks (unlike the package) may use each backend's own compiler entry
point: they measure what a user gets in each execution mode. Each function
returns a callable ``step(x)`` that runs the work once and blocks until done.
"""

import math
import os
import platform
import statistics
import time

import keras
import numpy as np


def modes():
    """Execution modes to time on the current backend."""
    return {
        "tensorflow": ["graph", "xla"],
        "jax": ["jit"],
        "torch": ["eager", "compile"],
    }[keras.backend.backend()]


def _block(y):
    if keras.backend.backend() == "jax":
        y.block_until_ready()
    elif keras.backend.backend() == "torch":
        float(y.reshape(-1)[0])
    else:
        y.numpy() if hasattr(y, "numpy") else None
    return y


def forward_step(layer, mode, x):
    """``step(x)`` runs ``layer(x, training=True)`` in ``mode``."""
    layer(x, training=False)  # build outside the timed region
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        fn = tf.function(lambda x: layer(x, training=True), jit_compile=mode == "xla")
        return lambda x: _block(fn(x))
    if backend == "jax":
        import jax

        if mode == "eager":  # op by op, the layer's generator updated in place
            return lambda x: _block(layer(x, training=True))
        state = {"nt": [v.value for v in layer.non_trainable_variables]}

        @jax.jit
        def fn(nt, x):
            return layer.stateless_call([], nt, x, training=True)

        def step(x):
            y, state["nt"] = fn(state["nt"], x)
            return _block(y)

        return step
    import torch

    def fn(x):
        return layer(x, training=True)

    if mode == "compile":
        torch._dynamo.reset()  # a fresh cache per layer, no recompile limit
        fn = torch.compile(fn)
    return lambda x: _block(fn(x))


def train_step(layer, mode, x):
    """``step(x)``: forward + backward of ``sum(layer(x) * x)`` w.r.t. ``x``."""
    layer(x, training=False)
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        def fwd_bwd(x):
            with tf.GradientTape() as tape:
                tape.watch(x)
                loss = tf.reduce_sum(layer(x, training=True) * x)
            return tape.gradient(loss, x)

        fn = tf.function(fwd_bwd, jit_compile=mode == "xla")
        return lambda x: _block(fn(x))
    if backend == "jax":
        import jax

        state = {"nt": [v.value for v in layer.non_trainable_variables]}

        def loss(x, nt):
            y, nt = layer.stateless_call([], nt, x, training=True)
            return (y * x).sum(), nt

        fn = jax.jit(jax.grad(loss, has_aux=True))

        def step(x):
            g, state["nt"] = fn(x, state["nt"])
            return _block(g)

        return step
    import torch

    def fwd_bwd(x):
        x = x.detach().requires_grad_(True)
        (layer(x, training=True) * x).sum().backward()
        return x.grad

    if mode == "compile":
        torch._dynamo.reset()
        fwd_bwd = torch.compile(fwd_bwd)
    fn = fwd_bwd
    return lambda x: _block(fn(x))


def copy_step(mode, x):
    """The memory-bound floor: ``x * s`` written to a new buffer."""
    scale = keras.layers.Lambda(lambda x: x * 2.0)
    return forward_step(scale, mode, x)


def time_it(step, x, repeats=5, warmup=2):
    """Median seconds per call after ``warmup`` calls (compilation excluded)."""
    for _ in range(warmup):
        step(x)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        step(x)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def time_interleaved(steps, x, repeats=5, warmup=2, calls=None):
    """Median seconds per call of each ``steps[name]``, called in turn.

    Round-robin (a, b, c, a, b, c, ...) so that a burst of load on this
    shared machine hits every contender alike instead of one of them; on a
    2-core box single-contender medians moved by up to 2x between runs.
    ``calls`` (name -> int, default 1) runs a contender that many times per
    repetition and records the mean: a single call of ~0.3 ms is too short
    for one timer reading to mean much (medians of single calls moved ±30 %
    between runs where loops of them moved ±5 %).
    """
    for step in steps.values():
        for _ in range(warmup):
            step(x)
    calls = calls or {}
    times = {name: [] for name in steps}
    for _ in range(repeats):
        for name, step in steps.items():
            n = calls.get(name, 1)
            t0 = time.perf_counter()
            for _ in range(n):
                step(x)
            times[name].append((time.perf_counter() - t0) / n)
    return {name: statistics.median(t) for name, t in times.items()}


def calls_per_repeat(warm_seconds, min_repeat_s, most=1000):
    """Calls per repetition so that one lasts about ``min_repeat_s``."""
    return {name: max(1, min(most, math.ceil(min_repeat_s / max(t, 1e-7))))
            for name, t in warm_seconds.items()}


def median_train_step(model, x, y, steps, warmup=3):
    """Median seconds of ``model.train_on_batch(x, y)`` after ``warmup`` calls."""
    for _ in range(warmup):
        model.train_on_batch(x, y)
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        model.train_on_batch(x, y)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def environment():
    versions = {"keras": keras.__version__, "numpy": np.__version__}
    backend = keras.backend.backend()
    mod = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}[backend]
    versions[mod] = __import__(mod).__version__
    return (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, "
        + ", ".join(f"{k} {v}" for k, v in versions.items())
    )
