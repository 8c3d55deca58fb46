"""Images/s of ``keras_reg.augment.image_recipe()`` in tf.data, vs the same
recipe from plain Keras layers and vs albumentations (if installed).

224x224x3 crops of scikit-learn's bundled ``load_sample_images`` photos,
batch 64, ``ds.map(augment, num_parallel_calls=AUTOTUNE)``, all on this
machine's CPUs in one run. The Keras recipe is flip + RandomRotation(10°) +
RandomBrightness/Contrast/Saturation/Hue, which is what a user porting
torchvision's recipe writes (its colour factors mean different things, see
docs/augmentation.md). albumentations runs its own recipe (HorizontalFlip,
Rotate(10), ColorJitter(0.2, 0.2, 0.2, 0.1)) on uint8 in a plain loop.

``--in-model`` instead times the rotation layer called inside a model on
the current backend (eager, as in torch's ``fit``): keras_reg's
``RandomFlipRotation`` (a gather, or TensorFlow's native kernel) vs
``keras.layers.RandomRotation``, same angle range, same batches.

``--audio`` times keras_reg's audio layers against audiomentations, one
row per pair of ``AUDIO_PAIRS`` (see ``_audio_bench``). The import resolves
``keras_reg`` from ``sys.path``: to time a checkout other than the installed
one, run it with ``PYTHONPATH=<checkout>`` (the header names the one used).

    KERAS_BACKEND=jax python benchmarks/bench_augment.py
    KERAS_BACKEND=torch python benchmarks/bench_augment.py --in-model
    KERAS_BACKEND=jax python benchmarks/bench_augment.py --audio
"""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import keras  # noqa: E402
import numpy as np  # noqa: E402
from _harness import environment  # noqa: E402

import keras_reg  # noqa: E402


def photos(count, size=224, seed=0):
    from sklearn.datasets import load_sample_images

    rng = np.random.default_rng(seed)
    sources = load_sample_images().images
    out = []
    for i in range(count):
        img = sources[i % len(sources)]
        y = rng.integers(0, img.shape[0] - size)
        x = rng.integers(0, img.shape[1] - size)
        out.append(img[y : y + size, x : x + size])
    return np.stack(out)


def keras_recipe(seed=0):
    return keras.layers.Pipeline(
        [
            keras.layers.RandomFlip("horizontal", seed=seed),
            keras.layers.RandomRotation(10 / 360, fill_mode="constant", seed=seed + 1),
            keras.layers.RandomBrightness(0.2, value_range=(0, 255), seed=seed + 2),
            keras.layers.RandomContrast(0.2, value_range=(0, 255), seed=seed + 3),
            keras.layers.RandomSaturation(0.2, value_range=(0, 255), seed=seed + 4),
            keras.layers.RandomHue(0.1, value_range=(0, 255), seed=seed + 5),
        ]
    )


def tf_data_rate(augment, images, batch, batches):
    import tensorflow as tf  # here: --in-model runs where TensorFlow is absent (GPU check)

    ds = tf.data.Dataset.from_tensors(tf.cast(images[:batch], tf.float32)).repeat()
    ds = ds.map(augment, num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE)
    it = iter(ds)
    for _ in range(3):
        next(it)
    t0 = time.perf_counter()
    for _ in range(batches):
        next(it).numpy()
    return batches * batch / (time.perf_counter() - t0)


def albumentations_rate(images, count):
    try:
        import albumentations as A
    except ImportError:
        return None
    recipe = A.Compose(
        [A.HorizontalFlip(), A.Rotate(limit=10, border_mode=0),
         A.ColorJitter(0.2, 0.2, 0.2, 0.1, p=1.0)]
    )
    for img in images[:8]:
        recipe(image=img)
    t0 = time.perf_counter()
    for i in range(count):
        recipe(image=images[i % len(images)])
    return count / (time.perf_counter() - t0)


def layer_ms(layer, x, repeats=20):
    for _ in range(3):
        keras.ops.convert_to_numpy(layer(x, training=True))
    t0 = time.perf_counter()
    for _ in range(repeats):
        keras.ops.convert_to_numpy(layer(x, training=True))
    return (time.perf_counter() - t0) / repeats * 1e3


def in_model():
    print(f"# {keras.backend.backend()} | {environment()}")
    print("| batch | keras_reg RandomFlipRotation (ms) | keras RandomRotation (ms) | "
          "keras / keras_reg |")
    print("|---|---|---|---|")
    rng = np.random.default_rng(0)
    for shape in [(32, 8, 8, 1), (32, 28, 28, 1), (16, 224, 224, 3)]:
        x = keras.ops.convert_to_tensor(rng.random(shape).astype("float32"))
        ours = layer_ms(keras_reg.augment.RandomFlipRotation(
            None, degrees=15, value_range=(0, 1), seed=0), x)
        theirs = layer_ms(keras.layers.RandomRotation(15 / 360, fill_mode="constant", seed=0),
                          x)
        print(f"| {shape} | {ours:.2f} | {theirs:.2f} | {theirs / ours:.2f} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--batches", type=int, default=10)
    parser.add_argument("--in-model", action="store_true",
                        help="time the rotation layer eagerly on this backend instead")
    parser.add_argument("--audio", action="store_true",
                        help="time the audio layers against audiomentations instead")
    parser.add_argument("--repeats", type=int, default=5,
                        help="--audio: interleaved repetitions per pair (medians reported)")
    parser.add_argument("--only", default=None,
                        help="--audio: comma-separated row names to time")
    args = parser.parse_args()
    if args.in_model:
        in_model()
        return
    if args.audio:
        from _audio_bench import run_audio

        run_audio(args.batch, args.batches, args.repeats, args.only)
        return

    images = photos(args.batch)
    ours = tf_data_rate(keras_reg.augment.image_recipe(seed=0), images, args.batch, args.batches)
    plain = tf_data_rate(keras_recipe(), images, args.batch, args.batches)
    albu = albumentations_rate(images, args.batch * args.batches)
    import tensorflow as tf

    print(f"# {keras.backend.backend()} | {environment()} | tf {tf.__version__}")
    print("| pipeline | images/s | keras_reg / this |")
    print("|---|---|---|")
    print(f"| keras_reg image_recipe (tf.data) | {ours:.0f} | 1.00 |")
    print(f"| plain Keras layers (tf.data) | {plain:.0f} | {ours / plain:.2f} |")
    if albu is None:
        print("| albumentations | not installed | – |")
    else:
        print(f"| albumentations (uint8, loop) | {albu:.0f} | {ours / albu:.2f} |")


if __name__ == "__main__":
    main()
