"""What the harnesses that run Keras's own test modules on keras_reg's classes
share: a module proxy answering some names with keras_reg's classes, the
relaxation of exact message wording to the exception class, and a runner
that reports every failing method of a Keras ``TestCase``."""

import types
import unittest

import keras
import pytest


class Substituted(types.ModuleType):
    """A Keras module (``keras.src.layers``, ``keras.src.losses.losses``)
    with some names answered by keras_reg; every other name is Keras's."""

    def __init__(self, keras_module, replacements):
        super().__init__(keras_module.__name__)
        self.__dict__.update(replacements)
        self.keras_module = keras_module

    def __getattr__(self, name):
        return getattr(self.keras_module, name)


def _class_only(case):
    def assert_raises(exception, _regex, *args, **kwargs):
        return case.assertRaises(exception, *args, **kwargs)

    return assert_raises


def skipped_by_keras(test_class, method):
    """Whether a ``pytest.mark.skipif`` of Keras's skips ``method`` on this
    backend (``unittest`` does not read pytest marks)."""
    marks = getattr(getattr(test_class, method), "pytestmark", [])
    return any(m.name == "skipif" and m.args and m.args[0] for m in marks)


def run_methods(methods):
    """Run ``(TestCase class, method name)`` pairs, with ``assertRaisesRegex``
    checking the exception class only (keras_reg words its messages its own
    way; its own tests check them); assert none failed and all ran."""
    result = unittest.TestResult()
    for test_class, method in methods:
        case = test_class(method)
        case.assertRaisesRegex = _class_only(case)
        case.run(result)
    problems = result.errors + result.failures
    assert not problems, "\n".join(f"{case.id()}:\n{tb}" for case, tb in problems)
    return result


@pytest.fixture
def restore_traceback_filtering():
    # Keras's TestCase.setUp switches traceback filtering off process-wide.
    enabled = keras.config.is_traceback_filtering_enabled()
    yield
    if enabled:
        keras.config.enable_traceback_filtering()
