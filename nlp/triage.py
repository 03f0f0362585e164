"""From concept mentions and their context to the catalogue's decision.

A presentation fires when every concept of one of its triggers is present and current
(affirmed; population markers always, except an age that is past). A `"112"` presentation
gives `akut`; a `"today"` one gives `bradskande` unless one of its escalation sets is present
too. A `"112"` trigger met only with concepts that are over ("det har gått över") or that
recur but are not happening now ("brukar", "ibland") gives `bradskande`: the episode needs
care today (a TIA is the model case). Any serious concept that is current gives at least
`bradskande`, so no serious concept can end as `rutin`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from .catalogue import Catalogue, Presentation
from .concepts import Mention
from .rules import AFFIRMED, HABITUAL, HISTORICAL, NEGATED, RESOLVED

AKUT = "akut"
BRADSKANDE = "bradskande"


@dataclass(frozen=True)
class Finding:
    presentation: Presentation
    level: str
    trigger: tuple[str, ...]
    evidence: tuple[str, ...]
    passed: bool = False
    # A trigger that, on the training split, fired more often without an emergency than with
    # one: it still means care today, and the learned detector may still raise `akut`.
    weak: bool = False


@dataclass(frozen=True)
class Assessment:
    level: str | None
    findings: tuple[Finding, ...]
    serious: tuple[Mention, ...]
    current: frozenset[str]
    readings: tuple[tuple[Mention, str], ...]

    @property
    def top(self) -> Finding | None:
        return self.findings[0] if self.findings else None


Trigger = tuple[str, tuple[str, ...]]


def assess(
    catalogue: Catalogue,
    mentions: Sequence[Mention],
    readings: Sequence[str],
    weak: frozenset[Trigger] = frozenset(),
) -> Assessment:
    concepts = catalogue.concepts
    current: dict[str, Mention] = {}
    passed: dict[str, Mention] = {}
    recurring: dict[str, Mention] = {}
    for m, r in zip(mentions, readings, strict=True):
        concept = concepts.get(m.concept)
        if concept is None:
            continue
        # A population marker describes the person whatever the sentence's mood or tense
        # ("om hon är gravid", "fick barn för två veckor sedan"), except an age now past; a
        # risk modifier unless denied ("tar inga blodförtunnande").
        if r == AFFIRMED or (not concept.is_event and not (r == HISTORICAL and concept.dated)
                             and not (r == NEGATED and concept.kind == "modifier")):
            current.setdefault(m.concept, m)
        elif r in (RESOLVED, HABITUAL):
            passed.setdefault(m.concept, m)
        if r == HABITUAL:
            recurring.setdefault(m.concept, m)
    for cid in [c for c in current if any(u in current for u in concepts[c].unless)]:
        del current[cid]
    present = current.keys() | passed.keys()
    now = frozenset(current)
    findings = [
        f for p in catalogue.triggered_by(present)
        if (f := _finding(p, current, now, passed, weak, recurring))
    ]
    # Care has seen to it and the person is well again: before sorting, so that what is
    # still an emergency comes first.
    well_at = _handled_and_well(mentions, readings, current)
    if well_at is not None:
        later = [m for m, r in zip(mentions, readings, strict=True)
                 if r == AFFIRMED and m.start > well_at]
        findings = [_handled(f, later) for f in findings]
    # Most severe first, then the most specific trigger, then catalogue order.
    # Then the presentation most of whose concepts are present ("getingstick, svullen tunga,
    # svårt att andas" is anaphylaxis before it is breathing difficulty).
    # A presentation that is itself an emergency goes before an escalated "today" one.
    findings.sort(key=lambda f: (f.level != AKUT, f.passed, f.weak,
                                 f.presentation.decision != "112", -len(f.trigger),
                                 -sum(c in current for c in f.presentation.concepts)))
    serious = tuple(m for cid, m in current.items() if concepts[cid].serious)
    level = None
    if any(f.level == AKUT for f in findings):
        level = AKUT
    elif findings or serious:
        level = BRADSKANDE
    return Assessment(
        level=level,
        findings=tuple(findings),
        serious=serious,
        current=frozenset(current),
        readings=tuple(zip(mentions, readings, strict=True)),
    )


def _finding(
    p: Presentation,
    current: dict[str, Mention],
    now: frozenset[str],
    passed: dict[str, Mention],
    weak: frozenset[Trigger],
    recurring: dict[str, Mention],
) -> Finding | None:
    # Recurring complaints ("får ibland ont i bröstet") are still worth a call today.
    # (Sets, not key views: a subset test against a view walks it in Python's slow path.)
    have = now.union(recurring) if p.decision != "112" and recurring else now
    met = [t for t, concepts in p.trigger_sets if concepts <= have]
    if met:
        strong = [t for t in met if (p.id, t) not in weak]
        trigger = (strong or met)[0]
        level = AKUT if p.decision == "112" else BRADSKANDE
        if level == BRADSKANDE and any(e <= have for e in p.escalate_sets):
            level = AKUT
        if not strong:
            level = BRADSKANDE
        found = {**recurring, **current} if p.decision != "112" else current
        return Finding(p, level, trigger, _evidence(trigger, found), weak=not strong)
    if p.decision != "112" or not passed:
        return None
    either_have = passed.keys() | current.keys()
    for trigger, concepts in p.trigger_sets:
        if concepts <= either_have:
            either = {**passed, **current}
            return Finding(p, BRADSKANDE, trigger, _evidence(trigger, either), passed=True)
    return None


def _evidence(trigger: tuple[str, ...], found: dict[str, Mention]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(found[c].text for c in trigger if found[c].text))


def concept_tags(assessment: Assessment) -> list[str]:
    """Concepts and presentations as words for the category and urgency classifiers."""
    tags = [f"cc_{m.concept}_{r}" for m, r in assessment.readings]
    tags += [f"pp_{f.presentation.id}" for f in assessment.findings]
    return tags


# An emergency that care has already seen to, and the person is well now ("var på akuten i
# natt, fick åka hem, nu är han pigg"), is followed up today, not sent to 112 again, unless
# it is coming back or getting worse.
_HANDLED, _WELL = "treated_by_care", "well_now"
_NOT_OVER = ("symptoms_returning", "worse_than_usual")
HANDLED_CONCEPTS = frozenset({_HANDLED, _WELL, *_NOT_OVER})


def _handled_and_well(
    mentions: Sequence[Mention], readings: Sequence[str], current: dict[str, Mention]
) -> int | None:
    """Where the message says the person is well again, if care has seen to it too."""
    # Care's visit is told in the past tense; "vill inte åka in" or "om vi åker in" is none.
    pairs = list(zip(mentions, readings, strict=True))
    handled = any(m.concept == _HANDLED and r in (AFFIRMED, HISTORICAL, RESOLVED)
                  for m, r in pairs)
    well = [m.start for m, r in pairs if m.concept == _WELL and r in (AFFIRMED, RESOLVED)]
    if not handled or not well or any(c in current for c in _NOT_OVER):
        return None
    return min(well)


def _handled(f: Finding, later: Sequence[Mention]) -> Finding:
    # What is told as current after "mår bra nu" is new ("... men nu har jag ont i bröstet
    # igen"); "och febern är borta" is not.
    if f.level != AKUT or any(m.concept in f.trigger for m in later):
        return f
    return dataclasses.replace(f, level=BRADSKANDE, passed=True)
