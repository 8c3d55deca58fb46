"""A model with every keras_reg part, shared by the distribution scripts."""

import keras

import keras_reg


def every_part_model(seed=0, augment=True):
    layers = keras_reg.layers
    parts = [keras.Input((8, 8, 3))]
    if augment:
        parts.append(keras.layers.GaussianNoise(0.05, seed=seed))  # in-model augmentation
    parts += [
        keras.layers.Conv2D(8, 3, padding="same", name="conv"),
        layers.SpatialDropout2D(0.1, seed=seed + 1),
        layers.DropBlock2D(0.1, block_size=3, seed=seed + 2),
        keras.layers.Reshape((64, 8)),
        layers.SpatialDropout1D(0.1, seed=seed + 3),
        keras.layers.Reshape((4, 4, 4, 8)),
        layers.SpatialDropout3D(0.1, seed=seed + 4),
        keras.layers.Flatten(),
        keras.layers.Dense(32, activation="selu", name="hidden",
                           kernel_regularizer=keras_reg.regularizers.L2(1e-4)),
        layers.AlphaDropout(0.05, seed=seed + 5),
        layers.GaussianDropout(0.05, seed=seed + 6),
        layers.DropPath(0.05, seed=seed + 7),
        layers.Dropout(0.1, seed=seed + 8),
        keras.layers.Dense(3, name="logits"),
    ]
    model = keras.Sequential(parts)
    optimizer = keras_reg.optimizers.AdamW(1e-3, weight_decay=1e-2, exclude=["logits"])
    return model, optimizer
