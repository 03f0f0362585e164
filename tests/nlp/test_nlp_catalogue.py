"""The emergency catalogue as data: complete, consistent, and each presentation caught.

Every presentation's own examples must reach its decision; every kind of context (denied,
past, hypothetical, someone else's history, over) has cases that must not be `akut`.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

import pytest

from nlp import Router
from nlp.catalogue import CatalogueError, load_catalogue, shipped_catalogue
from nlp.corpus import DATA_DIR

CATALOGUE = shipped_catalogue()
SYSTEMS = {
    "cardiovascular", "respiratory", "neurological", "infection", "metabolic", "obstetric",
    "children", "surgical_abdomen", "trauma", "poisoning", "environmental", "psychiatric",
    "eyes_ent", "urology",
}
EXAMPLES = [
    (p.id, p.decision, text)
    for p in CATALOGUE.presentations
    for text in p.examples
]


def test_catalogue_covers_every_system_with_sixty_emergencies() -> None:
    systems = Counter(p.system for p in CATALOGUE.presentations)
    assert SYSTEMS <= set(systems)
    assert sum(p.decision == "112" for p in CATALOGUE.presentations) >= 60
    for p in CATALOGUE.presentations:
        assert p.sources, p.id
        assert p.triggers, p.id


def test_every_presentation_has_examples() -> None:
    for p in CATALOGUE.presentations:
        assert len(p.examples) >= 2, p.id


@pytest.mark.parametrize(("pid", "decision", "text"), EXAMPLES)
def test_catalogue_examples_reach_their_decision(
    router: Router, pid: str, decision: str, text: str
) -> None:
    d = router.route(text)
    if decision == "112":
        assert d.urgency == "akut", (pid, d.reasons)
        assert d.emergency_reply is not None and ("112" in d.emergency_reply)
    else:
        assert d.urgency in ("akut", "bradskande"), (pid, d.reasons)


CONTEXT_CASES = {
    "negated": [
        "Inget ont i bröstet och ingen andnöd, bara lite trött.",
        "Hon är inte sned i ansiktet och pratar som vanligt.",
        "No chest pain and no trouble breathing, just a cough.",
        "Bebisen har ingen feber och äter bra.",
    ],
    "historical": [
        "Jag fick en blodpropp i lungan för tre år sedan, ska jag fortsätta med Eliquis?",
        "Pappa hade en stroke 2019 och behöver ett nytt intyg om färdtjänst.",
        "As a child I had meningitis, does that affect my hearing now?",
    ],
    "hypothetical": [
        "Vad ska man göra om någon får kramper?",
        "Vilka är tecknen på sepsis hos äldre?",
        "What should I do if my baby gets a fever over 38?",
        "Tänk om jag får en allergisk chock på resan, ska jag ha med adrenalinpenna?",
    ],
    "family": [
        "Min morfar dog av hjärtinfarkt, är det ärftligt?",
        "Det finns aortaaneurysm i släkten, borde jag undersökas?",
        "Hereditary heart disease runs in the family, can I get a check-up?",
    ],
    "resolved": [
        "Jag hade ont i bröstet i går kväll men det har gått över, vill boka en kontroll.",
        "Näsblodet slutade efter fem minuter, det har gått över nu.",
    ],
}


@pytest.mark.parametrize(
    ("kind", "text"), [(k, t) for k, texts in CONTEXT_CASES.items() for t in texts]
)
def test_context_keeps_mentions_from_akut(router: Router, kind: str, text: str) -> None:
    d = router.route(text)
    assert d.urgency != "akut", (kind, d.reasons)


def test_a_serious_symptom_never_ends_as_rutin(router: Router) -> None:
    d = router.route("Jag har ont i bröstet sedan en timme, inget annat.")
    assert d.urgency in ("akut", "bradskande")
    if d.urgency == "bradskande":
        assert d.safety_net_reply is not None and "112" in d.safety_net_reply


def test_akut_reason_names_the_presentation(router: Router) -> None:
    d = router.route("Mamma är plötsligt sned i ansiktet och kan inte lyfta höger arm.")
    assert d.urgency == "akut"
    assert d.presentation is not None and d.presentation_name
    assert any(d.presentation_name in r for r in d.reasons)


def test_unknown_concept_in_a_trigger_is_refused(tmp_path: Path) -> None:
    (tmp_path / "concepts.toml").write_text('[fever]\nlabel_sv = "feber"\nsv = ["feber"]\n')
    (tmp_path / "presentations.toml").write_text(
        '[[presentation]]\nid = "x"\nsystem = "infection"\nname_sv = "X"\nname_en = "X"\n'
        'category = "infektion"\ndecision = "112"\ntriggers = [["fever", "nosuch"]]\n'
    )
    with pytest.raises(CatalogueError, match="nosuch"):
        load_catalogue(tmp_path)


def test_the_evaluation_split_is_frozen() -> None:
    folder = DATA_DIR / "eval"
    pinned = dict(
        reversed(line.split()) for line in (folder / "FROZEN.sha256").read_text().splitlines()
    )
    files = sorted(p.name for p in folder.glob("*.jsonl"))
    assert files == sorted(pinned)
    for name in files:
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == pinned[name], name
