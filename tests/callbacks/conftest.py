import keras
import pytest


def pytest_configure(config):
    # Keras's own test modules (run by test_keras_suite.py) carry this mark.
    config.addinivalue_line(
        "markers", "requires_trainable_backend: a mark of Keras's own test modules"
    )


@pytest.fixture(autouse=True)
def _fresh_keras_state():
    # The suite-wide fixture, without its garbage collection: these tests
    # hold only tiny models, and a full gc.collect() with three backends
    # loaded costs ~1 s per test (most of this directory's run time).
    keras.config.set_dtype_policy("float32")
    yield
    keras.config.set_dtype_policy("float32")
    keras.utils.clear_session(free_memory=False)
