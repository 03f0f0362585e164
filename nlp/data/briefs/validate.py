"""Check a writer's JSON Lines file against the labelling rules: python validate.py FILE."""

import json
import sys
from pathlib import Path

CATEGORIES = {
    "lakemedel", "tidsbokning", "psykisk_halsa", "rehab", "graviditet", "barn", "diabetes",
    "hjarta_karl", "hud", "provsvar", "infektion", "ovrigt",
}
URGENCIES = {"akut", "bradskande", "snart", "rutin"}
TRICKY_TYPES = {
    None, "past", "other_person", "hypothetical", "resolved", "denied", "controlled", "reading",
    "mild",
}
KEYS = {"id", "text", "category", "urgency", "lang", "tricky", "tricky_type", "presentation",
        "persona"}


def presentation_ids() -> set[str]:
    rows = Path(__file__).with_name("catalogue.md").read_text("utf8").splitlines()
    return {r.split("|")[1].strip() for r in rows if r.startswith("| ") and not r.startswith("| id")}


def problem(d: dict, seen: set[str], presentations: set[str]) -> str | None:
    checks = [
        (set(d) >= KEYS, "keys"),
        (d.get("id") not in seen, "duplicate id"),
        (d.get("category") in CATEGORIES, "category"),
        (d.get("urgency") in URGENCIES, "urgency"),
        (d.get("lang") in ("sv", "en"), "lang"),
        (d.get("tricky_type") in TRICKY_TYPES, "tricky_type"),
        (bool(d.get("tricky")) == (d.get("tricky_type") is not None), "tricky/tricky_type"),
        (d.get("presentation") is None or d.get("presentation") in presentations, "presentation"),
        (d.get("urgency") != "akut" or bool(d.get("presentation")), "akut needs presentation"),
        (not (d.get("tricky") and d.get("urgency") == "akut"), "tricky cannot be akut"),
        (bool(str(d.get("text", "")).strip()), "text"),
    ]
    return next((why for ok, why in checks if not ok), None)


def main(path: str) -> int:
    seen: set[str] = set()
    presentations = presentation_ids()
    bad = 0
    for n, line in enumerate(Path(path).read_text("utf8").splitlines(), 1):
        try:
            d = json.loads(line)
        except json.JSONDecodeError as e:
            why: str | None = f"not JSON: {e}"
        else:
            why = problem(d, seen, presentations)
            seen.add(d.get("id"))
        if why:
            bad += 1
            print(f"line {n}: {why}")
    print("OK" if not bad else f"{bad} bad lines", len(seen), "messages")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
