"""CLI route output format, and the shipped model meeting the quality bars."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp import Router
from nlp.cli import main
from nlp.corpus import load_split
from nlp.evaluate import evaluate

pytestmark = pytest.mark.slow


def test_route_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(
        json.dumps({"id": "a", "text": "Behöver förnya mitt recept på Levaxin."}) + "\n"
        + "{not json\n"
        + json.dumps({"id": "c"}) + "\n"
        + json.dumps({"id": 4, "text": "Jag har ont i bröstet och kan inte andas"}) + "\n",
        encoding="utf8",
    )
    assert main(["route", str(src)]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert len(lines) == 4
    assert lines[0]["id"] == "a" and lines[0]["category"] == "lakemedel"
    assert set(lines[0]) >= {"id", "category", "urgency", "confidence", "reasons"}
    assert lines[1]["id"] is None and "error" in lines[1]
    assert lines[2]["id"] == "c" and "error" in lines[2]
    assert lines[3]["id"] == 4 and lines[3]["urgency"] == "akut"


def test_shipped_model_meets_the_bars_on_the_legacy_test_split(router: Router) -> None:
    report = evaluate(router, load_split("legacy_test"))
    assert report.akut_recall == 1.0
    assert report.tricky_false_akut.value <= 0.10
    assert report.macro_f1_sv >= 0.85


def test_eval_command_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "--split", "dev"]) == 0
    assert "Akut-recall" in capsys.readouterr().out
