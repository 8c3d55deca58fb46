"""Images/s of the modern image recipe's layers in tf.data against Keras's
own doing the same kind of work, and the cost of the label mixer inside a
jitted JAX train step.

tf.data part (any backend; the pipelines run TensorFlow ops): 224x224x3
crops of scikit-learn's bundled photos, batch 64, class ids for 10 classes,
``ds.map(fn)``; the contenders of a pair are timed in turn (round-robin,
median of ``--rounds``), and each round reads ``--batches`` batches: 12 by
default, so that the two batches a pipeline prefetched while the other
contender ran are a small part of its round (with 3 a round timed mostly
prefetched batches: ratios near 1 whatever the work).

| keras_reg | Keras |
|---|---|
| ``MixUp(0.8)`` | ``keras.layers.MixUp(0.8)`` (one-hot labels) |
| ``CutMix(1.0)`` | ``keras.layers.CutMix(1.0)`` |
| ``RandomResizedCrop(224)`` | ``RandomCrop(160) + Resizing(224)`` (no area/aspect law) |
| the same, a box per image | Keras's pair mapped over single images, then batched |
| ``RandomErasing(1.0)`` | ``keras.layers.RandomErasing(factor=1.0)`` |
| ``AugMix()`` per image | ``keras.layers.AugMix()`` (operations fixed when traced) |

``--jax-step`` (``KERAS_BACKEND=jax``): the demo-sized CNN on 128 images of
32x32x3, one jitted step with ``MixUpCutMix`` drawn and applied inside it
(stateless seed) against the same step without it.

    python benchmarks/bench_image_recipe.py
    KERAS_BACKEND=jax python benchmarks/bench_image_recipe.py --jax-step
"""

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import keras  # noqa: E402
import numpy as np  # noqa: E402
from _harness import environment  # noqa: E402

import keras_reg  # noqa: E402
from keras_reg import augment  # noqa: E402

CLASSES = 10


def photos(count, size=224, seed=0):
    from sklearn.datasets import load_sample_images

    rng = np.random.default_rng(seed)
    sources = load_sample_images().images
    out = []
    for i in range(count):
        img = sources[i % len(sources)]
        y, x = rng.integers(0, img.shape[0] - size), rng.integers(0, img.shape[1] - size)
        out.append(img[y:y + size, x:x + size])
    return np.stack(out).astype("float32")


def _keras_dict(layer):
    def fn(x, y):
        out = layer({"images": x, "labels": y}, training=True)
        return out["images"], out["labels"]

    return fn


def _images_only(layer):
    def fn(x, y):
        return layer(x, training=True), y

    return fn


def _per_image(fn):
    """``fn`` mapped over single images, the batch made after it (a Keras
    layer draws one crop per call: per image is how it crops each image
    differently)."""
    fn.per_image = True
    return fn


def pairs():
    keras_crop = keras.layers.Pipeline([keras.layers.RandomCrop(160, 160, seed=0),
                                        keras.layers.Resizing(224, 224)])
    keras_crop_each = keras.layers.Pipeline([keras.layers.RandomCrop(160, 160, seed=0),
                                             keras.layers.Resizing(224, 224)])
    return {
        "MixUp": (augment.paired(augment.MixUp(0.8, num_classes=CLASSES, seed=0)),
                  _keras_dict(keras.layers.MixUp(0.8, seed=0)), True),
        "CutMix": (augment.paired(augment.CutMix(1.0, num_classes=CLASSES, seed=0)),
                   _keras_dict(keras.layers.CutMix(1.0, seed=0)), True),
        "resized crop": (augment.paired(augment.RandomResizedCrop(224, seed=0)),
                         _images_only(keras_crop), False),
        "resized crop, a box per image": (augment.paired(augment.RandomResizedCrop(224, seed=0)),
                                          _per_image(_images_only(keras_crop_each)), False),
        "erasing": (augment.paired(augment.RandomErasing(1.0, seed=0)),
                    _images_only(keras.layers.RandomErasing(factor=1.0, seed=0)), False),
        "AugMix": (augment.paired(augment.AugMix(seed=0)),
                   _images_only(keras.layers.AugMix(seed=0)), False),
    }


def tf_data_rates(fns, images, ids, one_hot, batches, rounds):
    import tensorflow as tf

    iterators = {}
    for name, (fn, keras_labels) in fns.items():
        labels = one_hot if keras_labels else ids
        if getattr(fn, "per_image", False):
            ds = tf.data.Dataset.from_tensor_slices((images, labels)).repeat().map(fn)
            ds = ds.batch(len(images)).prefetch(2)
        else:
            ds = tf.data.Dataset.from_tensors((images, labels)).repeat().map(fn).prefetch(2)
        iterators[name] = iter(ds)
        for _ in range(2):
            next(iterators[name])
    times = {name: [] for name in fns}
    for _ in range(rounds):
        for name, it in iterators.items():
            t0 = time.perf_counter()
            for _ in range(batches):
                next(it)[0].numpy()
            times[name].append(time.perf_counter() - t0)
    return {name: batches * len(images) / statistics.median(t) for name, t in times.items()}


def tf_data(args):
    images = photos(args.batch)
    ids = np.arange(args.batch) % CLASSES
    one_hot = np.eye(CLASSES, dtype="float32")[ids]
    print(f"# tf.data, batch {args.batch}, 224x224x3 | {keras.backend.backend()} | "
          f"{environment()}")
    print("| work | keras_reg images/s | Keras images/s | keras_reg / Keras |")
    print("|---|---|---|---|")
    for name, (ours, theirs, keras_one_hot) in pairs().items():
        if args.only and name not in args.only:
            continue
        rates = tf_data_rates({"ours": (ours, False), "keras": (theirs, keras_one_hot)},
                              images, ids, one_hot, args.batches, args.rounds)
        print(f"| {name} | {rates['ours']:.0f} | {rates['keras']:.0f} | "
              f"{rates['ours'] / rates['keras']:.2f} |")


def jax_step(args):
    import jax

    model = keras.Sequential([
        keras.Input((32, 32, 3)), keras.layers.Conv2D(16, 3, activation="relu"),
        keras.layers.MaxPooling2D(), keras.layers.Conv2D(32, 3, activation="relu"),
        keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(CLASSES)])
    optimizer = keras.optimizers.Adam(1e-3)
    optimizer.build(model.trainable_variables)
    loss_fn = keras_reg.losses.SoftTargetCrossentropy(from_logits=True)
    mixer = augment.MixUpCutMix(num_classes=CLASSES, label_smoothing=0.1, value_range=(0, 1))
    rng = np.random.default_rng(0)
    x = jax.numpy.asarray(rng.random((128, 32, 32, 3), dtype="float32"))
    y = jax.numpy.asarray(rng.integers(0, CLASSES, 128))

    def make_step(mix):
        def loss(trainable, non_trainable, images, labels):
            logits, non_trainable = model.stateless_call(trainable, non_trainable, images,
                                                         training=True)
            return loss_fn(labels, logits), non_trainable

        @jax.jit
        def step(state, images, labels, key):
            trainable, non_trainable, opt_vars = state
            if mix:
                data = {"images": images, "labels": labels}
                t = mixer.get_random_transformation(data, seed=key)
                data = mixer.apply_transformation(data, t)
                images, labels = data["images"], data["labels"]
            else:
                labels = jax.nn.one_hot(labels, CLASSES)
            (value, non_trainable), grads = jax.value_and_grad(loss, has_aux=True)(
                trainable, non_trainable, images, labels)
            trainable, opt_vars = optimizer.stateless_apply(opt_vars, grads, trainable)
            return (trainable, non_trainable, opt_vars), value

        return step

    state = ([v.value for v in model.trainable_variables],
             [v.value for v in model.non_trainable_variables],
             [v.value for v in optimizer.variables])
    steps = {"plain": make_step(False), "mixed": make_step(True)}
    keys = jax.random.split(jax.random.key_data(jax.random.key(0)), 4096)
    for step in steps.values():
        for i in range(3):
            jax.block_until_ready(step(state, x, y, keys[i])[1])
    times = {name: [] for name in steps}
    for r in range(args.rounds * 10):
        for name, step in steps.items():
            t0 = time.perf_counter()
            jax.block_until_ready(step(state, x, y, keys[r])[1])
            times[name].append(time.perf_counter() - t0)
    plain, mixed = (statistics.median(times[n]) * 1e3 for n in ("plain", "mixed"))
    print(f"# jitted JAX train step, batch 128, 32x32x3 | {environment()}")
    print("| step | ms | vs plain |")
    print("|---|---|---|")
    print(f"| plain | {plain:.2f} | 1.00 |")
    print(f"| with MixUpCutMix | {mixed:.2f} | {mixed / plain:.3f} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--batches", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--jax-step", action="store_true")
    parser.add_argument("--only", nargs="+", help="tf.data pairs to time (default: all)")
    args = parser.parse_args()
    jax_step(args) if args.jax_step else tf_data(args)


if __name__ == "__main__":
    main()
