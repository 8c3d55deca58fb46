"""The protocol: one draw (``get_random_transformation``) applied to the data
and its labels, dicts and ``(x, y)`` pairs in tf.data under every backend
and on backend tensors, replay through the public functions, and a
label-mixing layer (a test-only MixUp) carried through it and through the
combinators."""

import keras
import numpy as np
import pytest

from keras_reg import augment
from keras_reg.augment import audio, text
from keras_reg.augment.audio import functional as AF
from keras_reg.augment.image import functional as IF
from keras_reg.augment.text import functional as TF_
from tests._tensorflow import tf
from tests.helpers import Z_BOUND, binomial_sd, to_numpy

RNG = np.random.default_rng(0)
IMAGES = RNG.uniform(0, 255, (4, 6, 6, 3)).astype("float32")
WAVES = RNG.normal(size=(4, 64)).astype("float32")
TOKENS = np.array([[3, 5, 2, 7, 0], [4, 4, 1, 0, 0], [6, 2, 0, 0, 0], [1, 2, 3, 4, 5]], "int32")
LABELS = np.array([0, 2, 1, 2], "int64")


@keras.saving.register_keras_serializable(package="keras_reg_tests")
class MixUpForTests(augment.AugmentationLayer):
    """MixUp written on the protocol: a per-sample λ ~ U[0, 1] and partner
    (a permutation of the batch), drawn once and applied to the images and
    to their one-hot labels alike."""

    data_key = "images"
    batch_rank = 4

    def get_random_transformation(self, data, training=True, seed=None):
        n = self.ops.shape(data["images"])[0]
        return {"lam": self.uniform((n,), seed=seed),
                "partner": self.ops.argsort(self.uniform((n,), seed=seed))}

    def _mix(self, x, transformation):
        lam = self.ops.reshape(transformation["lam"], [-1] + [1] * (len(x.shape) - 1))
        return lam * x + (1.0 - lam) * self.ops.take(x, transformation["partner"], axis=0)

    def transform_images(self, images, transformation, training=True):
        return self._mix(images, transformation)

    def transform_labels(self, labels, transformation, training=True):
        return self._mix(self.ops.cast(labels, "float32"), transformation)


def _class_images(classes, size=4):
    """Constant images whose value is the class index: a mix of two images
    has the value its mixed one-hot label predicts (labels @ [0, 1, 2])."""
    return np.repeat(np.float32(classes)[:, None, None, None], size, axis=1).repeat(
        size, axis=2).repeat(3, axis=3)


def _assert_consistent_mix(images, labels):
    images, labels = np.asarray(images), np.asarray(labels)
    np.testing.assert_allclose(labels.sum(axis=1), 1.0, atol=1e-6)
    np.testing.assert_allclose(images[:, 0, 0, 0], labels @ np.arange(labels.shape[1]), atol=1e-5)
    return np.isclose(labels.max(axis=1), 1.0)  # rows left unmixed


def test_a_label_mixing_layer_fits_the_protocol():
    classes = np.arange(16) % 3
    x, y = _class_images(classes), np.eye(3, dtype="float32")[classes]
    layer = MixUpForTests(seed=0)
    out = layer({"images": x, "labels": y})
    _assert_consistent_mix(to_numpy(out["images"]), to_numpy(out["labels"]))
    # The same draw replays through the transforms.
    t = layer.get_random_transformation({"images": keras.ops.convert_to_tensor(x)})
    mixed = to_numpy(layer.transform_images(keras.ops.convert_to_tensor(x), t))
    lam, partner = to_numpy(t["lam"]), to_numpy(t["partner"])
    np.testing.assert_allclose(mixed, lam[:, None, None, None] * x
                               + (1 - lam[:, None, None, None]) * x[partner], atol=1e-5)
    assert sorted(partner.tolist()) == list(range(16))


def test_combinators_route_labels_through_their_children_per_sample():
    classes = np.arange(64)  # one class per sample: a mixed sample is seen as mixed
    x, y = _class_images(classes), np.eye(64, dtype="float32")[classes]
    for layer in (augment.RandomApply(MixUpForTests(seed=1), rate=0.5, seed=2),
                  augment.RandomChoice([MixUpForTests(seed=3), augment.GaussianNoise((0, 0))],
                                       seed=4)):
        ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(64).map(augment.paired(layer))
        images, labels = next(iter(ds))
        unmixed = _assert_consistent_mix(images, labels)
        # Binomial(64, 1/2) samples unmixed (+ about one mixed with itself).
        assert abs(unmixed.sum() - 32.5) <= Z_BOUND * binomial_sd(0.5, 64) * 64 + 1
        assert unmixed.sum() < 64  # the mixer ran


@pytest.mark.parametrize("in_tf_data", [False, True])
def test_labels_pass_unchanged_with_their_dtype_and_the_data_as_alone(in_tf_data):
    cases = [
        (lambda: augment.ColorJitter(0.3, 0.3, 0.3, 0.1, seed=0), IMAGES),
        (lambda: augment.image_recipe(seed=1), IMAGES),
        (lambda: augment.RandomApply(augment.RandomFlipRotation(seed=2), 0.5, seed=3), IMAGES),
        (lambda: audio.TimeShift(0.2, seed=4), WAVES),
        (lambda: text.RandomSwap(0.4, seed=5), TOKENS),
    ]
    for make, x in cases:
        layer = make()
        key = layer.data_key
        if in_tf_data:
            ds = tf.data.Dataset.from_tensor_slices((x, LABELS)).batch(4)
            data, labels = next(iter(ds.map(augment.paired(layer))))
            alone = next(iter(tf.data.Dataset.from_tensor_slices(x).batch(4).map(make())))
        else:
            tensors = {key: keras.ops.convert_to_tensor(x),
                       "labels": keras.ops.convert_to_tensor(LABELS)}
            out = layer(tensors)
            data, labels, alone = out[key], out["labels"], make()(x)
        # Keras's own layers turn int labels into float32 inside tf.data.
        assert keras.backend.standardize_dtype(labels.dtype) in ("int64", "int32")
        np.testing.assert_array_equal(to_numpy(labels), LABELS, err_msg=type(layer).__name__)
        np.testing.assert_allclose(to_numpy(data), to_numpy(alone), atol=1e-4)


def test_a_dataset_of_dicts_maps_the_layer_directly():
    # Keras's dict form in tf.data: ds.map(layer) on {"images", "labels"}.
    make = lambda: augment.ColorJitter(0.3, 0.3, 0.3, 0.1, seed=0)  # noqa: E731
    dicts = tf.data.Dataset.from_tensor_slices({"images": IMAGES, "labels": LABELS}).batch(4)
    pairs = tf.data.Dataset.from_tensor_slices((IMAGES, LABELS)).batch(4)
    out = next(iter(dicts.map(make())))
    images, _ = next(iter(pairs.map(augment.paired(make()))))
    np.testing.assert_array_equal(out["labels"].numpy(), LABELS)
    np.testing.assert_array_equal(out["images"].numpy(), images.numpy())
    assert not np.allclose(out["images"].numpy(), IMAGES)


def test_one_example_in_a_dict():
    out = augment.RandomFlipRotation(seed=0)({"images": IMAGES[0], "labels": LABELS[0]})
    assert tuple(out["images"].shape) == (6, 6, 3) and int(to_numpy(out["labels"])) == 0


def test_targets_a_layer_cannot_transform_are_refused():
    masks = np.zeros((4, 6, 6, 1), "int32")
    with pytest.raises(ValueError, match=r"cannot transform `segmentation_masks`"):
        augment.RandomFlipRotation()({"images": IMAGES, "segmentation_masks": masks})
    with pytest.raises(ValueError, match=r"cannot transform `bounding_boxes`"):
        augment.SomeOf([augment.ColorJitter(0.2)], 1)({"images": IMAGES, "bounding_boxes": {}})
    with pytest.raises(ValueError, match=r"under the key 'audio'.*\['images', 'labels'\]"):
        audio.RandomGain()({"images": WAVES, "labels": LABELS})
    with pytest.raises(TypeError, match="`layer`"):
        augment.paired("flip")


def _replay_jitter(x, t):
    x = IF.adjust_contrast(IF.adjust_brightness(x, t["brightness"]), t["contrast"])
    return IF.adjust_hue(IF.adjust_saturation(x, t["saturation"]), t["hue"])


# (layer, its data, the public functions that replay its transformation t)
REPLAYS = [
    (lambda: augment.ColorJitter(0.3, 0.3, 0.5, 0.1, seed=0), IMAGES, _replay_jitter),
    (lambda: augment.RandomFlipRotation(None, 40.0, seed=1), IMAGES,
     lambda x, t: IF.rotate(x, t["degrees"])),
    (lambda: augment.GaussianNoise((0.0, 0.1), seed=2), IMAGES,
     lambda x, t: IF.add_gaussian_noise(x, t["noise"], t["stddev"])),
    (lambda: audio.RandomGain(seed=3), WAVES, lambda x, t: AF.apply_gain(x, t["gain_db"])),
    (lambda: audio.AddNoise(seed=4), WAVES,
     lambda x, t: AF.add_noise_at_snr(x, t["noise"], t["snr_db"])),
    (lambda: audio.TimeShift(0.3, seed=5), WAVES, lambda x, t: AF.time_shift(x, t["shift"])),
    (lambda: text.RandomSwap(0.4, seed=6), TOKENS,
     lambda x, t: TF_.swap_tokens(x, t["first"], t["second"])),
    (lambda: text.RandomDeletion(0.4, seed=7), TOKENS,
     lambda x, t: TF_.delete_tokens(x, t["delete"])),
]


@pytest.mark.parametrize("make, x, replay", REPLAYS)
def test_a_call_replays_through_the_public_functions(make, x, replay):
    # A call draws once and applies pure transforms: a twin layer's draw,
    # passed to the public functions, gives the call's output.
    layer, twin = make(), make()
    out = to_numpy(layer(keras.ops.convert_to_tensor(x)))
    t = twin.get_random_transformation({twin.data_key: keras.ops.convert_to_tensor(x)})
    assert not np.array_equal(out, x)  # the layer did transform
    np.testing.assert_allclose(out, to_numpy(replay(x, t)), rtol=1e-6, atol=1e-3,
                               err_msg=type(layer).__name__)


def test_public_functions_in_tf_data_under_every_backend():
    # Under JAX and torch the map function receives TensorFlow tensors.
    ds = tf.data.Dataset.from_tensor_slices(IMAGES).batch(4)
    out = next(iter(ds.map(lambda x: IF.rotate(IF.adjust_brightness(x, 0.5), [90.0] * 4))))
    # A quarter turn of the halved images (counter-clockwise: column j -> row w-1-j).
    np.testing.assert_allclose(out.numpy(), np.rot90(IMAGES * 0.5, axes=(1, 2)), atol=1e-3)
    ds = tf.data.Dataset.from_tensor_slices(TOKENS).batch(4)
    out = next(iter(ds.map(lambda t: TF_.delete_tokens(t, t == 2))))
    np.testing.assert_array_equal(out.numpy()[:, :3], [[3, 5, 7], [4, 4, 1], [6, 0, 0],
                                                       [1, 3, 4]])
