"""examples/weight_averaging.py runs end to end (--quick) and answers --help."""

import pytest

from tests.test_examples import load_example


def test_help(capsys):
    example = load_example("weight_averaging")
    with pytest.raises(SystemExit) as exit_info:
        example.main(["--help"])
    assert exit_info.value.code == 0
    assert "--quick" in capsys.readouterr().out


@pytest.mark.slow
def test_quick_run(tmp_path):
    example = load_example("weight_averaging")
    results = example.main(["--quick", "--out", str(tmp_path)])
    assert set(results) == set(example.VARIANTS)
    for runs in results.values():
        assert len(runs) == 1 and 0.0 <= runs[0]["test_acc"] <= 1.0
        assert len(runs[0]["val_loss"]) == 3
    summary = (tmp_path / "summary.md").read_text()
    for variant in example.VARIANTS:
        assert f"| {variant} |" in summary
    assert (tmp_path / "weight_averaging.png").stat().st_size > 0
