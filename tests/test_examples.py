"""Every example runs end to end (tiny settings), answers ``--help``, and
writes its outputs."""

import importlib.util
import os
import sys

import numpy as np
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


EXAMPLES = ("quickstart", "compare_regularizers", "weight_decay_sweep",
            "mc_dropout_uncertainty", "text_augmentation", "audio_augmentation")


@pytest.mark.parametrize("name", EXAMPLES)
def test_help(name, capsys):
    example = load_example(name)
    with pytest.raises(SystemExit) as exit_info:
        example.main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage:") and "--" in out


@pytest.mark.slow
def test_compare_regularizers_demo(tmp_path, monkeypatch):
    import keras_reg

    # The demo's figures are keras_reg.plot's, not a re-implementation.
    calls = []
    for name in ("learning_curves", "augmentation_grid"):
        real = getattr(keras_reg.plot, name)
        monkeypatch.setattr(keras_reg.plot, name,
                            lambda *a, _real=real, _name=name, **k: calls.append(_name)
                            or _real(*a, **k))
    demo = load_example("compare_regularizers")
    results = demo.main(["--epochs", "2", "--seeds", "0", "--train-size", "60",
                         "--val-size", "60", "--out", str(tmp_path), "--verbose", "0"])
    assert set(results) == set(demo.VARIANTS)
    assert sorted(calls) == ["augmentation_grid"] + ["learning_curves"] * len(demo.VARIANTS)
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
def test_compare_regularizers_tfds_path(tmp_path):
    # The --dataset tfds:NAME path, with TFDS's generated stand-in for MNIST
    # (28x28x1 uint8 images, 10 classes): no download.
    import tensorflow_datasets as tfds

    demo = load_example("compare_regularizers")
    with tfds.testing.mock_data(num_examples=48):
        results = demo.main(["--dataset", "tfds:mnist", "--epochs", "1", "--seeds", "0",
                             "--train-size", "24", "--val-size", "16", "--variants",
                             "baseline", "all", "--out", str(tmp_path), "--verbose", "0"])
    model = results["all"][0]["model"]
    assert model.input_shape == (None, 28, 28, 1)
    summary = (tmp_path / "summary.md").read_text()
    assert "tfds:mnist, 24 training / 16 validation / 48 held-out" in summary


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["loop", "keras-tuner"])
def test_weight_decay_sweep(tmp_path, engine):
    # keras-tuner is in the test requirements, so both engines run; they train
    # the same seeded models, so they must report the same losses.
    example = load_example("weight_decay_sweep")
    results = example.main(["--grid", "0", "1e-3", "--epochs", "2", "--train-size", "60",
                            "--engine", engine, "--out", str(tmp_path / "wd.png")])
    assert set(results) == {0.0, 1e-3}
    assert all(np.isfinite(v) for v in results.values())
    assert (tmp_path / "wd.png").exists()
    if engine == "keras-tuner":
        loop = example.main(["--grid", "0", "1e-3", "--epochs", "2", "--train-size", "60",
                             "--engine", "loop", "--out", ""])
        for wd in results:
            assert results[wd] == pytest.approx(loop[wd], rel=1e-5)


def test_text_augmentation():
    example = load_example("text_augmentation")
    augmented = example.main(["--copies", "4", "--seed", "1"])
    vocabulary = set(example.tokenize(example.SENTENCES, 16)[1])
    changed = 0
    for sentence, copies in augmented.items():
        assert len(copies) == 4
        for text in copies:
            words = text.split()
            assert words and set(words) <= vocabulary
            # One EDA operation changes at most a few tokens of a short sentence.
            assert abs(len(words) - len(sentence.split())) <= 2
            changed += text != sentence
    # Every sentence has a word with synonyms and each operation touches at
    # least one token, so only a swap of two equal tokens ("the ... the")
    # leaves a copy unchanged: P <= 1/4 * 1/15 per copy, under 0.4 of the 24
    # copies expected; allowing 2 fails only if augmentation is broken.
    assert changed >= 4 * len(augmented) - 2


@pytest.mark.slow
def test_audio_augmentation(tmp_path):
    example = load_example("audio_augmentation")
    out = example.main(["--clips", "2", "--seconds", "0.5", "--semitones", "3",
                        "--out", str(tmp_path / "audio.png")])
    # A pure 440 Hz tone: the FFT bin is 2 Hz wide (0.5 s), the shift must land
    # within a few bins of 440 * 2^(3/12).
    assert out["before_hz"] == pytest.approx(440.0, abs=2.0)
    assert out["after_hz"] == pytest.approx(out["expected_hz"], abs=6.0)
    before, after, masked = out["spectrograms"]
    assert before.shape == after.shape == masked.shape
    assert not np.allclose(before, after)
    assert (tmp_path / "audio.png").stat().st_size > 0
