"""TensorFlow for the tests, or a skip where a machine has none on purpose.

CI always installs TensorFlow, and there a failed import stays an error. The
GPU check (scripts/gpu_check.sh) runs the suite on a machine with CUDA builds
of torch and JAX but no TensorFlow (its wheel is larger than what can be
carried there); it sets KERAS_REG_TESTS_WITHOUT_TENSORFLOW=1, and then every
test that touches `tf` (mostly the `tf.data` cases) is skipped with that
reason while the rest of its module still runs.
"""

import os

import pytest

_REASON = (
    "TensorFlow is not installed on this machine "
    "(KERAS_REG_TESTS_WITHOUT_TENSORFLOW=1, the GPU check)"
)


class _Missing:
    """Stands in for the module: any use skips the test (or the module)."""

    def __getattr__(self, name):
        # pytest looks up private and `pytest*` names on every module global
        # while collecting; those must stay plain misses.
        if name.startswith(("_", "pytest")):
            raise AttributeError(name)
        pytest.skip(_REASON, allow_module_level=True)


if os.environ.get("KERAS_REG_TESTS_WITHOUT_TENSORFLOW") == "1":
    try:
        import tensorflow as tf
    except ImportError:
        tf = _Missing()
else:
    import tensorflow as tf

__all__ = ["require_tensorflow", "tf"]


def require_tensorflow():
    """The module, for a test (or module) that needs it other than through `tf`.

    E.g. a Keras layer backed by TensorFlow (`StringLookup`), or an example
    that imports it: skipped as above on the GPU check, an error elsewhere.
    """
    if isinstance(tf, _Missing):
        pytest.skip(_REASON, allow_module_level=True)
    return tf
