import os

import keras
import pytest


def pytest_report_header(config):
    return f"keras {keras.__version__}, backend {keras.backend.backend()}"


def pytest_configure(config):
    # Keras's own test modules (run by the test_keras_suite.py files) carry this mark.
    config.addinivalue_line(
        "markers", "requires_trainable_backend: a mark of Keras's own test modules"
    )
    expected = os.environ.get("KERAS_BACKEND")
    if expected and keras.backend.backend() != expected:
        raise pytest.UsageError(
            f"KERAS_BACKEND={expected} but keras loaded {keras.backend.backend()}"
        )


@pytest.fixture(autouse=True)
def _fresh_keras_state():
    # Without clear_session's garbage collection: with three backends loaded
    # a full gc.collect() costs ~1 s per test, most of the suite's run time;
    # the tests hold small models, which reference counting frees.
    keras.config.set_dtype_policy("float32")
    yield
    keras.config.set_dtype_policy("float32")
    keras.utils.clear_session(free_memory=False)
