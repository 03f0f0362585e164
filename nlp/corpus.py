"""Loading the labelled corpus shipped in nlp/data/."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"
SPLITS = ("train", "dev", "test")


@dataclass(frozen=True)
class LabelledMessage:
    id: str
    text: str
    category: str
    urgency: str | None
    lang: str = "sv"
    tricky: bool = False


def load_split(split: str, data_dir: Path = DATA_DIR) -> list[LabelledMessage]:
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}")
    rows = []
    with (data_dir / f"{split}.jsonl").open(encoding="utf8") as fh:
        for line in fh:
            if line.strip():
                d = json.loads(line)
                rows.append(
                    LabelledMessage(
                        d["id"], d["text"], d["category"], d["urgency"], d["lang"], d["tricky"]
                    )
                )
    return rows
