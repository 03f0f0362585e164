"""Training with staff corrections teaches the model something new."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp import Router
from nlp.cli import main
from tests.support.corpus import small_corpus

pytestmark = pytest.mark.slow

WORD = "zorblatt"
PROBE = f"Jag har {WORD} igen, vad gör jag?"


def _corrections() -> list[tuple[str, str]]:
    frames = ["{w}", "Jag har {w}.", "har fått {w} igen", "Min {w} är värre", "hjälp med {w}",
              "{w} sedan i går", "Kan ni titta på min {w}?", "Om {w} och vad man gör"]
    return [(f.format(w=WORD), "diabetes") for f in frames] * 3


# On an eighth of the corpus: the whole takes minutes, and the point is the corrections.
@pytest.mark.timeout(600)
def test_corrections_change_the_model(router: Router, tmp_path: Path) -> None:
    assert router.route(PROBE).category != "diabetes"
    out = tmp_path / "model"
    data = small_corpus(tmp_path / "data")
    argv = ["train", "--output", str(out), "--data-dir", str(data), "--include-corrections"]
    assert main(argv, _corrections) == 0
    trained = Router.load(out)
    assert trained.route(PROBE).category == "diabetes"


def test_include_corrections_without_provider_is_an_error(tmp_path: Path) -> None:
    assert main(["train", "--output", str(tmp_path / "m"), "--include-corrections"]) != 0


def test_a_data_dir_without_a_corpus_is_an_error(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", "--output", str(tmp_path / "m"), "--data-dir", str(tmp_path)]) == 2
    assert "saknar corpus, legacy/train.jsonl, legacy/dev.jsonl" in capsys.readouterr().err
    assert not (tmp_path / "m").exists()
