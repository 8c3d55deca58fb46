"""Write the saved-file fixtures of a keras_reg release: ``.keras`` models and
what that release computed with them, one folder per backend.

    python scripts/make_fixtures.py                  # keras_reg 0.1.0 (commit 6ea56fb)
    python scripts/make_fixtures.py --commit REV --out tests/fixtures/vX.Y.Z

The commit is checked out in a temporary git worktree; this script then runs
itself once per backend in a subprocess whose PYTHONPATH points at that
worktree, so every model is built, trained and saved by the release's own
code; the worktree is removed at the end. For each model ``<name>`` the
backend's folder gets:

* ``<name>.keras``: the compiled model after one training step (so the
  optimizer's state is in the file), as the release saved it, its zip
  members then deflated (their bytes unchanged) to keep the fixtures small;
* ``<name>.npz``: ``x`` and ``y`` (fixed data), ``predictions`` (inference on
  ``x``), ``resumed_<i>`` (``model.weights[i]`` after one more
  ``train_on_batch(x, y)``), ``random`` (whether the model has random
  layers) and the producing versions.

tests/test_saved_files.py loads these files with the current keras_reg.
"""

import argparse
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
BACKENDS = ("tensorflow", "jax", "torch")


# -- the models (child process: keras_reg is the release under test) ----------


def _rng(name):
    import zlib

    import numpy as np

    return np.random.default_rng(zlib.crc32(name.encode()))


def _mlp(name, penalties=None):
    import keras

    reg = penalties or {}
    return keras.Sequential(
        [
            keras.Input((6,)),
            keras.layers.Dense(8, activation="tanh", name="dense_in", **reg.get("in", {})),
            keras.layers.BatchNormalization(name="norm"),
            keras.layers.Dense(3, name="dense_out", **reg.get("out", {})),
        ],
        name=name,
    )


def _regression_data(name, batch=8):
    rng = _rng(name)
    x = rng.normal(size=(batch, 6)).astype("float32")
    y = rng.normal(size=(batch, 3)).astype("float32")
    return x, y


def optimizer_models():
    """One model per optimizer kind, no random layers (exact resume): the
    wrapper around a plain Keras optimizer (saved on torch under Keras's
    torch class), the wrapper and AdamW with schedules for the learning rate
    and for λ, and SGDW on a model carrying every weight penalty."""
    import keras

    import keras_reg

    opt = keras_reg.optimizers
    schedules = keras.optimizers.schedules
    r = keras_reg.regularizers
    penalties = {
        "in": {"kernel_regularizer": r.Orthogonal(0.01, mode="columns"),
               "bias_regularizer": r.L1(0.01), "activity_regularizer": r.L2(0.001)},
        "out": {"kernel_regularizer": r.L1L2(0.001, 0.01), "bias_regularizer": "keras_reg>L2"},
    }
    return {
        "wrapped_sgd": (
            opt.DecoupledWeightDecay(keras.optimizers.SGD(0.05, momentum=0.9), 0.02,
                                     exclude=["dense_out/kernel"]),
            None,
        ),
        "wrapped_lion_schedules": (
            opt.DecoupledWeightDecay(
                keras.optimizers.Lion(schedules.CosineDecay(1e-2, 50)),
                schedules.ExponentialDecay(0.1, 5, 0.5),
                decay_mode="schedule",
            ),
            None,
        ),
        "adamw_schedules": (
            opt.AdamW(schedules.PiecewiseConstantDecay([1], [1e-2, 5e-3]),
                      weight_decay=schedules.PolynomialDecay(0.1, 10, 0.01),
                      exclude_bias_and_norm=False, amsgrad=True, clipnorm=1.0),
            None,
        ),
        "sgdw_penalties": (
            opt.SGDW(0.05, momentum=0.8, nesterov=True, weight_decay=0.01,
                     decay_mode="constant"),
            penalties,
        ),
    }


def dropout_model():
    import keras

    from keras_reg import layers as L

    inputs = keras.Input((4, 4, 2))
    x = L.SpatialDropout2D(0.1, seed=1)(inputs)
    x = L.DropBlock2D(0.1, block_size=2, seed=2)(x)
    branch = keras.layers.Conv2D(2, 3, padding="same", name="conv")(x)
    x = x + L.DropPath(0.2, seed=3)(branch)
    x = x + L.StochasticDepth(0.1, seed=4)(branch)
    x = keras.layers.Reshape((2, 2, 2, 4))(x)
    x = L.SpatialDropout3D(0.1, seed=5)(x)
    x = keras.layers.Reshape((8, 4))(x)
    x = L.SpatialDropout1D(0.1, seed=6)(x)
    x = keras.layers.Flatten()(x)
    x = L.Dropout(0.2, noise_shape=(None, 32), seed=7)(x)
    x = keras.layers.Dense(8, activation="selu", name="dense_selu")(x)
    x = L.AlphaDropout(0.1, seed=8)(x)
    x = L.GaussianDropout(0.1, seed=9)(x)
    outputs = keras.layers.Dense(3, name="dense_out")(x)
    return keras.Model(inputs, outputs, name="dropout_family")


def image_model():
    import keras

    from keras_reg import augment as A

    inputs = keras.Input((8, 8, 3))
    x = A.image_recipe(strength=0.5, seed=1)(inputs)
    x = A.RandomApply(A.RandomFlipRotation("vertical", 15.0, seed=2), rate=0.5, seed=3)(x)
    x = A.RandomChoice([A.TrivialAugment(seed=4), A.RandAugment(2, 9, seed=5)],
                       weights=[0.3, 0.7], seed=6)(x)
    x = A.SomeOf([A.ColorJitter(0.2, 0.2, 0.2, 0.05, seed=7),
                  A.GaussianNoise((0.0, 0.05), seed=8)], n=1, seed=9)(x)
    x = keras.layers.Rescaling(1 / 255)(x)
    x = keras.layers.Conv2D(4, 3, name="conv")(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    outputs = keras.layers.Dense(3, name="dense_out")(x)
    return keras.Model(inputs, outputs, name="image_augment")


def audio_model():
    import keras

    from keras_reg.augment import audio as A

    inputs = keras.Input((256,))
    x = A.AddNoise((10.0, 30.0), seed=1)(inputs)
    x = A.RandomGain((-3.0, 3.0), seed=2)(x)
    x = A.TimeShift(0.1, seed=3)(x)
    x = A.TimeStretch((0.9, 1.1), fft_length=64, hop_length=16, seed=4)(x)
    x = A.PitchShift((-1.0, 1.0), fft_length=64, hop_length=16, seed=5)(x)
    x = keras.layers.Reshape((16, 16))(x)
    x = A.TimeMasking(3, count=2, seed=6)(x)
    x = A.FrequencyMasking(3, seed=7)(x)
    x = keras.layers.Flatten()(x)
    outputs = keras.layers.Dense(3, name="dense_out")(x)
    return keras.Model(inputs, outputs, name="audio_augment")


def text_model():
    import keras

    from keras_reg import augment

    T = augment.text
    vocabulary = ["", "[UNK]", "big", "large", "huge", "small", "tiny", "dog", "cat"]
    table = T.synonym_table(
        vocabulary, {"big": ["large", "huge"], "small": ["tiny"], "dog": ["cat"]}
    )
    inputs = keras.Input((10,), dtype="int32")
    x = T.SynonymReplacement(table, rate=0.2, seed=1)(inputs)
    x = T.RandomInsertion(table, rate=0.1, seed=2)(x)
    x = T.RandomSwap(rate=0.1, seed=3)(x)
    x = T.RandomDeletion(rate=0.1, seed=4)(x)
    x = augment.RandomChoice([T.RandomSwap(0.2, seed=5), T.RandomDeletion(0.2, seed=6)],
                             seed=7)(x)
    x = keras.layers.Embedding(len(vocabulary), 4, name="embedding")(x)
    x = keras.layers.GlobalAveragePooling1D()(x)
    outputs = keras.layers.Dense(3, name="dense_out")(x)
    return keras.Model(inputs, outputs, name="text_augment")


def layer_models():
    """Every layer of the release, in four models (random: inference only is exact)."""
    rng = _rng("layers")
    tokens = rng.integers(2, 9, size=(8, 10)).astype("int32")
    tokens[:, 7:] = 0  # padding at the end
    return {
        "dropout_family": (dropout_model, rng.normal(size=(8, 4, 4, 2)).astype("float32")),
        "image_augment": (image_model, rng.uniform(0, 255, size=(8, 8, 8, 3)).astype("float32")),
        "audio_augment": (audio_model, rng.normal(size=(8, 256)).astype("float32")),
        "text_augment": (text_model, tokens),
    }


def save_fixture(out, name, model, x, y, optimizer, random):
    import keras
    import numpy as np

    import keras_reg

    model.compile(optimizer=optimizer, loss="mse")
    model.train_on_batch(x, y)  # builds the optimizer: its state goes in the file
    model.save(os.path.join(out, f"{name}.keras"))
    predictions = model.predict(x, verbose=0)
    model.train_on_batch(x, y)
    backend_module = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}
    lib = __import__(backend_module[keras.backend.backend()])
    np.savez_compressed(
        os.path.join(out, f"{name}.npz"),
        x=x,
        y=y,
        predictions=predictions,
        random=np.array(random),
        keras_version=np.array(keras.__version__),
        backend_version=np.array(lib.__version__),
        keras_reg_version=np.array(keras_reg.__version__),
        **{f"resumed_{i}": keras.ops.convert_to_numpy(w) for i, w in enumerate(model.weights)},
    )


def write_all(out):
    import keras

    import keras_reg

    # The release must be what is imported, not the checkout this script sits in.
    print(f"keras_reg {keras_reg.__version__} from {keras_reg.__file__}, "
          f"keras {keras.__version__}, backend {keras.backend.backend()}", flush=True)
    os.makedirs(out, exist_ok=True)
    for name, (optimizer, penalties) in optimizer_models().items():
        keras.utils.set_random_seed(0)
        x, y = _regression_data(name)
        save_fixture(out, name, _mlp(name, penalties), x, y, optimizer, random=False)
    for name, (build, x) in layer_models().items():
        keras.utils.set_random_seed(0)
        y = _rng(name).normal(size=(len(x), 3)).astype("float32")
        save_fixture(out, name, build(), x, y,
                     keras_reg.optimizers.AdamW(1e-2, weight_decay=0.01), random=True)


# -- the parent: a worktree of the release, one subprocess per backend --------


def deflate(path):
    """Rewrite a ``.keras`` zip with its members deflated, bytes unchanged.

    Keras stores the members uncompressed; the HDF5 weights of a tiny model
    are mostly empty space (30-70 KB each, 3-13 KB deflated).
    """
    import zipfile

    packed = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(
        packed, "w", zipfile.ZIP_DEFLATED, compresslevel=9
    ) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info.filename), zipfile.ZIP_DEFLATED)
    packed.replace(path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commit", default="6ea56fb", help="release commit (default: 0.1.0)")
    parser.add_argument("--out", default=str(ROOT / "tests" / "fixtures" / "v0.1.0"),
                        help="output folder; one subfolder per backend")
    parser.add_argument("--backends", nargs="+", default=list(BACKENDS), choices=BACKENDS)
    parser.add_argument("--write", metavar="DIR", help=argparse.SUPPRESS)  # child mode
    args = parser.parse_args()
    if args.write:
        write_all(args.write)
        return
    worktree = tempfile.mkdtemp(prefix="keras_reg_release_")
    os.rmdir(worktree)  # git worktree add creates it
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", worktree,
                    args.commit], check=True)
    try:
        for backend in args.backends:
            out = pathlib.Path(args.out) / backend
            shutil.rmtree(out, ignore_errors=True)
            env = dict(os.environ, KERAS_BACKEND=backend, PYTHONPATH=worktree,
                       CUDA_VISIBLE_DEVICES="", TF_CPP_MIN_LOG_LEVEL="2")
            # The script's own folder (scripts/) leads sys.path, not the
            # repository root: `import keras_reg` finds the worktree.
            subprocess.run([sys.executable, __file__, "--write", str(out)], env=env, check=True)
            for path in sorted(out.glob("*.keras")):
                deflate(path)
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", worktree],
                       check=True)


if __name__ == "__main__":
    main()
