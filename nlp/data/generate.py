"""Compose the labelled corpus from hand-written cores (run: python -m nlp.data.generate).

Each core is assigned to exactly one split (stratified per category / red-flag kind), so
no test message shares its core text with a training message; the generator then varies
greetings, signatures, personal data and writing style (no å/ä/ö, typos, lower case).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from .fragments_en import EN
from .fragments_extra import AKUT_EXTRA, SV_EXTRA, TRICKY_EXTRA
from .fragments_flags import AKUT, TRICKY
from .fragments_more import EN_MORE, SV_MORE
from .fragments_sv import SV
from .fragments_urgent import BRADSKANDE

URG = {"a": "akut", "b": "bradskande", "s": "snart", "r": "rutin"}
OUT_DIR = Path(__file__).parent / "legacy"
VARIANTS = 2

SV_OPEN = ["", "", "Hej!", "Hej,", "Hejsan.", "God morgon.", "Hej vårdcentralen!", "Hallå.",
           "Hej, jag heter Birgitta.", "Hej igen.", "Hej, en fråga.", "Hej hej"]
SV_CLOSE = ["", "", "Tack på förhand!", "Mvh Lena", "Vänliga hälsningar, Per", "Tacksam för svar.",
            "Hälsningar Gunnel, 78 år", "/Ahmed", "Ring mig gärna på {phone}.",
            "Mitt personnummer är {pnr}.", "Mvh Karin {pnr}", "Tack!", "Hör av er.",
            "Nås på {phone} efter kl 16."]
EN_OPEN = ["", "", "Hi,", "Hello,", "Hi there.", "Good morning,", "Hello, quick question."]
EN_CLOSE = ["", "", "Thanks,", "Best regards, Tom", "Thank you.", "Call me on {phone}.",
            "My personal number is {pnr}.", "Cheers, Sara"]
AKUT_OPEN = ["", "", "Hjälp!", "Snälla svara fort.", "HEJ", "Akut fråga:"]
AKUT_OPEN_EN = ["", "", "Help!", "Please answer quickly.", "Urgent:"]
_FOLD = str.maketrans("åäöÅÄÖ", "aaoAAO")


@dataclass
class Example:
    id: str
    text: str
    category: str
    urgency: str
    lang: str
    tricky: bool


def luhn_digit(nine: str) -> str:
    total = 0
    for i, ch in enumerate(nine):
        v = int(ch) * (2 if i % 2 == 0 else 1)
        total += v - 9 if v > 9 else v
    return str((10 - total % 10) % 10)


def fake_pnr(rng: random.Random) -> str:
    yy, mm, dd = rng.randint(30, 99), rng.randint(1, 12), rng.randint(1, 28)
    nine = f"{yy:02d}{mm:02d}{dd:02d}{rng.randint(100, 999)}"
    pnr = nine + luhn_digit(nine)
    sep = rng.choice(["-", "", "-"])
    century = rng.choice(["", "19"])
    return f"{century}{pnr[:6]}{sep}{pnr[6:]}"


def fake_phone(rng: random.Random) -> str:
    a, b, c = rng.randint(100, 999), rng.randint(10, 99), rng.randint(10, 99)
    return rng.choice([f"070-{a} {b} {c}", f"+46 73 {a} {b} {c}", f"08-{a} {b} {c}",
                       f"076{a}{b}{c}"])


def typo(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    for _ in range(rng.randint(1, 2)):
        idx = [i for i, w in enumerate(words) if len(w) >= 6 and w.isalpha()]
        if not idx:
            break
        i = rng.choice(idx)
        w = words[i]
        j = rng.randint(1, len(w) - 2)
        words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :] if rng.random() < 0.5 else w[:j] + w[j + 1 :]
    return " ".join(words)


def stylise(core: str, lang: str, akut: bool, rng: random.Random) -> str:
    if akut:
        opener = rng.choice(AKUT_OPEN if lang == "sv" else AKUT_OPEN_EN)
        closer = ""
    else:
        opener = rng.choice(SV_OPEN if lang == "sv" else EN_OPEN)
        closer = rng.choice(SV_CLOSE if lang == "sv" else EN_CLOSE)
    closer = closer.format(phone=fake_phone(rng), pnr=fake_pnr(rng))
    text = " ".join(p for p in (opener, core, closer) if p)
    roll = rng.random()
    if lang == "sv" and roll < 0.2:
        text = text.translate(_FOLD)
    elif roll < 0.35:
        text = text.lower().rstrip(".!?")
    elif roll < 0.5:
        text = typo(text, rng)
    return text


def cores() -> Iterator[tuple[str, str, str, str, str, bool]]:
    """(stratum, text, category, urgency, lang, tricky) for every hand-written core."""
    tables = (("sv", SV), ("en", EN), ("sv", SV_MORE), ("en", EN_MORE), ("sv", SV_EXTRA))
    for lang, table in tables:
        for cat, items in table.items():
            for code, text in items:
                yield f"{lang}-{cat}", text, cat, URG[code], lang, False
    for cat, lang, text in BRADSKANDE:
        yield f"brad-{lang}", text, cat, "bradskande", lang, False
    for kind, cat, lang, text in AKUT + AKUT_EXTRA:
        yield f"akut-{kind}", text, cat, "akut", lang, False
    for cat, urg, lang, text in TRICKY + TRICKY_EXTRA:
        yield "tricky", text, cat, urg, lang, True


def assign_splits(seed: int) -> dict[str, list[tuple[str, str, str, str, bool]]]:
    strata: dict[str, list[tuple[str, str, str, str, bool]]] = {}
    for stratum, *rest in cores():
        strata.setdefault(stratum, []).append(tuple(rest))  # type: ignore[arg-type]
    splits: dict[str, list[tuple[str, str, str, str, bool]]] = {"train": [], "dev": [], "test": []}
    for stratum, items in strata.items():
        # One RNG per stratum: adding cores to one stratum leaves the others' splits alone.
        random.Random(f"{seed}-{stratum}").shuffle(items)
        n = len(items)
        n_test = max(1, round(n * 0.15))
        n_dev = max(1, round(n * 0.15)) if n >= 4 else 0
        splits["test"] += items[:n_test]
        splits["dev"] += items[n_test : n_test + n_dev]
        splits["train"] += items[n_test + n_dev :]
    return splits


def build(seed: int = 7) -> dict[str, list[Example]]:
    out: dict[str, list[Example]] = {}
    counter = 0
    for split, items in assign_splits(seed).items():
        examples = []
        for text, cat, urg, lang, tricky in items:
            rng = random.Random(f"{seed}-{text}")  # stable styles per core
            for _ in range(VARIANTS):
                counter += 1
                body = stylise(text, lang, urg == "akut", rng)
                examples.append(Example(f"m{counter:04d}", body, cat, urg, lang, tricky))
        random.Random(f"{seed}-{split}").shuffle(examples)
        out[split] = examples
    return out


def main() -> None:
    for split, examples in build().items():
        path = OUT_DIR / f"{split}.jsonl"
        with path.open("w", encoding="utf8") as fh:
            for ex in examples:
                fh.write(json.dumps(asdict(ex), ensure_ascii=False) + "\n")
        print(f"{split}: {len(examples)}")


if __name__ == "__main__":
    main()
