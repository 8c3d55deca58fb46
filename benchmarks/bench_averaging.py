"""Cost of weight averaging and SAM on the demo's CNN (digits, batch 32).

* SAM and EMA per step: seconds per train step of the model wrapped in
  ``SharpnessAwareMinimization``, and of the model with an EMA at every step
  (the callback's own call, or inside the step by ``ema.wrap_optimizer``), vs
  the same model with the same optimizer, compiled as ``fit`` compiles by
  default. A step is ``(t(57 steps) − t(1 step)) / 56``, two ``fit`` epochs
  of 1797 and 32 images, which cancels ``fit``'s fixed cost per epoch (and
  avoids ``train_on_batch``, which on torch costs ~0.3 s a call). Two
  forward and backward passes are SAM's floor: target <= 2.2x.
* EMA and SWA: median seconds per epoch of a ``fit`` of ``--epochs-per-fit``
  epochs (1797 images, 57 steps each; default 1, the worst case: a callback's
  fixed cost per ``fit`` — binding the compiled update, putting the average
  into the model at the end — then counts in full against each epoch)
  with ``ExponentialMovingAverage`` (updated every step by its own compiled
  call, every 4th, and every step inside the train step by the optimizer
  from ``ema.wrap_optimizer``) or ``StochasticWeightAveraging(start_epoch=0)``
  (averaging at every epoch end, the worst case) vs without. Target: <= 5 % overhead.

All contenders are timed round-robin (``time_interleaved``) on their own
models, compiled in the warm-up, so that load bursts on a shared machine hit
them alike; the load average is printed before and after.

    KERAS_BACKEND=jax python benchmarks/bench_averaging.py --repeats 9

On a machine loaded by other jobs, run torch with ``OMP_NUM_THREADS=1``:
its default threads then contend with the load and a step of this CNN
takes 10x longer, burying the differences measured.
"""

import argparse
import os
import sys

import keras
from _harness import environment, time_interleaved

import keras_reg

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples"))


def digits():
    from _digits import shuffled_digits

    return shuffled_digits(0, images=True)


def cnn(seed=0):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([
        keras.Input((8, 8, 1)),
        keras.layers.Conv2D(32, 3, padding="same", activation="relu"),
        keras.layers.Conv2D(32, 3, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Flatten(),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(10),
    ])


def compiled(model, optimizer=None):
    model.compile(optimizer or keras.optimizers.Adam(1e-3),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def step_times(x, y, repeats):
    """Seconds per train step: the base model, SAM, and EMA at every step by
    the callback's own call or inside the step (``EMAOptimizer``)."""
    ema, in_step = (keras_reg.callbacks.ExponentialMovingAverage(0.999) for _ in range(2))
    models = {"base": compiled(cnn()),
              "sam": compiled(keras_reg.models.SharpnessAwareMinimization(cnn(), rho=0.05)),
              "ema": compiled(cnn()),
              "ema_in_step": compiled(cnn(), in_step.wrap_optimizer(keras.optimizers.Adam(1e-3)))}
    callbacks = {"ema": [ema], "ema_in_step": [in_step]}

    def epoch(name, n):
        return lambda _: models[name].fit(x[:n], y[:n], batch_size=32, epochs=1, verbose=0,
                                          callbacks=callbacks.get(name, []))

    steps = {(name, n): epoch(name, n) for name in models for n in (32, len(x))}
    times = time_interleaved(steps, None, repeats=repeats, warmup=2)
    batches = -(-len(x) // 32)
    return {name: (times[(name, len(x))] - times[(name, 32)]) / (batches - 1) for name in models}


def epoch_times(x, y, repeats, epochs_per_fit=1):
    # One callback per model for all repetitions, as for one long run (the
    # compiled update is made once; each fit call continues the run).
    in_step = keras_reg.callbacks.ExponentialMovingAverage(0.999)
    callbacks = {
        "none": [],
        "ema": [keras_reg.callbacks.ExponentialMovingAverage(0.999)],
        "ema4": [keras_reg.callbacks.ExponentialMovingAverage(0.999, update_every=4)],
        "ema_in_step": [in_step],
        "swa": [keras_reg.callbacks.StochasticWeightAveraging(0)],
    }
    models = {name: compiled(cnn()) for name in callbacks}
    models["ema_in_step"] = compiled(cnn(), in_step.wrap_optimizer(keras.optimizers.Adam(1e-3)))

    def epoch(name):
        return lambda _: models[name].fit(x, y, batch_size=32, epochs=epochs_per_fit,
                                          verbose=0, callbacks=callbacks[name])

    times = time_interleaved({name: epoch(name) for name in models}, None,
                             repeats=repeats, warmup=2)
    return {name: t / epochs_per_fit for name, t in times.items()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--epochs-per-fit", type=int, default=1,
                        help="epochs of each timed fit (EMA/SWA rows are per epoch)")
    parser.add_argument("--skip-sam", action="store_true", help="time EMA/SWA only")
    args = parser.parse_args(argv)
    x, y = digits()
    load_before = os.getloadavg()
    sam = None if args.skip_sam else step_times(x, y, args.repeats)
    epochs = epoch_times(x, y, args.repeats, args.epochs_per_fit)
    load_after = os.getloadavg()
    backend = keras.backend.backend()
    print(f"{environment()}; keras_reg from {os.path.dirname(keras_reg.__file__)}; load average "
          f"{load_before[0]:.1f} before, {load_after[0]:.1f} after; medians of {args.repeats} "
          f"interleaved repetitions; {args.epochs_per_fit} epoch(s) per fit")
    print("| backend | base step ms | SAM step ms | ratio | epoch s | EMA | EMA every 4 "
          "| EMA in step | SWA |")
    print("|---|---|---|---|---|---|---|---|---|")
    base = epochs["none"]

    def cell(name):
        return f"{epochs[name]:.3f} s ({100 * (epochs[name] / base - 1):+.1f} %)"

    steps = ("– | – | –" if sam is None else
             f"{sam['base'] * 1e3:.2f} | {sam['sam'] * 1e3:.2f} | {sam['sam'] / sam['base']:.2f}")
    print(f"| {backend} | {steps} | {base:.3f} | {cell('ema')} | {cell('ema4')} "
          f"| {cell('ema_in_step')} | {cell('swa')} |")
    if sam is not None:
        print(f"\nPer step: EMA by the callback's call {sam['ema'] * 1e3:.2f} ms "
              f"({100 * (sam['ema'] / sam['base'] - 1):+.1f} %), inside the step "
              f"{sam['ema_in_step'] * 1e3:.2f} ms "
              f"({100 * (sam['ema_in_step'] / sam['base'] - 1):+.1f} %)")
    return sam, epochs


if __name__ == "__main__":
    main()
