"""The one place where keras_reg relies on Keras internals or branches on
the backend (only where Keras offers no public op), split by subsystem.

Everything here is exercised by the test suite: on the newest Keras on all
three backends (``make test``) and on the oldest Keras that
``pyproject.toml`` admits on JAX (``make test-keras-min``), so a change in
Keras shows up as a failing test rather than as a bug in a user's run.
Outside this package, ``ruff`` (banned ``keras.src`` imports) and
``tests/test_private_api.py`` (underscore attributes keras_reg does not
define) keep the boundary.
"""
