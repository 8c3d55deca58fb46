import os

import keras
import pytest


def pytest_report_header(config):
    return f"keras {keras.__version__}, backend {keras.backend.backend()}"


def pytest_configure(config):
    expected = os.environ.get("KERAS_BACKEND")
    if expected and keras.backend.backend() != expected:
        raise pytest.UsageError(
            f"KERAS_BACKEND={expected} but keras loaded {keras.backend.backend()}"
        )


@pytest.fixture(autouse=True)
def _fresh_keras_state():
    keras.config.set_dtype_policy("float32")
    yield
    keras.config.set_dtype_policy("float32")
    keras.utils.clear_session()
