"""The DeiT/timm image-classification regularization stack in one call."""

import dataclasses

import keras

from keras_reg import _validation, augment, callbacks, layers, losses, optimizers


@dataclasses.dataclass
class ImageClassificationRecipe:
    """The pieces ``image_classification`` returns; replace any of them with
    ``dataclasses.replace(recipe, loss=...)`` or by assignment.

    Attributes:
        augment: the per-image augmentation (an ``ImagePipeline``), for
            ``(x, y)`` batches through ``keras_reg.augment.paired``.
        mixer: the label mixer (``MixUpCutMix``), after ``augment``.
        loss: the loss for the mixed (soft) labels; it also reads class ids,
            so validation data needs no mixing (its images must already
            have the crop's size: ``augment(x, training=False)`` gives the
            whole image, aspect clamped, resized).
        optimizer: ``AdamW`` with a warmup-cosine schedule.
        drop_path_rates: one stochastic-depth rate per residual block (empty
            when no ``depth`` was given).
        callbacks: callbacks for ``fit`` (the EMA of the weights).
    """

    augment: keras.layers.Layer
    mixer: keras.layers.Layer
    loss: keras.losses.Loss
    optimizer: keras.optimizers.Optimizer
    drop_path_rates: list
    callbacks: list

    def train_dataset(self, dataset):
        """``dataset`` of ``(images, labels)`` batches, augmented then mixed
        (``tf.data`` under any backend)."""
        return dataset.map(augment.paired(self.augment)).map(augment.paired(self.mixer))


def image_classification(num_classes: int, steps: int, image_size: int | tuple = 224,
                         strength: float = 1.0, depth: int | None = None,
                         learning_rate: float = 5e-4, warmup_steps: int = 0,
                         value_range: tuple[float, float] = (0, 255),
                         ema_decay: float | None = 0.99996,
                         seed: int | None = None) -> ImageClassificationRecipe:
    """The regularization stack image classifiers are trained with today
    (DeiT's, timm's defaults), as keras_reg parts.

    Defaults, each scaled by ``strength`` where marked ``·s`` (the one knob
    for a smaller dataset or model; 0 switches the marked parts off):

    | piece | setting | source |
    |---|---|---|
    | crop | ``RandomResizedCrop(image_size, scale=(0.08, 1))`` | torchvision; DeiT |
    | flip | horizontal, p = 0.5 | DeiT |
    | RandAugment | 2 operations per image, magnitude ``9·s`` | DeiT ``rand-m9-mstd0.5``\\* |
    | RandomErasing | probability ``0.25·s``, per-pixel fill | DeiT ``--reprob 0.25``\
    ``--remode pixel`` |
    | MixUp / CutMix | α 0.8 / 1.0, switch 0.5, probability ``min(1, s)`` | DeiT |
    | label smoothing | ``0.1·s``, folded into the mixed labels | DeiT ``--smoothing 0.1`` |
    | loss | ``SoftTargetCrossentropy(from_logits=True)`` | timm |
    | optimizer | ``AdamW``, weight decay 0.05, biases and norms excluded, cosine\
    decay over ``steps`` after ``warmup_steps`` | DeiT |
    | drop path | ``0 … 0.1·s`` linearly over ``depth`` blocks | DeiT-S |
    | weight EMA | decay 0.99996, timm's warmup | DeiT ``--model-ema``; timm ``ModelEmaV3`` |

    \\* timm's magnitude noise (``mstd``) is not implemented: the magnitude
    is fixed. DeiT scales the learning rate as ``5e-4·batch/512``; pass it.
    The EMA's decay suits ImageNet's ~375 000 steps; for a run of ``T``
    steps a decay near ``1 − 10/T`` averages over its last tenth. The pixel
    fill of the erasing is ``N(mid-range, (range/4)²)`` per pixel (timm
    erases normalized images with ``N(0, 1)``).

    Args:
        num_classes: number of classes ``K``.
        steps: total training steps, for the schedule.
        image_size: output side (or (height, width)) of the crop.
        strength: ``s >= 0``, scaling the marked parts.
        depth: number of residual blocks, for ``drop_path_rates``.
        learning_rate: the peak learning rate.
        warmup_steps: linear warmup steps before the cosine decay.
        value_range: (low, high) of the input pixels.
        ema_decay: decay of the ``ExponentialMovingAverage`` callback in
            ``callbacks`` (with warmup); None leaves it out.
        seed: int seed; each random part gets its own seed derived from it.

    Returns:
        an ``ImageClassificationRecipe``.

    Example:

    ```python
    recipe = keras_reg.recipes.image_classification(10, steps=10_000, image_size=32)
    model.compile(optimizer=recipe.optimizer, loss=recipe.loss, metrics=["accuracy"])
    model.fit(recipe.train_dataset(train_ds), validation_data=val_ds,
              callbacks=recipe.callbacks)
    ```

    Reference:
        Touvron et al., "Training data-efficient image transformers &
        distillation through attention", ICML 2021; Wightman et al.,
        "ResNet strikes back", 2021.
    """
    num_classes = _validation.check_positive_int(num_classes, "num_classes")
    steps = _validation.check_positive_int(steps, "steps")
    strength = _validation.check_finite(strength, "strength", low=0.0)
    if (isinstance(warmup_steps, bool) or not isinstance(warmup_steps, int)
            or not 0 <= warmup_steps < steps):
        raise ValueError(f"Argument `warmup_steps` must be an int in [0, steps={steps}). "
                         f"Received: warmup_steps={warmup_steps!r}.")
    learning_rate = _validation.check_finite(learning_rate, "learning_rate", low=0.0)
    if learning_rate == 0:
        raise ValueError("Argument `learning_rate` must be > 0. Received: learning_rate=0.")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise TypeError(f"Argument `seed` must be an int or None. Received: seed={seed!r}.")
    low, high = _validation.check_pair(value_range, "value_range", strict=True)

    def sub_seed(k):
        return None if seed is None else seed + k

    stages = [augment.RandomResizedCrop(image_size, value_range=value_range, seed=sub_seed(0)),
              keras.layers.RandomFlip("horizontal", seed=sub_seed(1))]
    magnitude = min(9.0 * strength, 30.0)
    if magnitude > 0:
        stages.append(augment.RandAugment(2, magnitude, value_range=value_range,
                                          seed=sub_seed(2)))
    if strength > 0:
        stages.append(augment.RandomErasing(min(0.25 * strength, 1.0), fill_mode="pixel",
                                            fill_value=(low + high) / 2,
                                            fill_std=(high - low) / 4,
                                            value_range=value_range, seed=sub_seed(3)))
    mixer = augment.MixUpCutMix(0.8, 1.0, prob=min(strength, 1.0), switch_prob=0.5,
                                label_smoothing=min(0.1 * strength, 1.0),
                                num_classes=num_classes, value_range=value_range,
                                seed=sub_seed(4))
    schedule = keras.optimizers.schedules.CosineDecay(
        0.0 if warmup_steps else learning_rate, max(steps - warmup_steps, 1),
        warmup_target=learning_rate if warmup_steps else None, warmup_steps=warmup_steps)
    optimizer = optimizers.AdamW(schedule, weight_decay=0.05, exclude_bias_and_norm=True)
    rates = [] if depth is None else layers.drop_path_rates(min(0.1 * strength, 0.99), depth)
    return ImageClassificationRecipe(
        augment=augment.ImagePipeline(stages, name="image_classification_augment"),
        mixer=mixer, loss=losses.SoftTargetCrossentropy(from_logits=True),
        optimizer=optimizer, drop_path_rates=rates,
        callbacks=[] if ema_decay is None else [callbacks.ExponentialMovingAverage(ema_decay)])
