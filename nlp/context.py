"""Context of a concept mention: affirmed, negated, historical, hypothetical, family, resolved.

Two interchangeable readers behind one Protocol, compared on the same data by
`python -m nlp context-eval` (README: which won and by how much):

* `ConTextReader` runs medspaCy's ConText (Harkema et al.'s algorithm, maintained as a spaCy
  component) with Swedish and English rules kept as data in `catalogue/context_rules.json`;
* `CueReader` is Nära's earlier hand-written cue logic (`rules.RuleEngine.context_status`).
"""

from __future__ import annotations

import itertools
import json
import math
import re
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
    HABITUAL,
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
    "HABITUAL": HABITUAL,
}
_PRIORITY = (NEGATED, HYPOTHETICAL, FAMILY, HISTORICAL, RESOLVED, HABITUAL)
# "nu", "i natt", "fortfarande" mark the present: they end the scope of a past, denied or
# hypothetical cue in both directions, but a resolution only after it ("svårt att andas i
# natt, men nu är det bättre" is over; "det gick över, men nu har jag ont igen" is not).
_NOW = "NOW"
_ENDED_BY_NOW = ("NEGATED_EXISTENCE", "HYPOTHETICAL", "FAMILY", "HISTORICAL", "HABITUAL")


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

    def __init__(
        self, nlp: Language, rules_path: Path = CONTEXT_RULES, as_phrases: bool = True
    ) -> None:
        from medspacy.context import ConText, ConTextRule

        self.nlp = nlp
        raw = json.loads(rules_path.read_text("utf8"))["context_rules"]
        folded = [_folded_rule(r) for r in raw]
        # Markers only where the patterns are compiled to ask for them.
        self._marks = _WordMarks.of(folded if as_phrases else [])
        if as_phrases:
            folded = [r for rule in folded for r in _expanded(rule)]
            folded = [r for rule in folded for r in _first_word_split(rule)]
            folded = [r for rule in folded for r in self._marks.compiled(rule)]
        # The constructor, not `from_dict`: only it accepts `terminated_by`.
        rules = [ConTextRule(**r) for r in folded]
        self._context = ConText(
            nlp,
            rules=None,
            span_attrs=None,
            input_span_type="group",
            span_group_name="nara_mentions",
            max_scope=None,
            terminating_types={c: [_NOW] for c in _ENDED_BY_NOW},
        )
        self._context.add(rules)

    def read(self, an: Analysis, mentions: Sequence[Mention]) -> list[str]:
        events = [m for m in mentions if m.sentence >= 0 and m.end > m.start]
        if not events:
            return [AFFIRMED] * len(mentions)
        doc = an.doc
        self._marks.mark(doc, an.folded)
        spans = [Span(doc, m.start, m.end, label=m.concept) for m in events]
        doc.spans["nara_mentions"] = spans
        self._context(doc)
        graph = doc._.context_graph.modifiers
        now = [mod.modifier_span[0] for mod in graph if mod.category == _NOW]
        pseudo = [mod.modifier_span for mod in graph if mod.category == "PSEUDO"]
        # A past cue that contains or overlaps the mention ("som nyfödd", "när han var
        # liten", "anfall för tre år sedan") dates it, though medspaCy leaves a target out of
        # any cue that overlaps it.
        past = [mod.modifier_span for mod in graph if mod.category == "HISTORICAL"]
        phrases = [m for m in events if m.end - m.start > 1]
        by_key: dict[tuple[int, int, str], str] = {}
        for m, span in zip(events, spans, strict=True):
            cats = {_READINGS[mod.category] for mod in span._.modifiers
                    if mod.category in _READINGS and _applies(mod, m, an, phrases, now)}
            if _negated_after(an, m, phrases, pseudo):
                cats.add(NEGATED)
            if any(a < m.end and m.start < b for a, b in past):
                cats.add(HISTORICAL)
            by_key[(m.start, m.end, m.concept)] = next(
                (r for r in _PRIORITY if r in cats), AFFIRMED
            )
        return [by_key.get((m.start, m.end, m.concept), AFFIRMED) for m in mentions]


_POSTPOSED_NEGATIONS = frozenset({"inte", "ej"})
_SUBJECTS = frozenset("jag du han hon hen vi ni de dom det den barnet".split())


def _negated_after(
    an: Analysis, m: Mention, phrases: Sequence[Mention], pseudo: Sequence[tuple[int, int]]
) -> bool:
    """Swedish puts the negation after the finite verb: "blöder inte", "blöder hon inte".
    A ConText rule cannot say "the one word before" without overlapping its target."""
    j = m.end
    if j < len(an.folded) and an.folded[j] in _SUBJECTS:
        j += 1
    if j >= len(an.folded) or an.folded[j] not in _POSTPOSED_NEGATIONS:
        return False
    if an.sentence[j] != an.sentence[m.start]:
        return False
    # "blod mycket, inte bara strimmor": a pseudo-negation is no negation.
    if any(a <= j < b for a, b in pseudo):
        return False
    return not any(p.start <= j < p.end for p in phrases)


def _applies(
    mod: Any, m: Mention, an: Analysis, phrases: Sequence[Mention], now: Sequence[int]
) -> bool:
    start, end = mod.modifier_span
    if mod.category == "NEGATED_EXISTENCE":
        # A negation inside a symptom phrase is part of that symptom ("kan inte andas",
        # "inte kan svälja och får svårt att andas"), not a denial of it or of its neighbours.
        # (medspaCy's own overlap test misses a cue inside the target.)
        if any(p.start <= start and end <= p.end for p in phrases):
            return False
    if mod.category == "RESOLVED" and m.start >= end:
        return not any(end <= n < m.start for n in now)
    if mod.category == "HABITUAL":
        # "nu andas hon så fort och ibland gör hon uppehåll": a frequency within an
        # episode happening now is no habit.
        return not any(an.sentence[n] == an.sentence[m.start] for n in now)
    return True


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


def _expanded(rule: dict[str, Any]) -> list[dict[str, Any]]:
    """A token pattern of plain words and word lists, as the literal phrases it stands for.

    spaCy's Matcher tries every token pattern at every token of a message, calling a Python
    predicate for each word list (most of ConText's time); the PhraseMatcher looks phrases up
    by hash. The matches are the same."""
    pattern = rule.get("pattern")
    if not isinstance(pattern, list) or not all(_plain(t) for t in pattern):
        return [rule]
    choices = [[t["LOWER"]] if isinstance(t["LOWER"], str) else list(dict.fromkeys(
        t["LOWER"]["IN"])) for t in pattern]
    if math.prod(len(c) for c in choices) > _MAX_PHRASES:
        return [rule]
    base = {k: v for k, v in rule.items() if k != "pattern"}
    return [{**base, "literal": " ".join(words)} for words in itertools.product(*choices)]


# Beyond this many phrases a pattern stays a pattern (the rule file's lists are short).
_MAX_PHRASES = 500


def _first_word_split(rule: dict[str, Any]) -> list[dict[str, Any]]:
    """A token pattern that starts with a word list, as one pattern per first word.

    The Matcher starts every pattern at every token; a plain first word is compared in C, a
    word list is a Python predicate call at each token. The matches are the same."""
    words = _first_lower(rule, "IN")
    if words is None:
        return [rule]
    first, rest = rule["pattern"][0], rule["pattern"][1:]
    return [{**rule, "pattern": [{**first, "LOWER": w}, *rest]} for w in dict.fromkeys(words)]


class _WordMarks:
    """First-token regexes of the token patterns ("a word containing 'tablett'"), compared
    in C: each token that matches some of them gets a marker naming which in its NORM
    (unused otherwise), and the pattern asks for the markers that include its regex.
    Compound words make these open lists, so they cannot become phrases."""

    _MAX = 4

    def __init__(self, regexes: Sequence[str]) -> None:
        self.regexes = tuple(regexes)
        self._compiled = [re.compile(r) for r in self.regexes]
        self._cache: dict[str, str] = {}

    @classmethod
    def of(cls, rules: Sequence[dict[str, Any]]) -> _WordMarks:
        found = [_first_regex(r) for r in rules]
        regexes = list(dict.fromkeys(r for r in found if r is not None))
        return cls(regexes if len(regexes) <= cls._MAX else [])

    def compiled(self, rule: dict[str, Any]) -> list[dict[str, Any]]:
        regex = _first_regex(rule)
        if regex is None or regex not in self.regexes:
            return [rule]
        k = self.regexes.index(regex)
        first = {key: v for key, v in rule["pattern"][0].items() if key != "LOWER"}
        others = [j for j in range(len(self.regexes)) if j != k]
        keys = [_marker(sorted({k, *extra})) for n in range(len(others) + 1)
                for extra in itertools.combinations(others, n)]
        return [{**rule, "pattern": [{**first, "NORM": key}, *rule["pattern"][1:]]}
                for key in keys]

    def mark(self, doc: Doc, words: Sequence[str]) -> None:
        if not self.regexes:
            return
        for i, word in enumerate(words):
            key = self._cache.get(word)
            if key is None:
                key = _marker([k for k, rx in enumerate(self._compiled) if rx.search(word)])
                if len(self._cache) < _MARK_CACHE:
                    self._cache[word] = key
            if key:
                doc[i].norm_ = key


_MARK_CACHE = 100_000


def _marker(ks: Sequence[int]) -> str:
    return "nara_re_" + "_".join(map(str, ks)) if ks else ""


def _first_regex(rule: dict[str, Any]) -> str | None:
    regex = _first_lower(rule, "REGEX")
    return None if regex is None else str(regex)


def _first_lower(rule: dict[str, Any], kind: str) -> Any:
    """The `LOWER` `IN` list or `REGEX` of a token pattern's first token (None: another kind
    of first token, or one that is optional)."""
    pattern = rule.get("pattern")
    if not isinstance(pattern, list) or not pattern or "OP" in pattern[0]:
        return None
    words = pattern[0].get("LOWER")
    return words[kind] if isinstance(words, dict) and set(words) == {kind} else None


def _plain(token: dict[str, Any]) -> bool:
    words = token.get("LOWER")
    return set(token) == {"LOWER"} and (
        isinstance(words, str) or (isinstance(words, dict) and set(words) == {"IN"}))


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
