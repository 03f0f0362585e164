"""Context of a concept mention: affirmed, negated, historical, hypothetical, family, resolved.

Two interchangeable readers behind one Protocol, compared on the same data by
`python -m nlp context-eval` (README: which won and by how much):

* `ConTextReader` runs medspaCy's ConText (Harkema et al.'s algorithm, maintained as a spaCy
  component) with Swedish and English rules kept as data in `catalogue/context_rules.json`;
* `CueReader` is Nära's earlier hand-written cue logic (`rules.RuleEngine.context_status`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from spacy.language import Language
from spacy.tokens import Doc, Span

from .analyzer import Analysis
from .catalogue import CATALOGUE_DIR
from .concepts import Mention
from .normalize import fold
from .rules import (
    AFFIRMED,
    FAMILY,
    HISTORICAL,
    HYPOTHETICAL,
    NEGATED,
    RESOLVED,
    RuleEngine,
)

CONTEXT_RULES = CATALOGUE_DIR / "context_rules.json"
# ConText categories in the rule file -> Nära's readings. When several modifiers govern one
# mention, the first reading in this order wins (a denied symptom stays denied when the
# sentence is also a question).
_READINGS = {
    "NEGATED_EXISTENCE": NEGATED,
    "HYPOTHETICAL": HYPOTHETICAL,
    "FAMILY": FAMILY,
    "HISTORICAL": HISTORICAL,
    "RESOLVED": RESOLVED,
}
_PRIORITY = (NEGATED, HYPOTHETICAL, FAMILY, HISTORICAL, RESOLVED)


class ContextReader(Protocol):
    name: str

    def read(self, an: Analysis, mentions: Sequence[Mention]) -> list[str]:
        """One reading per mention, in order."""
        ...


class CueReader:
    """The hand-written cues used before the catalogue (negation window, past, frames)."""

    name = "cues"

    def __init__(self, rules: RuleEngine) -> None:
        self.rules = rules

    def read(self, an: Analysis, mentions: Sequence[Mention]) -> list[str]:
        return [
            AFFIRMED if m.sentence < 0 else self.rules.context_status(an, m.start, m.end)
            for m in mentions
        ]


class ConTextReader:
    """medspaCy ConText over the folded tokens, scoped by Nära's sentence split."""

    name = "medspacy"

    def __init__(self, nlp: Language, rules_path: Path = CONTEXT_RULES) -> None:
        from medspacy.context import ConText, ConTextRule

        self.nlp = nlp
        raw = json.loads(rules_path.read_text("utf8"))["context_rules"]
        # The constructor, not `from_dict`: only it accepts `terminated_by`.
        rules = [ConTextRule(**_folded_rule(r)) for r in raw]
        self._context = ConText(
            nlp,
            rules=None,
            span_attrs=None,
            input_span_type="group",
            span_group_name="nara_mentions",
            max_scope=None,
        )
        self._context.add(rules)

    def read(self, an: Analysis, mentions: Sequence[Mention]) -> list[str]:
        events = [m for m in mentions if m.sentence >= 0 and m.end > m.start]
        if not events:
            return [AFFIRMED] * len(mentions)
        doc = Doc(
            self.nlp.vocab,
            words=list(an.folded),
            sent_starts=[i == 0 or an.sentence[i] != an.sentence[i - 1]
                         for i in range(len(an.folded))],
        )
        spans = [Span(doc, m.start, m.end, label=m.concept) for m in events]
        doc.spans["nara_mentions"] = spans
        self._context(doc)
        by_key: dict[tuple[int, int, str], str] = {}
        for m, span in zip(events, spans, strict=True):
            # medspaCy's overlap test misses a cue inside the target ("kan inte andas",
            # "får ingen luft"): such a cue is part of the symptom, not a negation of it.
            cats = {_READINGS[mod.category] for mod in span._.modifiers
                    if mod.category in _READINGS and not _inside(mod.modifier_span, m)}
            by_key[(m.start, m.end, m.concept)] = next(
                (r for r in _PRIORITY if r in cats), AFFIRMED
            )
        return [by_key.get((m.start, m.end, m.concept), AFFIRMED) for m in mentions]


def _inside(span: tuple[int, int], m: Mention) -> bool:
    return m.start <= span[0] and span[1] <= m.end


def _folded_rule(rule: dict[str, Any]) -> dict[str, Any]:
    """Rules are written in normal Swedish; messages are matched folded (å/ä/ö -> a/o)."""
    out = dict(rule)
    out["literal"] = fold(str(rule["literal"]))
    if "terminated_by" in rule:
        out["terminated_by"] = {str(c).upper() for c in rule["terminated_by"]}
    pattern = rule.get("pattern")
    if isinstance(pattern, str):
        out["pattern"] = fold(pattern)
    elif isinstance(pattern, list):
        out["pattern"] = [_folded_token(t) for t in pattern]
    return out


def _folded_token(token: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in token.items():
        if isinstance(value, str) and key in ("LOWER", "TEXT", "ORTH"):
            out["LOWER"] = fold(value)
        elif isinstance(value, dict) and key in ("LOWER", "TEXT", "ORTH"):
            out["LOWER"] = {k: ([fold(v) for v in vs] if isinstance(vs, list) else
                                fold(vs) if isinstance(vs, str) else vs)
                            for k, vs in value.items()}
        else:
            out[key] = value
    return out


__all__ = ["AFFIRMED", "ConTextReader", "ContextReader", "CueReader"]
