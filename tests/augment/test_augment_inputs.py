"""Hostile arguments and inputs to the image and audio layers: each gets a
clear error at the earliest point (constructor, build or first call) naming
the argument or the input shape, and what is allowed."""

import math

import numpy as np
import pytest

from keras_reg import augment
from keras_reg.augment import audio
from tests._tensorflow import tf
from tests.helpers import to_numpy

INF, NAN = math.inf, math.nan

# (constructor, argument named in the message, exception class)
BAD_ARGUMENTS = [
    # Infinite bounds: noise of infinite power, gains of infinite dB, an
    # infinite value range (GaussianNoise and TrivialAugment output NaN).
    (lambda: audio.AddNoise((INF, INF)), "snr_db", ValueError),
    (lambda: audio.AddNoise((NAN, 3.0)), "snr_db", ValueError),
    (lambda: audio.AddNoise((40, 5)), "snr_db", ValueError),
    (lambda: audio.RandomGain((0, INF)), "db", ValueError),
    (lambda: audio.RandomGain(("a", 1)), "db", TypeError),
    (lambda: audio.RandomGain((True, 1)), "db", TypeError),
    (lambda: audio.RandomGain(3.0), "db", TypeError),
    (lambda: audio.RandomGain((1, 2, 3)), "db", ValueError),
    (lambda: audio.TimeStretch((1, INF)), "rate", ValueError),
    (lambda: audio.TimeStretch((0, 1)), "rate", ValueError),
    (lambda: audio.PitchShift((NAN, 1)), "semitones", ValueError),
    (lambda: audio.PitchShift((-30, 0)), "semitones", ValueError),
    (lambda: audio.PitchShift(fft_length=256.0), "fft_length", TypeError),
    (lambda: audio.TimeStretch(fft_length=256, hop_length=512), "hop_length", ValueError),
    (lambda: audio.TimeShift(NAN), "max_fraction", ValueError),
    (lambda: audio.TimeShift(1.5), "max_fraction", ValueError),
    (lambda: audio.TimeShift(True), "max_fraction", TypeError),
    (lambda: audio.TimeMasking(0), "max_width", ValueError),
    (lambda: audio.FrequencyMasking(4, count=2.0), "count", TypeError),
    (lambda: augment.GaussianNoise(value_range=(0, INF)), "value_range", ValueError),
    (lambda: augment.GaussianNoise((0, INF)), "stddev_range", ValueError),
    (lambda: augment.GaussianNoise((0.2, 0.1)), "stddev_range", ValueError),
    (lambda: augment.GaussianNoise((-0.1, 0.1)), "stddev_range", ValueError),
    (lambda: augment.GaussianNoise("ab"), "stddev_range", TypeError),
    (lambda: augment.TrivialAugment(value_range=(0, INF)), "value_range", ValueError),
    (lambda: augment.TrivialAugment(value_range=(NAN, 1)), "value_range", ValueError),
    (lambda: augment.TrivialAugment(value_range=(1, 1)), "value_range", ValueError),
    (lambda: augment.ColorJitter(value_range="0,255"), "value_range", TypeError),
    (lambda: augment.ColorJitter(brightness=INF), "brightness", ValueError),
    (lambda: augment.ColorJitter(contrast=NAN), "contrast", ValueError),
    (lambda: augment.ColorJitter(saturation="0.2"), "saturation", TypeError),
    (lambda: augment.ColorJitter(hue=0.6), "hue", ValueError),
    (lambda: augment.ColorJitter(brightness=-0.1), "brightness", ValueError),
    (lambda: augment.RandomFlipRotation(degrees=INF), "degrees", ValueError),
    (lambda: augment.RandomFlipRotation(flip=True), "flip", ValueError),
    (lambda: augment.RandAugment(magnitude=NAN), "magnitude", ValueError),
    (lambda: augment.RandAugment(magnitude=31), "magnitude", ValueError),
    (lambda: augment.RandAugment(num_ops=0), "num_ops", ValueError),
    (lambda: augment.RandAugment(num_ops=2.0), "num_ops", TypeError),
    (lambda: augment.image_recipe(value_range=(0, INF)), "value_range", ValueError),
    (lambda: augment.image_recipe(strength=INF), "strength", ValueError),
    (lambda: augment.image_recipe(rotation_degrees=-5), "rotation_degrees", ValueError),
    (lambda: augment.image_recipe(hue=0.6), "hue", ValueError),
    (lambda: augment.image_recipe(flip="diagonal"), "flip", ValueError),
    (lambda: augment.image_recipe(seed="1"), "seed", TypeError),
]


def test_bad_arguments_raise_at_construction():
    # One test for the whole table: each case costs microseconds, a test
    # item a Keras session teardown.
    for k, (make, argument, error) in enumerate(BAD_ARGUMENTS):
        with pytest.raises(error, match=f"`{argument}`"):
            make()
            pytest.fail(f"case {k} ({argument}) was accepted")


# (layer, input, exception class, words of the message)
BAD_INPUTS = [
    (lambda: augment.TrivialAugment(seed=0), np.zeros((2, 0, 0, 3), "float32"), ValueError,
     r"at least one pixel.*\(2, 0, 0, 3\)"),
    (lambda: augment.RandAugment(seed=0), np.zeros((2, 0, 5, 3), "float32"), ValueError,
     r"at least one pixel.*\(2, 0, 5, 3\)"),
    (lambda: augment.RandomFlipRotation(), np.zeros((2, 4, 4, 0), "float32"), ValueError,
     r"one channel.*\(2, 4, 4, 0\)"),
    (lambda: augment.ColorJitter(0.2), np.zeros((2, 4, 4, 2), "float32"), ValueError,
     r"greyscale or RGB.*\(2, 4, 4, 2\)"),
    (lambda: augment.TrivialAugment(), np.zeros((2, 4, 4, 4), "float32"), ValueError,
     r"greyscale or RGB.*\(2, 4, 4, 4\)"),
    (lambda: augment.ColorJitter(0.2), np.zeros((2, 2, 4, 4, 3), "float32"), ValueError,
     "rank 4.*rank 5"),
    (lambda: augment.GaussianNoise(), np.zeros((2, 4, 4, 3), "bool"), TypeError,
     "integer or floating-point.*bool"),
    (lambda: audio.RandomGain(), np.zeros((2, 3, 4), "float32"), ValueError, "rank 2"),
    (lambda: audio.AddNoise(), np.zeros((), "float32"), ValueError, "rank 2.*rank 0"),
    (lambda: audio.RandomGain(), np.zeros((2, 30), "int32"), TypeError, "float"),
    (lambda: audio.TimeMasking(2), np.zeros((2, 10, 8), "int32"), TypeError, "float"),
    (lambda: audio.TimeStretch(), np.zeros((2, 100), "float32"), ValueError,
     r"fft_length=512.*\(2, 100\)"),
    (lambda: audio.TimeMasking(50), np.zeros((2, 40, 8), "float32"), ValueError, "max_width"),
]


def test_bad_inputs_raise_before_any_computation():
    for k, (make, x, error, match) in enumerate(BAD_INPUTS):
        with pytest.raises(error, match=match):
            make()(x)
            pytest.fail(f"case {k} ({match}) was accepted")


def _waveforms_of_unknown_length(samples):
    return tf.data.Dataset.from_generator(
        lambda: iter([np.zeros((2, samples), "float32")]),
        output_signature=tf.TensorSpec((None, None), tf.float32),
    )


@pytest.mark.parametrize("layer", [audio.TimeStretch, audio.PitchShift])
def test_stft_layers_name_an_unknown_length_in_tf_data(layer):
    # Too short or not, an unknown length cannot size the STFT: a clear
    # error when the pipeline is traced, instead of a NoneType TypeError (or
    # TensorFlow's padding error at run time for a short waveform).
    with pytest.raises(ValueError, match=r"number of samples.*tf.ensure_shape"):
        _waveforms_of_unknown_length(100).map(layer(seed=0))


def test_time_shift_takes_waveforms_of_any_length_in_tf_data():
    impulse = np.zeros((2, 1000), "float32")
    impulse[:, 500] = 1.0
    ds = tf.data.Dataset.from_generator(
        lambda: iter([impulse]), output_signature=tf.TensorSpec((None, None), tf.float32)
    ).map(audio.TimeShift(0.1, seed=0))
    out = np.concatenate([b.numpy() for b in ds])
    assert out.shape == (2, 1000) and np.all(np.abs(out.argmax(axis=1) - 500) <= 100)
    np.testing.assert_allclose(out.sum(axis=1), 1.0)


def test_image_layers_take_images_of_any_size_in_tf_data():
    # Decoded photos of different sizes, augmented one at a time.
    images = [np.random.default_rng(k).uniform(0, 255, s).astype("float32")
              for k, s in enumerate([(5, 7, 3), (9, 4, 3)])]
    for layer in (augment.RandomFlipRotation(degrees=30, seed=0), augment.TrivialAugment(seed=0)):
        ds = tf.data.Dataset.from_generator(
            lambda: iter(images), output_signature=tf.TensorSpec((None, None, 3), tf.float32)
        ).map(layer)
        out = [b.numpy() for b in ds]
        assert [o.shape for o in out] == [i.shape for i in images]
        assert all(np.all(np.isfinite(o)) and o.min() >= 0 and o.max() <= 255 for o in out)


def test_an_empty_batch_passes_through():
    # Zero images is not a zero-size image.
    x = np.zeros((0, 4, 4, 3), "float32")
    assert to_numpy(augment.GaussianNoise(seed=0)(x)).shape == (0, 4, 4, 3)
