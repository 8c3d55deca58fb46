"""Keras's own tests of its dropout layers, run on keras_reg's classes.

The Keras wheel ships its test modules (``keras/src/layers/regularization/
*_test.py``). Each refers to the layer under test as ``layers.<Name>``
through ``from keras.src import layers``; the harness replaces that module
attribute with a namespace in which the tested names are keras_reg's classes
and every other name (``layers.Input``, ...) is still Keras's. Every test
method then runs twice: on keras_reg's classes, and, as the control that
shows the harness itself changes nothing, on Keras's own.

The one relaxation is the issue's: ``assertRaisesRegex`` checks only the
exception class, not Keras's exact wording (keras_reg words its messages
its own way; its own tests check that they name the argument, the value and
what is allowed). Every method passes on keras_reg's classes: none needs a
skip for a deliberate difference (docs/keras_differences.md,
"Dropout layers").

One pytest case runs one Keras module (all its methods) on one
implementation, and reports every failing method: fewer cases, because each
one pays the suite's per-test ``clear_session``. Heavy (Keras's
``run_layer_test`` fits a model per call), so marked slow; the oldest
supported Keras (3.8) does not ship its test modules anyway.
"""

import importlib
import unittest

import keras
import pytest

import keras_reg
from tests.keras_suite import (  # noqa: F401  (the fixture)
    Substituted,
    restore_traceback_filtering,
    run_methods,
)

# Keras test module (under keras.src.layers.regularization) -> the names
# in its `layers` namespace that keras_reg replaces.
SUITES = {
    "dropout_test": ("Dropout",),
    "spatial_dropout_test": ("SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D"),
    "alpha_dropout_test": ("AlphaDropout",),
    "gaussian_dropout_test": ("GaussianDropout",),
}
PACKAGE = "keras.src.layers.regularization"


def _import_suite(name):
    try:
        return importlib.import_module(f"{PACKAGE}.{name}")
    except ModuleNotFoundError:
        return None


def _test_methods(module):
    """``(TestCase class, method name)`` for every test method of ``module``."""
    loader = unittest.TestLoader()
    return [
        (attribute, method)
        for attribute in vars(module).values()
        if isinstance(attribute, type) and issubclass(attribute, unittest.TestCase)
        for method in loader.getTestCaseNames(attribute)
    ]


MODULES = [name for name in SUITES if _import_suite(name) is not None]
if not MODULES:
    pytest.skip(
        f"keras {keras.__version__} does not ship its test modules", allow_module_level=True
    )
pytestmark = pytest.mark.slow


@pytest.mark.usefixtures("restore_traceback_filtering")
@pytest.mark.parametrize("implementation", ["keras_reg", "keras"])
@pytest.mark.parametrize("module_name", MODULES)
def test_keras_suite(module_name, implementation, monkeypatch):
    module = _import_suite(module_name)
    if implementation == "keras_reg":
        replacements = {n: getattr(keras_reg.layers, n) for n in SUITES[module_name]}
        monkeypatch.setattr(module, "layers", Substituted(module.layers, replacements))
    methods = _test_methods(module)
    result = run_methods(methods)
    assert not result.skipped, result.skipped
    assert result.testsRun == len(methods) > 0
