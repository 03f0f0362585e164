"""Evaluation: category P/R/F1 and confusion, urgency, the emergency stop, with 95 % intervals.

Proportions get Wilson score intervals; macro-F1 a percentile bootstrap over messages.
Recall of `akut` is also reported per catalogue presentation, since one presentation the
screen never catches is the failure that matters.
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from .corpus import LabelledMessage
from .decision import RoutingDecision
from .router import Router
from .taxonomy import CATEGORIES, URGENCIES

MIN_MACRO_F1_SV = 0.90
MIN_AKUT_RECALL = 0.99
MIN_AKUT_RECALL_LOWER = 0.97
MIN_PRESENTATION_RECALL = 0.9
MAX_TRICKY_FALSE_AKUT = 0.08
_Z = 1.959964
_BOOTSTRAP = 1000

Interval = tuple[float, float]


def wilson(hits: int, total: int) -> Interval:
    """95 % Wilson score interval of hits/total."""
    if total == 0:
        return (0.0, 1.0)
    p = hits / total
    denom = 1 + _Z**2 / total
    centre = (p + _Z**2 / (2 * total)) / denom
    half = _Z * math.sqrt(p * (1 - p) / total + _Z**2 / (4 * total**2)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


@dataclass
class Rate:
    hits: int
    total: int

    @property
    def value(self) -> float:
        return self.hits / self.total if self.total else 0.0

    @property
    def interval(self) -> Interval:
        return wilson(self.hits, self.total)

    def __str__(self) -> str:
        lo, hi = self.interval
        return f"{self.value:.3f} ({self.hits}/{self.total}; 95 % KI {lo:.3f}–{hi:.3f})"


@dataclass
class Report:
    n: int
    per_category: dict[str, tuple[float, float, float]]
    confusion: Counter[tuple[str, str]]
    macro_f1: float
    macro_f1_sv: float
    macro_f1_sv_interval: Interval
    accuracy: float
    urgency_recall: dict[str, Rate]
    urgency_confusion: Counter[tuple[str, str]]
    akut: Rate
    tricky_false_akut: Rate
    serious_as_rutin: Rate
    per_presentation: dict[str, Rate]
    triage_rate: float
    missed_akut: list[str] = field(default_factory=list)
    false_akut: list[str] = field(default_factory=list)

    @property
    def akut_recall(self) -> float:
        return self.akut.value

    @property
    def weakest_presentations(self) -> list[tuple[str, Rate]]:
        rates = [(p, r) for p, r in self.per_presentation.items() if r.total]
        return sorted(rates, key=lambda pr: (pr[1].value, -pr[1].total))

    @property
    def bars_met(self) -> bool:
        return (
            self.akut.value >= MIN_AKUT_RECALL
            and self.akut.interval[0] >= MIN_AKUT_RECALL_LOWER
            and all(r.value >= MIN_PRESENTATION_RECALL for r in self.per_presentation.values())
            and self.tricky_false_akut.value <= MAX_TRICKY_FALSE_AKUT
            and self.macro_f1_sv >= MIN_MACRO_F1_SV
        )


def _prf(gold: Sequence[str], pred: Sequence[str], label: str) -> tuple[float, float, float]:
    tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == p == label)
    n_pred = sum(1 for p in pred if p == label)
    n_gold = sum(1 for g in gold if g == label)
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _macro_f1(gold: Sequence[str], pred: Sequence[str]) -> float:
    labels = [c for c in CATEGORIES if c in gold]
    return sum(_prf(gold, pred, c)[2] for c in labels) / len(labels) if labels else 0.0


def _bootstrap_f1(gold: Sequence[str], pred: Sequence[str], seed: int = 7) -> Interval:
    if not gold:
        return (0.0, 0.0)
    rng = random.Random(seed)
    n = len(gold)
    scores = []
    for _ in range(_BOOTSTRAP):
        idx = [rng.randrange(n) for _ in range(n)]
        scores.append(_macro_f1([gold[i] for i in idx], [pred[i] for i in idx]))
    scores.sort()
    return scores[int(0.025 * _BOOTSTRAP)], scores[int(0.975 * _BOOTSTRAP) - 1]


def _rate(decisions: Sequence[RoutingDecision], idx: Sequence[int], urgency: str) -> Rate:
    return Rate(sum(decisions[i].urgency == urgency for i in idx), len(idx))


def evaluate(router: Router, rows: Sequence[LabelledMessage]) -> Report:
    decisions = [router.route(r.text) for r in rows]
    return report_for(rows, decisions)


def report_for(rows: Sequence[LabelledMessage], decisions: Sequence[RoutingDecision]) -> Report:
    gold = [r.category for r in rows]
    pred = [d.category for d in decisions]
    sv = [i for i, r in enumerate(rows) if r.lang == "sv"]
    gold_sv, pred_sv = [gold[i] for i in sv], [pred[i] for i in sv]
    akut = [i for i, r in enumerate(rows) if r.urgency == "akut"]
    tricky = [i for i, r in enumerate(rows) if r.tricky and r.urgency != "akut"]
    serious = [i for i, r in enumerate(rows) if r.urgency in ("akut", "bradskande")]
    by_presentation: dict[str, list[int]] = defaultdict(list)
    for i in akut:
        by_presentation[rows[i].presentation or "okänd"].append(i)
    return Report(
        n=len(rows),
        per_category={c: _prf(gold, pred, c) for c in CATEGORIES},
        confusion=Counter(zip(gold, pred, strict=True)),
        macro_f1=_macro_f1(gold, pred),
        macro_f1_sv=_macro_f1(gold_sv, pred_sv),
        macro_f1_sv_interval=_bootstrap_f1(gold_sv, pred_sv),
        accuracy=sum(g == p for g, p in zip(gold, pred, strict=True)) / max(1, len(rows)),
        urgency_recall={
            u: _rate(decisions, [i for i, r in enumerate(rows) if r.urgency == u], u)
            for u in URGENCIES
        },
        urgency_confusion=Counter(
            (r.urgency or "", d.urgency) for r, d in zip(rows, decisions, strict=True)
        ),
        akut=_rate(decisions, akut, "akut"),
        tricky_false_akut=_rate(decisions, tricky, "akut"),
        serious_as_rutin=_rate(decisions, serious, "rutin"),
        per_presentation={p: _rate(decisions, idx, "akut")
                          for p, idx in sorted(by_presentation.items())},
        triage_rate=sum(d.needs_triage for d in decisions) / max(1, len(rows)),
        missed_akut=[rows[i].id for i in akut if decisions[i].urgency != "akut"],
        false_akut=[rows[i].id for i in tricky if decisions[i].urgency == "akut"],
    )


def _matrix(confusion: Counter[tuple[str, str]], labels: Sequence[str], width: int) -> list[str]:
    short = [label[:width - 1] for label in labels]
    lines = [" " * 15 + "".join(f"{s:>{width}}" for s in short)]
    for g in labels:
        row = "".join(f"{confusion.get((g, p), 0):>{width}}" for p in labels)
        lines.append(f"{g:<15}{row}")
    return lines


def format_report(report: Report, presentations: int = 12) -> str:
    lines = [f"Meddelanden: {report.n}", "", f"{'kategori':<15}{'P':>7}{'R':>7}{'F1':>7}"]
    for cat, (p, r, f) in report.per_category.items():
        lines.append(f"{cat:<15}{p:>7.2f}{r:>7.2f}{f:>7.2f}")
    lines += ["", "Förväxlingsmatris, kategori (rad = facit, kolumn = gissning)"]
    lines += _matrix(report.confusion, CATEGORIES, 6)
    lines += ["", "Förväxlingsmatris, brådskandegrad"]
    lines += _matrix(report.urgency_confusion, URGENCIES, 11)
    lo, hi = report.macro_f1_sv_interval
    lines += [
        "",
        f"Träffsäkerhet: {report.accuracy:.3f}   makro-F1: {report.macro_f1:.3f}",
        f"Makro-F1 (svenska meddelanden): {report.macro_f1_sv:.3f} (95 % KI {lo:.3f}–{hi:.3f}; "
        f"mål >= {MIN_MACRO_F1_SV})",
        "Recall per brådskandegrad: "
        + ", ".join(f"{u} {v.value:.2f}" for u, v in report.urgency_recall.items()),
        f"Akut-recall: {report.akut}  (mål >= {MIN_AKUT_RECALL}, nedre gräns >= "
        f"{MIN_AKUT_RECALL_LOWER})",
        f"Falskt akut bland kluriga meddelanden: {report.tricky_false_akut}  "
        f"(mål <= {MAX_TRICKY_FALSE_AKUT})",
        f"Akut eller brådskande som blev rutin: {report.serious_as_rutin}",
        f"Andel till triage: {report.triage_rate:.3f}",
        "",
        f"Akut-recall per presentation (de {presentations} svagaste av "
        f"{len(report.per_presentation)}; mål >= {MIN_PRESENTATION_RECALL}):",
    ]
    for pid, rate in report.weakest_presentations[:presentations]:
        lines.append(f"  {pid:<36}{rate.value:>6.2f}  ({rate.hits}/{rate.total})")
    if report.missed_akut:
        lines.append("Missade akuta (id): " + ", ".join(report.missed_akut))
    if report.false_akut:
        lines.append("Kluriga markerade akut (id): " + ", ".join(report.false_akut))
    lines.append("Målen uppfylls: " + ("JA" if report.bars_met else "NEJ"))
    return "\n".join(lines)
