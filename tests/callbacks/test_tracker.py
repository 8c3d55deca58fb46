"""The decision part alone: plain Python numbers in, no model, no Keras."""

import math

import pytest

from keras_reg.callbacks._tracker import ImprovementTracker, resolve_mode

NAN = float("nan")


def run(tracker, values):
    """(improved, stop, best, best_epoch, wait) after each epoch."""
    steps = []
    for epoch, value in enumerate(values):
        improved, stop = tracker.update(epoch, value)
        steps.append((improved, stop, tracker.best, tracker.best_epoch, tracker.wait))
    return steps


def test_smoothing_relative_delta_nan_and_patience_by_hand():
    tracker = ImprovementTracker(mode="min", patience=2, min_delta=0.1,
                                 relative_delta=True, smoothing=0.5)
    steps = run(tracker, [10.0, 6.0, NAN, 7.0, 3.0])
    assert steps == [
        # s = 10 (the first finite value): the first value is always best.
        (True, False, 10.0, 0, 0),
        # s = 0.5·10 + 0.5·6 = 8; 10 − 8 = 2 > 0.1·|10| = 1: improved.
        (True, False, 8.0, 1, 0),
        # NaN: s stays 8, no improvement, wait 1 < patience 2.
        (False, False, 8.0, 1, 1),
        # s = 0.5·8 + 0.5·7 = 7.5; 8 − 7.5 = 0.5 <= 0.8: wait 2 = patience: stop.
        (False, True, 8.0, 1, 2),
        # s = 0.5·7.5 + 0.5·3 = 5.25; 8 − 5.25 = 2.75 > 0.8: improved, wait reset.
        (True, False, 5.25, 4, 0),
    ]
    assert tracker.stopped_epoch == 3
    assert tracker.smoothed == 5.25


def test_max_mode_baseline_absolute_delta_and_warm_up_by_hand():
    tracker = ImprovementTracker(mode="max", patience=3, min_delta=0.05,
                                 baseline=0.8, start_from_epoch=1)
    steps = run(tracker, [0.99, 0.5, 0.7, 0.74, 0.9, 0.92])
    assert steps == [
        # Epoch 0 is before start_from_epoch: ignored, even though it is high.
        (False, False, None, None, 0),
        # First value: best, but 0.5 does not beat the baseline 0.8: wait 1.
        (True, False, 0.5, 1, 1),
        # 0.7 − 0.5 = 0.2 > 0.05: best, still under the baseline: wait 2.
        (True, False, 0.7, 2, 2),
        # 0.74 − 0.7 = 0.04 <= 0.05: no improvement, wait 3 = patience: stop.
        (False, True, 0.7, 2, 3),
        # 0.9 beats best by 0.2 and the baseline by 0.1 > 0.05: wait reset.
        (True, False, 0.9, 4, 0),
        # 0.92 − 0.9 = 0.02 <= 0.05.
        (False, False, 0.9, 4, 1),
    ]
    assert tracker.stopped_epoch == 3


def test_never_stops_at_epoch_zero_and_infinities_are_not_best():
    tracker = ImprovementTracker(mode="min", patience=0)
    assert tracker.update(0, math.inf) == (False, False)  # patience 0, but epoch 0
    assert tracker.update(1, -math.inf) == (False, True)
    assert tracker.best is None and tracker.smoothed is None


def test_state_round_trip_and_reset():
    tracker = ImprovementTracker(mode="min", patience=2, smoothing=0.3)
    run(tracker, [3.0, 2.0, 2.5])
    copy = ImprovementTracker(mode="min", patience=2, smoothing=0.3)
    copy.load_state(tracker.state())
    later = [(3, 1.0), (4, 4.0), (5, 4.0)]
    assert [tracker.update(e, v) for e, v in later] == [copy.update(e, v) for e, v in later]
    assert tracker.state() == copy.state()
    assert copy.stopped_epoch == 5  # continued from the loaded counters
    tracker.reset()
    assert tracker.state() == {
        "best": None, "best_epoch": None, "stopped_epoch": None, "wait": 0, "smoothed": None
    }


@pytest.mark.parametrize(
    "mode,monitor,expected",
    [
        ("auto", "val_loss", "min"), ("auto", "val_accuracy", "max"), ("auto", "AUC", "max"),
        ("auto", "val_f1_score", "max"), ("auto", "hinge", "min"), ("min", "val_acc", "min"),
        ("max", "loss", "max"),
    ],
)
def test_resolve_mode(mode, monitor, expected):
    assert resolve_mode(mode, monitor) == expected
