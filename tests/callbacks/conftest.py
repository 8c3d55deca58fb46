def pytest_configure(config):
    # Keras's own test modules (run by test_keras_suite.py) carry this mark.
    config.addinivalue_line(
        "markers", "requires_trainable_backend: a mark of Keras's own test modules"
    )
