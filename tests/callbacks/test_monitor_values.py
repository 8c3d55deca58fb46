"""What EarlyStopping accepts as the monitored value: one number, in any
container Keras logs it in (F1Score logs an array of shape (1,))."""

import keras
import numpy as np
import pytest

from keras_reg.callbacks import EarlyStopping
from tests.callbacks import _support as support


@pytest.mark.parametrize(
    "wrap",
    [
        lambda v: v,
        np.float32,
        lambda v: np.array([v], "float32"),  # F1Score(average=None), one class
        lambda v: np.array([[v]]),
        lambda v: np.array(v),
        lambda v: keras.ops.convert_to_tensor([v]),  # a backend tensor
    ],
    ids=["float", "np-scalar", "shape-1", "shape-1x1", "0-d", "tensor"],
)
def test_one_number_in_any_shape(wrap):
    values = [1.0, 0.5, 0.75, 0.8, 0.9]
    es = EarlyStopping(patience=2)
    restored = support.kernel_value(support.drive(es, [wrap(v) for v in values]))
    assert (es.best_epoch, es.stopped_epoch, es.best, restored) == (1, 3, 0.5, 1.0)


@pytest.mark.parametrize("start_from_epoch", [0, 3])
def test_several_numbers_raise_at_the_first_epoch_naming_metric_and_shape(start_from_epoch):
    es = EarlyStopping(patience=2, start_from_epoch=start_from_epoch)
    with pytest.raises(ValueError, match=r"monitor='val_loss' logged 2 values \(shape \(2,\)\) "
                                         r"at epoch 0"):
        support.drive(es, [np.array([0.5, 0.6])])


@pytest.mark.parametrize("value", ["0.5", None, np.array(["a"]), np.array([True])])
def test_non_numbers_raise_naming_the_metric(value):
    with pytest.raises(TypeError, match="monitor='val_loss' logged a non-numeric value"):
        support.drive(EarlyStopping(), [value])


def f1_model(classes):
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(classes, activation="sigmoid")]
    )
    model.compile(keras.optimizers.SGD(0.5), "binary_crossentropy",
                  metrics=[keras.metrics.F1Score(threshold=0.5)])
    return model


def f1_data(classes):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 4)).astype("float32")
    return x, (x[:, :classes] > 0).astype("float32")


class RecordWeights(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        self.weights = self.model.get_weights()


def test_fit_monitoring_f1_score():
    # keras.callbacks.EarlyStopping accepts F1Score's shape-(1,) value; so do we.
    model = f1_model(1)
    es = EarlyStopping("f1_score", patience=3)  # "auto": f1 is maximized
    history = model.fit(*f1_data(1), epochs=4, batch_size=8, verbose=0, callbacks=[es])
    scores = [float(np.ravel(v)[0]) for v in history.history["f1_score"]]
    assert es.best_epoch == int(np.argmax(scores))  # the first of ties
    assert es.best == max(scores)


def test_fit_with_per_class_f1_fails_at_the_first_epoch_leaving_the_weights():
    model = f1_model(2)
    recorder = RecordWeights()
    es = EarlyStopping("f1_score", patience=3)
    with pytest.raises(ValueError, match=r"monitor='f1_score' logged 2 values \(shape \(2,\)\)"):
        model.fit(*f1_data(2), epochs=4, batch_size=8, verbose=0, callbacks=[recorder, es])
    assert es.best_epoch is None
    for now, at_the_error in zip(model.get_weights(), recorder.weights):
        np.testing.assert_array_equal(now, at_the_error)
