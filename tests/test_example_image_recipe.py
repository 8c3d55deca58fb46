"""examples/image_recipe.py runs end to end (--quick) and answers --help."""

import pytest

from tests._tensorflow import require_tensorflow
from tests.test_examples import load_example

require_tensorflow()  # the example imports it


def test_help(capsys):
    example = load_example("image_recipe")
    with pytest.raises(SystemExit) as exit_info:
        example.main(["--help"])
    assert exit_info.value.code == 0
    assert "--strength" in capsys.readouterr().out


@pytest.mark.slow
def test_quick_run(tmp_path):
    example = load_example("image_recipe")
    results = example.main(["--quick", "--out", str(tmp_path)])
    assert set(results) == set(example.VARIANTS)
    for runs in results.values():
        assert len(runs) == 1 and 0.0 <= runs[0]["test_acc"] <= 1.0
    assert "| recipe |" in (tmp_path / "summary.md").read_text()
