"""Frequency-domain Butterworth filters against scipy.signal's designs."""

import keras
import numpy as np
import pytest
import scipy.signal

from keras_reg.augment import audio
from keras_reg.augment.audio import functional as F
from tests._tensorflow import tf
from tests.augment._backend import compiled
from tests.helpers import assert_raises_each, save_and_load, to_numpy

SR, SAMPLES = 8000, 2048
BIN_HZ = SR / SAMPLES
FREQS = np.arange(SAMPLES // 2 + 1) * BIN_HZ
# float32 FFTs of unit-variance noise: the measured gain |Y_k| / |X_k| is off
# by a few float32 ulps of the spectrum, about 1e-6 relative; 1e-4 leaves room.
ATOL = 1e-4


def assert_same_training_outputs_after_reload(model, x, tmp_path):
    """A fresh copy of ``model``'s layers and its reload from a .keras file
    (safe_mode) draw and transform identically in training."""
    fresh = keras.Sequential([keras.Input(x.shape[1:])] + [
        type(layer).from_config(layer.get_config()) for layer in model.layers])
    loaded = save_and_load(fresh, tmp_path, name="fresh.keras")
    augmented = to_numpy(fresh(x, training=True))
    assert np.abs(augmented - x).max() > 1e-2  # the comparison is not of two identities
    np.testing.assert_allclose(to_numpy(loaded(x, training=True)), augmented, rtol=1e-5,
                               atol=1e-6)


def _white(n, seed=0):
    return np.random.default_rng(seed).normal(size=(n, SAMPLES)).astype("float32")


def _measured_gain(x, y):
    """|Y_k| / |X_k| on every rfft bin but DC and Nyquist (where an even-length
    real FFT of noise can be near zero)."""
    return (np.abs(np.fft.rfft(y)) / np.abs(np.fft.rfft(x)))[:, 1:-1]


def _scipy_gain(b, a):
    return np.abs(scipy.signal.freqz(b, a, worN=FREQS, fs=SR)[1])[1:-1]


def _band_edges(center, q):
    """The −3 dB edges of the band-pass, from Ω_1 Ω_2 = Ω_0², Ω_2 − Ω_1 = Ω_0 / Q."""
    w0 = np.tan(np.pi * center / SR)
    width = w0 / q
    w1 = (-width + np.sqrt(width**2 + 4 * w0**2)) / 2
    return np.arctan([w1, w1 + width]) * SR / np.pi


# Cutoffs on bin frequencies, so the gain at the cutoff is measured exactly.
CUTOFFS = np.array([24, 100, 500, 1000], "float32") * BIN_HZ


@pytest.mark.parametrize("order", [1, 2, 4])
@pytest.mark.parametrize("kind", ["low", "high"])
def test_low_and_high_pass_match_scipy_butter(kind, order):
    x = _white(len(CUTOFFS))
    fn = F.low_pass if kind == "low" else F.high_pass
    y = to_numpy(compiled(lambda w, c: fn(w, c, SR, order))(x, CUTOFFS))
    gain = _measured_gain(x, y)
    for i, cutoff in enumerate(CUTOFFS):
        expected = _scipy_gain(*scipy.signal.butter(order, cutoff, kind, fs=SR))
        np.testing.assert_allclose(gain[i], expected, atol=ATOL)
        at_cutoff = gain[i, int(round(cutoff / BIN_HZ)) - 1]
        np.testing.assert_allclose(at_cutoff, np.sqrt(0.5), atol=ATOL)


@pytest.mark.parametrize("order", [1, 2])
def test_band_pass_matches_scipy_butter(order):
    centers = np.array([300.0, 1000.0, 3000.0], "float32")
    qs = np.array([0.5, 2.0, 8.0], "float32")
    x = _white(3, seed=1)
    y = to_numpy(compiled(lambda w, c, q: F.band_pass(w, c, q, SR, order))(x, centers, qs))
    gain = _measured_gain(x, y)
    for i in range(3):
        edges = _band_edges(float(centers[i]), float(qs[i]))
        expected = _scipy_gain(*scipy.signal.butter(order, edges, "band", fs=SR))
        np.testing.assert_allclose(gain[i], expected, atol=ATOL)
        assert expected.max() > 0.99  # the band's peak is in the compared bins


def _cutoff_of(gain):
    """The first bin frequency where a falling (or rising) gain crosses 1/√2."""
    return FREQS[1:-1][np.argmin(np.abs(gain - np.sqrt(0.5)), axis=1)]


def test_layers_draw_a_cutoff_per_waveform_in_range():
    x = np.repeat(_white(1, seed=2), 16, axis=0)
    low = audio.LowPass((200.0, 2000.0), sample_rate=SR, order=4, seed=3)
    high = audio.HighPass((200.0, 2000.0), sample_rate=SR, order=3, seed=4)
    for layer in (low, high):
        cut = _cutoff_of(_measured_gain(x, to_numpy(layer(x))))
        # Steep filters: the bin nearest the -3 dB point is within a bin of it.
        assert cut.min() >= 200.0 - BIN_HZ and cut.max() <= 2000.0 + BIN_HZ
        # Log-uniform over a decade: 16 draws spread over most of it.
        assert np.log10(cut.max() / cut.min()) > 0.5 and len(np.unique(cut)) > 8
    band = audio.BandPass((300.0, 3000.0), q=(1.0, 4.0), sample_rate=SR, seed=5)
    gain = _measured_gain(x, to_numpy(band(x)))
    peak = FREQS[1:-1][gain.argmax(axis=1)]
    assert peak.min() >= 300.0 - BIN_HZ and peak.max() <= 3000.0 + BIN_HZ
    assert len(np.unique(peak)) > 8 and np.allclose(gain.max(axis=1), 1.0, atol=0.02)


def test_filters_in_tf_data_dicts_and_model_round_trip(tmp_path):
    x = _white(4, seed=6)
    labels = np.arange(4)
    layers = [audio.LowPass((500.0, 3000.0), sample_rate=SR, seed=1),
              audio.HighPass((50.0, 400.0), sample_rate=SR, order=1, seed=2),
              audio.BandPass((200.0, 2000.0), q=(0.5, 1.0), sample_rate=SR, order=2, seed=3)]
    ds = tf.data.Dataset.from_tensor_slices({"audio": x, "labels": labels}).batch(2)
    for layer in layers:
        ds = ds.map(layer)
    out = list(ds)
    np.testing.assert_array_equal(np.concatenate([b["labels"].numpy() for b in out]), labels)
    filtered = np.concatenate([b["audio"].numpy() for b in out])
    assert filtered.shape == x.shape and np.all(np.isfinite(filtered))
    assert np.all(np.abs(filtered - x).max(axis=1) > 0.1)
    model = keras.Sequential([keras.Input((SAMPLES,)), *layers])
    np.testing.assert_allclose(to_numpy(model(x, training=False)), x)  # inference: unchanged
    loaded = save_and_load(model, tmp_path)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), x)  # predict: unchanged
    assert_same_training_outputs_after_reload(model, x, tmp_path)
    assert loaded.layers[2].q == (0.5, 1.0) and loaded.layers[2].order == 2
    assert loaded.layers[0].cutoff_hz == (500.0, 3000.0) and loaded.layers[0].sample_rate == SR


def test_filters_refuse_bad_arguments():
    assert_raises_each([
        (lambda: audio.LowPass((500.0, 4000.0), sample_rate=8000), ValueError,
         "cutoff_hz.*Nyquist.*4000"),
        (lambda: audio.HighPass((0.0, 100.0), sample_rate=8000), ValueError, "cutoff_hz"),
        (lambda: audio.LowPass((900.0, 500.0)), ValueError, "cutoff_hz"),
        (lambda: audio.BandPass((100.0, 9000.0), sample_rate=16000), ValueError,
         "center_hz.*8000"),
        (lambda: audio.BandPass(q=(0.0, 1.0)), ValueError, "`q` must be positive"),
        (lambda: audio.LowPass(order=0), ValueError, "order"),
        (lambda: audio.HighPass(sample_rate=-1), ValueError, "sample_rate"),
        (lambda: audio.LowPass()(np.zeros((2, 64), "int32")), TypeError, "float audio"),
    ])


def test_filters_need_a_known_length_in_tf_data():
    ds = tf.data.Dataset.from_generator(lambda: iter([_white(2)]),
                                        output_signature=tf.TensorSpec((2, None), tf.float32))
    with pytest.raises(ValueError, match="number of samples to be known"):
        ds.map(audio.LowPass((500.0, 2000.0), sample_rate=SR))


def test_new_audio_layers_take_one_waveform_and_half_precision():
    x = _white(2, seed=9)[:, :512]
    bank = _white(2, seed=10)[:, :100]
    layers = [audio.LowPass((300.0, 2000.0), SR), audio.HighPass((300.0, 2000.0), SR),
              audio.BandPass((300.0, 2000.0), sample_rate=SR), audio.AddColoredNoise(),
              audio.AddBackgroundNoise(bank, SR, sample_rate=SR)]
    for layer in layers:  # one call each (eager JAX compiles every op of a call)
        half = type(layer).from_config({**layer.get_config(), "dtype": "float16"})
        out = to_numpy(half(x[0].astype("float16")))
        assert out.dtype == np.float16 and out.shape == (512,) and np.all(np.isfinite(out))
        assert np.abs(out - x[0]).max() > 1e-2


def test_band_pass_draws_centre_and_q_from_distinct_keys_under_an_explicit_seed():
    # Both draws are uniforms of one shape: from the same key they would be
    # the same fractions of their ranges. Independent, 64 pairs all within
    # 0.1 of each other has probability below 0.2^64.
    layer = audio.BandPass((300.0, 3000.0), q=(1.0, 4.0), sample_rate=SR)
    t = layer.get_random_transformation({"audio": np.zeros((64, 256), "float32")}, seed=7)
    centre = (np.log(to_numpy(t["center_hz"])) - np.log(300.0)) / np.log(10.0)
    q = (to_numpy(t["q"]) - 1.0) / 3.0
    assert np.abs(centre - q).max() > 0.1
