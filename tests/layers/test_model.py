"""Every dropout-family layer in one Sequential: fit (jit-compiled), save, load."""

import keras
import numpy as np

from keras_reg import layers
from tests.helpers import save_and_load, to_numpy


def every_layer_model():
    return keras.Sequential(
        [
            keras.Input((8, 8, 3)),
            keras.layers.Conv2D(4, 3, padding="same"),
            layers.SpatialDropout2D(0.2, seed=1),
            layers.DropBlock2D(0.1, block_size=3, seed=2),
            keras.layers.Reshape((64, 4)),
            layers.SpatialDropout1D(0.2, seed=3),
            keras.layers.Reshape((4, 4, 4, 4)),
            layers.SpatialDropout3D(0.2, seed=4),
            keras.layers.Flatten(),
            keras.layers.Dense(16, activation="selu", kernel_initializer="lecun_normal"),
            layers.AlphaDropout(0.1, seed=5),
            layers.GaussianDropout(0.1, seed=6),
            layers.DropPath(0.1, seed=7),
            layers.Dropout(0.3, noise_shape=(None, 16), seed=8),
            keras.layers.Dense(3, activation="softmax"),
        ]
    )


def test_sequential_fit_jit_save_load(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 8, 8, 3)).astype("float32")
    y = rng.integers(0, 3, size=(64,))
    model = every_layer_model()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", jit_compile=True)
    history = model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))

    loaded = save_and_load(model, tmp_path)
    np.testing.assert_array_equal(to_numpy(model(x)), to_numpy(loaded(x)))
    np.testing.assert_array_equal(
        model.predict(x, verbose=0), loaded.predict(x, verbose=0)
    )
    for original, restored in zip(model.layers, loaded.layers):
        assert type(original) is type(restored)
        assert original.get_config() == restored.get_config()
