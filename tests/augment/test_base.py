"""AugmentationLayer: one subclass runs in tf.data (any backend) and in models."""

import keras
import numpy as np
import pytest

from keras_reg.augment import AugmentationLayer, paired
from tests._tensorflow import tf
from tests.helpers import save_and_load, to_numpy


@keras.saving.register_keras_serializable(package="keras_reg_tests")
class RandomScale(AugmentationLayer):
    data_key = "images"
    batch_rank = 4

    def get_random_transformation(self, data, training=True, seed=None):
        n = self.ops.shape(data["images"])[0]
        return {"factor": self.uniform((n, 1, 1, 1), 0.5, 1.5, seed=seed)}

    def transform_images(self, images, transformation, training=True):
        return self.ops.multiply(images, transformation["factor"])


def _factors(y):
    return np.asarray(y)[:, 0, 0, 0]


def test_per_sample_randomness_and_seeded_reproducibility():
    x = np.ones((16, 4, 4, 3), "float32")
    a = _factors(to_numpy(RandomScale(seed=3)(x)))
    b = _factors(to_numpy(RandomScale(seed=3)(x)))
    np.testing.assert_array_equal(a, b)
    assert len(np.unique(a)) == 16  # identical inputs, different outputs
    assert np.all((a >= 0.5) & (a <= 1.5))


def test_identity_unless_training_inside_a_model():
    x = np.random.default_rng(0).uniform(size=(8, 4, 4, 3)).astype("float32")
    model = keras.Sequential([keras.Input((4, 4, 3)), RandomScale(seed=1)])
    np.testing.assert_array_equal(model.predict(x, verbose=0), x)
    assert not np.allclose(to_numpy(model(x, training=True)), x)


@pytest.mark.parametrize("batched", [True, False])
def test_runs_in_tf_data_under_every_backend(batched):
    # Under JAX and torch the map function traces TensorFlow ops.
    x = np.ones((8, 4, 4, 3), "float32")
    ds = tf.data.Dataset.from_tensor_slices(x)
    ds = ds.batch(4).map(RandomScale(seed=0)) if batched else ds.map(RandomScale(seed=0))
    out = np.concatenate([np.reshape(b.numpy(), (-1, 4, 4, 3)) for b in ds])
    assert out.shape == x.shape
    factors = _factors(out)
    assert len(np.unique(factors)) == 8 and np.all((factors >= 0.5) & (factors <= 1.5))


def test_wrong_rank_is_a_clear_error():
    with pytest.raises(ValueError, match="rank 4.*rank 2"):
        RandomScale()(np.ones((3, 4), "float32"))


def test_seed_must_be_int():
    with pytest.raises(TypeError, match="seed"):
        RandomScale(seed="0")


def test_round_trip_in_a_keras_file(tmp_path):
    model = keras.Sequential([keras.Input((4, 4, 3)), RandomScale(seed=5), keras.layers.Flatten()])
    x = np.ones((2, 4, 4, 3), "float32")
    loaded = save_and_load(model, tmp_path)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert loaded.layers[0].get_config()["seed"] == 5


@keras.saving.register_keras_serializable(package="keras_reg_tests")
class LegacyScale(AugmentationLayer):
    """The keras_reg 0.1.0 form: one ``augment`` that draws and transforms."""

    def augment(self, batch):
        n = self.ops.shape(batch)[0]
        return self.ops.multiply(batch, self.uniform((n, 1), 0.5, 1.5))


def test_the_0_1_0_form_still_runs_and_carries_labels():
    x, y = np.ones((6, 3), "float32"), np.arange(6)
    eager = to_numpy(LegacyScale(seed=2)(x))
    assert len(np.unique(eager[:, 0])) == 6 and np.all((eager >= 0.5) & (eager <= 1.5))
    out = LegacyScale(seed=2)({"inputs": x, "labels": y})
    np.testing.assert_array_equal(to_numpy(out["inputs"]), eager)  # the same draw
    np.testing.assert_array_equal(to_numpy(out["labels"]), y)
    ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(6).map(paired(LegacyScale(seed=2)))
    data, labels = next(iter(ds))
    np.testing.assert_array_equal(labels.numpy(), y)
    assert np.all((data.numpy() >= 0.5) & (data.numpy() <= 1.5))


@pytest.mark.parametrize("name", ["MixUpCutMix", "MixUp", "CutMix", "AugMix", "MixWaveforms",
                                  "RandomErasing"])
def test_layers_drawing_gamma_variates_opt_out_of_xla_on_tensorflow(name):
    # TensorFlow's Gamma sampler has no XLA kernel; JAX's compiles, torch has
    # no XLA. RandomErasing draws none: it stays compilable everywhere.
    from keras_reg import augment

    labelled = name in ("MixUpCutMix", "MixUp", "CutMix")
    layer = getattr(augment, name)(**({"num_classes": 3} if labelled else {}))
    draws = name != "RandomErasing"
    assert layer.draws_gamma is draws
    assert layer.supports_jit is not (draws and keras.backend.backend() == "tensorflow")
