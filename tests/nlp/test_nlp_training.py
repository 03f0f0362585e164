"""Training with staff corrections teaches the model something new."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp import Router
from nlp.cli import main

pytestmark = pytest.mark.slow

WORD = "zorblatt"
PROBE = f"Jag har {WORD} igen, vad gör jag?"


def _corrections() -> list[tuple[str, str]]:
    frames = ["{w}", "Jag har {w}.", "har fått {w} igen", "Min {w} är värre", "hjälp med {w}",
              "{w} sedan i går", "Kan ni titta på min {w}?", "Om {w} och vad man gör"]
    return [(f.format(w=WORD), "diabetes") for f in frames] * 3


# Training reads 6,600 messages through the emergency screen: minutes, not seconds.
@pytest.mark.timeout(900)
def test_corrections_change_the_model(router: Router, tmp_path: Path) -> None:
    assert router.route(PROBE).category != "diabetes"
    out = tmp_path / "model"
    assert main(["train", "--output", str(out), "--include-corrections"], _corrections) == 0
    trained = Router.load(out)
    assert trained.route(PROBE).category == "diabetes"


def test_include_corrections_without_provider_is_an_error(tmp_path: Path) -> None:
    assert main(["train", "--output", str(tmp_path / "m"), "--include-corrections"]) != 0
