"""The emergency catalogue: presentations and the concepts they are made of, read from data.

`nlp/catalogue/presentations.toml` lists the presentations (source, category convention,
decision, triggers); `nlp/catalogue/concepts.toml` their concepts with a Swedish and English
lexicon. Nothing here is code but the loader and its consistency checks.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

from .taxonomy import CATEGORIES

CATALOGUE_DIR = Path(__file__).parent / "catalogue"
DECISIONS = ("112", "today")
CONCEPT_KINDS = ("symptom", "sign", "modifier", "population", "part")
# Kinds whose mentions can be denied, past or hypothetical; a population marker ("87 år",
# "gravid i vecka 30") describes the person, not an event.
EVENT_KINDS = frozenset({"symptom", "sign", "part"})


class CatalogueError(ValueError):
    """The catalogue data is inconsistent (a missing concept, an unknown category, ...)."""


@dataclass(frozen=True)
class Concept:
    id: str
    label_sv: str
    kind: str
    serious: bool
    phrases: tuple[str, ...]
    combos: tuple[tuple[str, ...], ...]
    # Concepts that explain this one away when present too: "kan inte prata" with a lost
    # voice is not a stroke; chest pain when pressing on the ribs is not a heart attack.
    unless: tuple[str, ...] = ()
    # A population marker that a past reading removes: "när han var 4 veckor", "som nyfödd"
    # are not his age now. Others describe the person whatever the tense ("fick barn för
    # två veckor sedan" is postpartum now, "diabetes sedan tio år" is diabetes).
    dated: bool = False
    # Phrases read in their written order (population markers always are): "tagit för
    # många" is an overdose, "många ... tagit" is not.
    ordered: bool = False

    @property
    def is_event(self) -> bool:
        return self.kind in EVENT_KINDS


@dataclass(frozen=True)
class Presentation:
    id: str
    system: str
    name_sv: str
    name_en: str
    category: str
    decision: str
    summary: str
    sources: tuple[str, ...]
    concepts: tuple[str, ...]
    modifiers: tuple[str, ...]
    triggers: tuple[tuple[str, ...], ...]
    escalate: tuple[tuple[str, ...], ...]
    advice_sv: str | None
    advice_en: str | None
    # Messages that must reach the decision (tests route each one).
    examples: tuple[str, ...] = ()

    @cached_property
    def trigger_concepts(self) -> frozenset[str]:
        return frozenset(c for t in self.triggers for c in t)

    @cached_property
    def trigger_sets(self) -> tuple[tuple[tuple[str, ...], frozenset[str]], ...]:
        """Each trigger with its concepts as a set: meeting one is a subset test."""
        return tuple((t, frozenset(t)) for t in self.triggers)

    @cached_property
    def escalate_sets(self) -> tuple[frozenset[str], ...]:
        return tuple(frozenset(e) for e in self.escalate)


@dataclass(frozen=True)
class Catalogue:
    presentations: tuple[Presentation, ...]
    concepts: dict[str, Concept]

    def triggered_by(self, concepts: Iterable[str]) -> list[Presentation]:
        """The presentations with a trigger concept among `concepts`, in catalogue order."""
        index = self._trigger_index
        found = {k for c in concepts for k in index.get(c, ())}
        return [self.presentations[k] for k in sorted(found)]

    @cached_property
    def _trigger_index(self) -> dict[str, tuple[int, ...]]:
        index: dict[str, list[int]] = {}
        for k, p in enumerate(self.presentations):
            for c in p.trigger_concepts:
                index.setdefault(c, []).append(k)
        return {c: tuple(ks) for c, ks in index.items()}

    def presentation(self, pid: str) -> Presentation:
        for p in self.presentations:
            if p.id == pid:
                return p
        raise KeyError(pid)


def _tuple_lists(raw: object, where: str) -> tuple[tuple[str, ...], ...]:
    if not isinstance(raw, list) or not all(isinstance(x, list) and x for x in raw):
        raise CatalogueError(f"{where}: expected a list of non-empty lists")
    return tuple(tuple(str(c) for c in group) for group in raw)


def _concept(cid: str, raw: dict[str, object]) -> Concept:
    kind = str(raw.get("kind", "symptom"))
    if kind not in CONCEPT_KINDS:
        raise CatalogueError(f"concept {cid}: unknown kind {kind!r}")
    phrases = [str(p) for key in ("sv", "en") for p in raw.get(key, []) or []]  # type: ignore[attr-defined]
    return Concept(
        id=cid,
        label_sv=str(raw.get("label_sv", cid)),
        kind=kind,
        serious=bool(raw.get("serious", False)),
        phrases=tuple(dict.fromkeys(p.strip() for p in phrases if p.strip())),
        combos=_tuple_lists(raw.get("combos", []), f"concept {cid} combos"),
        unless=tuple(str(x) for x in raw.get("unless", []) or []),  # type: ignore[attr-defined]
        dated=bool(raw.get("dated", False)),
        ordered=bool(raw.get("ordered", False)),
    )


def _presentation(raw: dict[str, object]) -> Presentation:
    pid = str(raw["id"])

    def strings(key: str) -> tuple[str, ...]:
        return tuple(str(x) for x in raw.get(key, []) or [])  # type: ignore[attr-defined]

    advice_sv, advice_en = raw.get("advice_sv"), raw.get("advice_en")
    return Presentation(
        id=pid,
        system=str(raw["system"]),
        name_sv=str(raw["name_sv"]),
        name_en=str(raw["name_en"]),
        category=str(raw["category"]),
        decision=str(raw["decision"]),
        summary=str(raw.get("summary", "")),
        sources=strings("sources"),
        concepts=strings("concepts"),
        modifiers=strings("modifiers"),
        triggers=_tuple_lists(raw.get("triggers", []), f"presentation {pid} triggers"),
        escalate=_tuple_lists(raw.get("escalate", []), f"presentation {pid} escalate"),
        advice_sv=str(advice_sv) if advice_sv else None,
        advice_en=str(advice_en) if advice_en else None,
        examples=strings("examples"),
    )


def _check(cat: Catalogue) -> None:
    known = cat.concepts
    for c in known.values():
        for group in c.combos:
            missing = [x for x in group if x not in known]
            if missing:
                raise CatalogueError(f"concept {c.id}: unknown combo concepts {missing}")
        if unknown := [x for x in c.unless if x not in known]:
            raise CatalogueError(f"concept {c.id}: unknown unless concepts {unknown}")
    seen: set[str] = set()
    for p in cat.presentations:
        if p.id in seen:
            raise CatalogueError(f"presentation {p.id} is listed twice")
        seen.add(p.id)
        if p.category not in CATEGORIES:
            raise CatalogueError(f"presentation {p.id}: unknown category {p.category!r}")
        if p.decision not in DECISIONS:
            raise CatalogueError(f"presentation {p.id}: unknown decision {p.decision!r}")
        if not p.triggers:
            raise CatalogueError(f"presentation {p.id} has no triggers")
        used = {c for group in (*p.triggers, *p.escalate) for c in group}
        missing = sorted((used | set(p.modifiers)) - known.keys())
        if missing:
            raise CatalogueError(f"presentation {p.id}: unknown concepts {missing}")


def load_catalogue(directory: Path = CATALOGUE_DIR) -> Catalogue:
    with (directory / "concepts.toml").open("rb") as fh:
        raw_concepts = tomllib.load(fh)
    with (directory / "presentations.toml").open("rb") as fh:
        raw_presentations = tomllib.load(fh)["presentation"]
    examples_path = directory / "examples.toml"
    if examples_path.is_file():
        with examples_path.open("rb") as fh:
            examples = tomllib.load(fh)
        for raw in raw_presentations:
            raw.setdefault("examples", examples.get(raw["id"], {}).get("examples", []))
    cat = Catalogue(
        presentations=tuple(_presentation(p) for p in raw_presentations),
        concepts={cid: _concept(cid, raw) for cid, raw in raw_concepts.items()},
    )
    _check(cat)
    return cat


@cache
def shipped_catalogue() -> Catalogue:
    return load_catalogue()
