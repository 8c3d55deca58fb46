"""keras_reg.recipes.image_classification: the cited defaults, the strength
knob, replaceable pieces, and an end-to-end fit from tf.data on each backend."""

import dataclasses

import keras
import numpy as np

import keras_reg
from keras_reg import augment, losses, optimizers
from tests._tensorflow import tf
from tests.helpers import assert_raises_each

RNG = np.random.default_rng(51)


def _stages(recipe):
    return {type(layer).__name__: layer for layer in recipe.augment.layers}


def test_defaults_are_deits():
    recipe = keras_reg.recipes.image_classification(100, steps=1000, depth=12,
                                                    warmup_steps=50, seed=0)
    stages = _stages(recipe)
    assert list(stages) == ["RandomResizedCrop", "RandomFlip", "RandAugment", "RandomErasing"]
    crop = stages["RandomResizedCrop"]
    assert (crop.size, crop.scale, crop.ratio) == ((224, 224), (0.08, 1.0), (0.75, 4 / 3))
    assert (stages["RandAugment"].num_ops, stages["RandAugment"].magnitude) == (2, 9.0)
    erasing = stages["RandomErasing"]
    assert (erasing.probability, erasing.fill_mode) == (0.25, "pixel")
    mixer = recipe.mixer
    assert (mixer.mixup_alpha, mixer.cutmix_alpha, mixer.switch_prob, mixer.prob,
            mixer.label_smoothing, mixer.num_classes) == (0.8, 1.0, 0.5, 1.0, 0.1, 100)
    assert isinstance(recipe.loss, losses.SoftTargetCrossentropy) and recipe.loss.from_logits
    assert isinstance(recipe.optimizer, optimizers.AdamW)
    config = recipe.optimizer.get_config()
    assert config["weight_decay"] == 0.05 and config["exclude_bias_and_norm"] is True
    schedule = keras.optimizers.schedules.deserialize(config["learning_rate"])
    # Linear warmup to the peak, then cosine to 0 at `steps`.
    assert abs(float(schedule(50)) - 5e-4) < 1e-9
    assert abs(float(schedule(25)) - 2.5e-4) < 1e-9
    assert float(schedule(1000)) < 1e-9
    np.testing.assert_allclose(recipe.drop_path_rates, np.linspace(0, 0.1, 12))
    (ema,) = recipe.callbacks
    assert isinstance(ema, keras_reg.callbacks.ExponentialMovingAverage)
    assert (ema.decay, ema.warmup) == (0.99996, True)


def test_strength_scales_the_marked_parts():
    recipe = keras_reg.recipes.image_classification(10, steps=10, strength=0.5, depth=3)
    stages = _stages(recipe)
    assert stages["RandAugment"].magnitude == 4.5
    assert stages["RandomErasing"].probability == 0.125
    assert (recipe.mixer.prob, recipe.mixer.label_smoothing) == (0.5, 0.05)
    assert recipe.drop_path_rates == [0.0, 0.025, 0.05]
    off = keras_reg.recipes.image_classification(10, steps=10, strength=0.0, ema_decay=None)
    assert off.callbacks == []
    assert list(_stages(off)) == ["RandomResizedCrop", "RandomFlip"]
    assert off.mixer.prob == 0.0


def test_end_to_end_fit_and_replaced_pieces():
    recipe = keras_reg.recipes.image_classification(3, steps=4, image_size=12, seed=1)
    recipe = dataclasses.replace(recipe, loss=losses.SoftTargetCrossentropy(from_logits=True,
                                                                             label_smoothing=0.0))
    images = RNG.uniform(0, 255, (8, 16, 16, 3)).astype("float32")
    labels = RNG.integers(0, 3, 8)
    train = recipe.train_dataset(tf.data.Dataset.from_tensor_slices((images, labels)).batch(4))
    for x, y in train.take(1):
        assert tuple(x.shape) == (4, 12, 12, 3) and tuple(y.shape) == (4, 3)
        np.testing.assert_allclose(y.numpy().sum(axis=1), 1.0, atol=1e-6)
    model = keras.Sequential([keras.Input((12, 12, 3)), keras.layers.Rescaling(1 / 255),
                              keras.layers.Flatten(), keras.layers.Dense(3)])
    model.compile(optimizer=recipe.optimizer, loss=recipe.loss)
    history = model.fit(train, validation_data=(images[:, 2:14, 2:14], labels), epochs=2,
                        shuffle=False, callbacks=recipe.callbacks, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert np.isfinite(history.history["val_loss"]).all()
    assert isinstance(recipe.augment, augment.ImagePipeline)


def test_bad_arguments():
    recipe = keras_reg.recipes.image_classification
    assert_raises_each([
        (lambda: recipe(0, steps=10), ValueError, r"`num_classes`.*0"),
        (lambda: recipe(10, steps=0), ValueError, r"`steps`.*0"),
        (lambda: recipe(10, steps=10, strength=-1.0), ValueError, r"`strength`.*-1"),
        (lambda: recipe(10, steps=10, warmup_steps=-5), ValueError, r"`warmup_steps`.*-5"),
        (lambda: recipe(10, steps=10, warmup_steps=10), ValueError, r"`warmup_steps`.*10"),
        (lambda: recipe(10, steps=10, learning_rate=-1.0), ValueError, r"`learning_rate`.*-1"),
        (lambda: recipe(10, steps=10, learning_rate=0.0), ValueError, r"`learning_rate`.*> 0"),
        (lambda: recipe(10, steps=10, image_size=0), ValueError, r"`size`.*0"),
        (lambda: recipe(10, steps=10, seed="a"), TypeError, r"`seed`.*'a'"),
        (lambda: recipe(10, steps=10, value_range=(1, 0)), ValueError, r"`value_range`"),
        (lambda: recipe(10, steps=10, depth=0), ValueError, r"`num_blocks`.*0"),
        (lambda: recipe(10, steps=10, ema_decay=1.0), ValueError, r"`decay`.*1\.0"),
    ])
