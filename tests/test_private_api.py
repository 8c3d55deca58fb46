"""The compat boundary: outside ``keras_reg/_compat/``, keras_reg touches no
underscore attribute that it does not define itself.

(``keras.src`` imports are refused by ruff's banned-api rule, see
pyproject.toml.) This test finds every ``obj._name`` access in ``keras_reg/``
outside the compat package whose ``_name`` is defined nowhere in keras_reg —
a method, attribute, function, class or module of its own — i.e. reliance on
a private attribute of Keras (or of another library).
"""

import ast
import pathlib

import keras_reg

ROOT = pathlib.Path(keras_reg.__file__).parent


def _is_private(name):
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _modules():
    return sorted(ROOT.rglob("*.py"))


def _defined_names():
    """Every underscore name keras_reg defines: functions, classes, module
    variables, attributes assigned anywhere, parameters and modules."""
    names = {p.stem for p in _modules()} | {p.name for p in ROOT.rglob("*") if p.is_dir()}
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
            elif isinstance(node, ast.arg):
                names.add(node.arg)
            elif isinstance(node, ast.alias):
                names.add(node.asname or node.name.split(".")[0])
            elif isinstance(node, ast.Call) and getattr(node.func, "id", "") in (
                "setattr", "getattr", "hasattr"
            ):
                if len(node.args) > 1 and isinstance(node.args[1], ast.Constant):
                    if node.args[0].__class__ is ast.Name and node.args[1].value:
                        # object.__setattr__(self, "_x", ...) and friends
                        names.add(node.args[1].value)
            elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "__setattr__":
                if len(node.args) > 1 and isinstance(node.args[1], ast.Constant):
                    names.add(node.args[1].value)
    return {n for n in names if isinstance(n, str) and _is_private(n)}


def foreign_private_accesses(paths=None):
    """``(file:line, attribute)`` for each access in ``paths`` (default:
    keras_reg outside the compat package) to an underscore attribute keras_reg
    does not define."""
    defined = _defined_names()
    found = []
    if paths is None:
        paths = [p for p in _modules() if p.relative_to(ROOT).parts[0] != "_compat"]
    for path in paths:
        relative = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and _is_private(node.attr):
                if node.attr not in defined:
                    found.append((f"{relative}:{node.lineno}", node.attr))
            elif isinstance(node, ast.ImportFrom) and node.module:
                parts = node.module.split(".")
                private = any(_is_private(part) for part in parts) or parts[:2] == ["keras", "src"]
                if parts[0] != "keras_reg" and private:
                    found.append((f"{relative}:{node.lineno}", node.module))
    return found


# Accesses still to be moved behind the compat boundary (issue 15); each fix
# removes its entry, and an entry that no longer occurs fails the test.
KNOWN = set()


def test_no_private_keras_attribute_outside_compat():
    found = {(where.split(":")[0], name) for where, name in foreign_private_accesses()}
    assert found - KNOWN == set()
    assert KNOWN - found == set(), "fixed: remove these from KNOWN"


def test_the_scan_finds_a_private_access(tmp_path):
    # The check itself can fail: a module reading a private Keras attribute
    # (here an invented one) or importing from keras.src is reported.
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from keras.src.utils import io_utils\n"
        "def f(optimizer):\n    return optimizer._distribution_strategy_x\n"
    )
    assert sorted(foreign_private_accesses([probe])) == [
        ("probe.py:1", "keras.src.utils"),
        ("probe.py:3", "_distribution_strategy_x"),
    ]
