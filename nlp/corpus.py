"""The labelled messages shipped in nlp/data/ and their splits.

* `corpus/*.jsonl` – messages written by independent writers (one file per writer); a
  stable hash of the id puts 15 % of them in `dev`, the rest in `train`;
* `eval/*.jsonl` – the frozen evaluation split, written by other writers who never saw the
  rules, the lexicon or the corpus; never used for training or thresholds
  (`eval/FROZEN.sha256` pins its content, and a test checks it);
* `legacy/*.jsonl` – the earlier template-generated corpus (`legacy_test` is its test split);
* `pending/*.jsonl` – reviewed writers' files routed once as an unseen test and not yet in any
  split: they join `corpus/` when the model is next retrained.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"
SPLITS = ("train", "dev", "eval", "legacy_train", "legacy_test")
_DEV_PERCENT = 15


@dataclass(frozen=True)
class LabelledMessage:
    id: str
    text: str
    category: str
    urgency: str | None
    lang: str = "sv"
    tricky: bool = False
    presentation: str | None = None
    tricky_type: str | None = None
    writer: str = ""


def _read(path: Path) -> list[LabelledMessage]:
    rows = []
    with path.open(encoding="utf8") as fh:
        for line in fh:
            if not line.strip():
                continue
            d = json.loads(line)
            rows.append(
                LabelledMessage(
                    id=d["id"],
                    text=d["text"],
                    category=d["category"],
                    urgency=d["urgency"],
                    lang=d.get("lang", "sv"),
                    tricky=bool(d.get("tricky", False)),
                    presentation=d.get("presentation"),
                    tricky_type=d.get("tricky_type"),
                    writer=path.stem,
                )
            )
    return rows


def _is_dev(message_id: str) -> bool:
    digest = hashlib.sha256(message_id.encode("utf8")).digest()
    return digest[0] * 100 // 256 < _DEV_PERCENT


def _folder(name: str, data_dir: Path) -> list[LabelledMessage]:
    rows: list[LabelledMessage] = []
    for path in sorted((data_dir / name).glob("*.jsonl")):
        rows += _read(path)
    return rows


# What each split is read from, inside a data directory (load_split).
_SPLIT_FILES = {
    "train": ("corpus",), "dev": ("corpus",), "eval": ("eval",),
    "legacy_test": ("legacy/test.jsonl",),
    "legacy_train": ("legacy/train.jsonl", "legacy/dev.jsonl"),
}


def missing_files(splits: Sequence[str], data_dir: Path = DATA_DIR) -> list[str]:
    """What `data_dir` lacks to load these splits (paths relative to it), in order."""
    return [f for split in splits for f in _SPLIT_FILES[split] if not (data_dir / f).exists()]


def load_split(split: str, data_dir: Path = DATA_DIR) -> list[LabelledMessage]:
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; choose one of {', '.join(SPLITS)}")
    if split in ("train", "dev"):
        rows = _folder("corpus", data_dir)
        return [r for r in rows if _is_dev(r.id) == (split == "dev")]
    if split == "eval":
        return _folder("eval", data_dir)
    legacy = data_dir / "legacy"
    if split == "legacy_test":
        return _read(legacy / "test.jsonl")
    return _read(legacy / "train.jsonl") + _read(legacy / "dev.jsonl")


def training_rows(data_dir: Path = DATA_DIR) -> list[LabelledMessage]:
    """What the shipped model is trained on: the writers' train split and the legacy corpus."""
    return load_split("train", data_dir) + load_split("legacy_train", data_dir)
