"""The emergency screen: catalogue concepts, their context, and the catalogue's decision."""

from __future__ import annotations

import json
from pathlib import Path

from .analyzer import Analysis, Analyzer
from .catalogue import Catalogue, shipped_catalogue
from .concepts import ConceptMatcher, Mention
from .context import ConTextReader, ContextReader, CueReader
from .frames import (
    conditional_question,
    dated_care_visit,
    denied_modifiers,
    other_person_history,
    passing_concepts,
    present_age,
    resolved_afterwards,
)
from .rules import RuleEngine
from .triage import HANDLED_CONCEPTS, Assessment, Trigger, assess

WEAK_TRIGGERS_FILE = "weak_triggers.json"

CONTEXT_READERS = ("medspacy", "cues")


class EmergencyScreen:
    def __init__(
        self,
        analyzer: Analyzer,
        rules: RuleEngine,
        context: str = "medspacy",
        catalogue: Catalogue | None = None,
        weak: frozenset[Trigger] = frozenset(),
    ) -> None:
        self.catalogue = catalogue or shipped_catalogue()
        self.weak = weak
        self.matcher = ConceptMatcher(self.catalogue, analyzer)
        # Only concepts a decision can rest on are read in context; parts of combos
        # ("bröstet", "ont") have done their work once the combo is found.
        self.relevant = frozenset(
            {c for p in self.catalogue.presentations for t in (*p.triggers, *p.escalate)
             for c in t}
            | {c.id for c in self.catalogue.concepts.values() if c.serious}
            | {u for c in self.catalogue.concepts.values() for u in c.unless}
            | HANDLED_CONCEPTS
        )
        kinds = {c.id: c.kind for c in self.catalogue.concepts.values()}
        self.modifiers = frozenset(c for c, kind in kinds.items() if kind == "modifier")
        self.signs = frozenset(c for c, kind in kinds.items() if kind in ("symptom", "sign"))
        self.passing = passing_concepts(self.catalogue)
        self.dated = frozenset(c for c, v in self.catalogue.concepts.items() if v.dated)
        self.context: ContextReader
        if context == "medspacy":
            self.context = ConTextReader(analyzer.nlp)
        elif context == "cues":
            self.context = CueReader(rules)
        else:
            raise ValueError(f"unknown context reader {context!r}; choose {CONTEXT_READERS}")

    def assess(self, an: Analysis) -> Assessment:
        return self.decide(*self.read(an))

    def read(self, an: Analysis) -> tuple[list[Mention], list[str]]:
        """The concepts found and their context (the costly part, done once per message)."""
        mentions = [m for m in self.matcher.find(an) if m.concept in self.relevant]
        readings = other_person_history(an, mentions, self.context.read(an, mentions))
        readings = denied_modifiers(an, mentions, readings, self.modifiers)
        readings = conditional_question(an, mentions, readings)
        readings = resolved_afterwards(an, mentions, readings, self.signs, self.passing)
        readings = present_age(an, mentions, readings, self.dated)
        return mentions, dated_care_visit(an, mentions, readings)

    def decide(self, mentions: list[Mention], readings: list[str]) -> Assessment:
        return assess(self.catalogue, mentions, readings, self.weak)


def save_weak_triggers(directory: Path, weak: frozenset[Trigger]) -> None:
    rows = sorted([pid, list(trigger)] for pid, trigger in weak)
    (directory / WEAK_TRIGGERS_FILE).write_text(json.dumps(rows, indent=0), "utf8")


def load_weak_triggers(directory: Path) -> frozenset[Trigger]:
    path = directory / WEAK_TRIGGERS_FILE
    if not path.is_file():
        return frozenset()
    return frozenset((pid, tuple(t)) for pid, t in json.loads(path.read_text("utf8")))
