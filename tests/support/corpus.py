"""A small corpus laid out like nlp/data, for tests that train: the full one takes minutes."""

from __future__ import annotations

from pathlib import Path

from nlp.corpus import DATA_DIR


def _every(src: Path, dest: Path, step: int) -> None:
    lines = src.read_text("utf8").splitlines(keepends=True)
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text("".join(lines[::step]), "utf8")


def small_corpus(dest: Path, step: int = 8) -> Path:
    """Every `step`-th message of each writer's file and of the legacy corpus, under `dest`."""
    for path in sorted((DATA_DIR / "corpus").glob("*.jsonl")):
        _every(path, dest / "corpus" / path.name, step)
    for name in ("train.jsonl", "dev.jsonl"):
        _every(DATA_DIR / "legacy" / name, dest / "legacy" / name, step)
    return dest
