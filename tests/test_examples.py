"""The demo script runs end to end (tiny settings) and writes its outputs."""

import importlib.util
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load_example(name):
    # As when run as a script: the examples' folder is importable (_digits).
    if os.path.join(ROOT, "examples") not in sys.path:
        sys.path.insert(0, os.path.join(ROOT, "examples"))
    path = os.path.join(ROOT, "examples", f"{name}.py")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_compare_regularizers_demo(tmp_path):
    demo = load_example("compare_regularizers")
    results = demo.main(["--epochs", "2", "--seeds", "0", "--train-size", "60",
                         "--val-size", "60", "--out", str(tmp_path), "--verbose", "0"])
    assert set(results) == set(demo.VARIANTS)
    for name in ("summary.md", "learning_curves.png", "augmentation_grid.png"):
        assert os.path.getsize(tmp_path / name) > 0
    summary = (tmp_path / "summary.md").read_text()
    for variant in demo.VARIANTS:
        assert f"| {variant} |" in summary


def test_demo_rejects_unknown_dataset(tmp_path):
    demo = load_example("compare_regularizers")
    with pytest.raises(SystemExit):
        demo.main(["--dataset", "imagenet", "--out", str(tmp_path)])


def test_quickstart(tmp_path):
    quickstart = load_example("quickstart")
    accuracy, same = quickstart.main(["--epochs", "3", "--out", str(tmp_path / "q.keras")])
    assert same and 0.0 <= accuracy <= 1.0


@pytest.mark.slow
def test_mc_dropout_uncertainty(tmp_path):
    example = load_example("mc_dropout_uncertainty")
    correct, wrong = example.main(["--epochs", "5", "--samples", "5",
                                   "--out", str(tmp_path / "mc.png")])
    assert correct > 0 and wrong > 0
    assert (tmp_path / "mc.png").exists()


@pytest.mark.slow
def test_weight_decay_sweep(tmp_path):
    example = load_example("weight_decay_sweep")
    results = example.main(["--grid", "0", "1e-3", "--epochs", "2", "--train-size", "60",
                            "--out", str(tmp_path / "wd.png")])
    assert set(results) == {0.0, 1e-3}
    assert (tmp_path / "wd.png").exists()
