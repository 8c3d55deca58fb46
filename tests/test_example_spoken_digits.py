"""examples/spoken_digits.py runs end to end (--quick), answers --help, and
data/spoken_digits.npz is what scripts/make_spoken_digits.py describes."""

import os

import numpy as np
import pytest

from tests._tensorflow import require_tensorflow
from tests.test_examples import ROOT, load_example

require_tensorflow()  # the example imports it

DATA = os.path.join(ROOT, "data", "spoken_digits.npz")


def test_help(capsys):
    example = load_example("spoken_digits")
    with pytest.raises(SystemExit) as exit_info:
        example.main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert all(flag in out for flag in ("--epochs", "--seeds", "--quick", "--out"))


def test_dataset_file():
    assert os.path.getsize(DATA) <= 5_000_000
    with np.load(DATA) as data:
        audio, labels, voice = data["audio"], data["labels"], data["voice"]
        names = [str(n) for n in data["voice_names"]]
        assert int(data["sample_rate"]) == 8000
    assert audio.dtype == np.int16 and audio.ndim == 2 and audio.shape[1] < 8000  # < 1 s
    assert audio.shape[0] == len(labels) == len(voice)
    assert sorted(set(labels.tolist())) == list(range(10))
    assert len(names) == len(set(names)) == 96 and voice.min() == 0 and voice.max() == 95
    # Each voice says each digit once; each clip is trimmed (starts with sound)
    # and is zero-padded at the end only.
    pairs = {(int(v), int(y)) for v, y in zip(voice, labels)}
    assert len(pairs) == len(labels) == 960
    assert np.all(np.abs(audio[:, :80]).max(axis=1) > 0)
    for clip in audio:
        end = np.flatnonzero(clip)[-1] + 1
        assert np.abs(clip[:end]).max() > 1000 and not clip[end:].any()


def test_split_is_by_voice():
    example = load_example("spoken_digits")
    (x, y, voice), (x_test, y_test, test_voice) = example.load_split()
    assert not set(voice.tolist()) & set(test_voice.tolist())
    assert len(x) + len(x_test) == 960 and x.dtype == np.float32
    assert np.abs(x).max() <= 1.0
    with np.load(DATA) as data:
        names = [str(n) for n in data["voice_names"]]
    held_out = {names[v] for v in test_voice.tolist()}
    # A held-out voice has a held-out accent or variant; no training voice has either.
    for name in held_out:
        accent, _, variant = name.partition("+")
        assert accent in example.HELD_OUT_ACCENTS or variant in example.HELD_OUT_VARIANTS
    for name in {names[v] for v in voice.tolist()}:
        accent, _, variant = name.partition("+")
        assert accent not in example.HELD_OUT_ACCENTS and variant not in example.HELD_OUT_VARIANTS
    assert len(held_out) == 36 and sorted(set(y_test.tolist())) == list(range(10))


@pytest.mark.slow
def test_quick_run(tmp_path):
    example = load_example("spoken_digits")
    # The augmented arm only: the other two run the same code with fewer
    # layers (each arm costs a model compile, ~30 s on JAX).
    results = example.main(["--quick", "--variants", "augmented", "--out", str(tmp_path)])
    assert set(results) == {"augmented"}
    for runs in results.values():
        assert len(runs) == 1 and 0.0 <= runs[0]["test_acc"] <= 1.0
    summary = (tmp_path / "summary.md").read_text()
    assert "| augmented |" in summary
    assert os.path.getsize(tmp_path / "spoken_digits_augmentations.png") > 10_000
