"""Evaluation: per-category P/R/F1, confusion matrix, urgency recall, red-flag safety."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from .corpus import LabelledMessage
from .router import Router
from .taxonomy import CATEGORIES, URGENCIES

MIN_MACRO_F1_SV = 0.85
MIN_AKUT_RECALL = 1.0
MAX_TRICKY_FALSE_AKUT = 0.10


@dataclass
class Report:
    n: int
    per_category: dict[str, tuple[float, float, float]]
    confusion: Counter[tuple[str, str]]
    macro_f1: float
    macro_f1_sv: float
    accuracy: float
    urgency_recall: dict[str, float]
    akut_recall: float
    tricky_false_akut: float
    triage_rate: float
    missed_akut: list[str] = field(default_factory=list)

    @property
    def bars_met(self) -> bool:
        return (
            self.akut_recall >= MIN_AKUT_RECALL
            and self.tricky_false_akut <= MAX_TRICKY_FALSE_AKUT
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


def _ratio(hits: int, total: int) -> float:
    return hits / total if total else 1.0


def evaluate(router: Router, rows: Sequence[LabelledMessage]) -> Report:
    decisions = [router.route(r.text) for r in rows]
    gold = [r.category for r in rows]
    pred = [d.category for d in decisions]
    sv = [i for i, r in enumerate(rows) if r.lang == "sv"]
    urg_recall = {}
    for level in URGENCIES:
        idx = [i for i, r in enumerate(rows) if r.urgency == level]
        urg_recall[level] = _ratio(sum(decisions[i].urgency == level for i in idx), len(idx))
    akut = [i for i, r in enumerate(rows) if r.urgency == "akut"]
    tricky = [i for i, r in enumerate(rows) if r.tricky and r.urgency != "akut"]
    return Report(
        n=len(rows),
        per_category={c: _prf(gold, pred, c) for c in CATEGORIES},
        confusion=Counter(zip(gold, pred, strict=True)),
        macro_f1=_macro_f1(gold, pred),
        macro_f1_sv=_macro_f1([gold[i] for i in sv], [pred[i] for i in sv]),
        accuracy=_ratio(sum(g == p for g, p in zip(gold, pred, strict=True)), len(rows)),
        urgency_recall=urg_recall,
        akut_recall=_ratio(sum(decisions[i].urgency == "akut" for i in akut), len(akut)),
        tricky_false_akut=_ratio(sum(decisions[i].urgency == "akut" for i in tricky),
                                 len(tricky)) if tricky else 0.0,
        triage_rate=_ratio(sum(d.needs_triage for d in decisions), len(rows)),
        missed_akut=[rows[i].id for i in akut if decisions[i].urgency != "akut"],
    )


def format_report(report: Report) -> str:
    lines = [f"Meddelanden: {report.n}", "", f"{'kategori':<15}{'P':>7}{'R':>7}{'F1':>7}"]
    for cat, (p, r, f) in report.per_category.items():
        lines.append(f"{cat:<15}{p:>7.2f}{r:>7.2f}{f:>7.2f}")
    short = [c[:5] for c in CATEGORIES]
    lines += ["", "Förväxlingsmatris (rad = facit, kolumn = gissning)",
              " " * 15 + "".join(f"{s:>6}" for s in short)]
    for g in CATEGORIES:
        row = "".join(f"{report.confusion.get((g, p), 0):>6}" for p in CATEGORIES)
        lines.append(f"{g:<15}{row}")
    lines += [
        "",
        f"Träffsäkerhet: {report.accuracy:.3f}   makro-F1: {report.macro_f1:.3f}",
        f"Makro-F1 (svenska meddelanden): {report.macro_f1_sv:.3f}  (krav >= {MIN_MACRO_F1_SV})",
        "Recall per brådskandegrad: "
        + ", ".join(f"{u} {v:.2f}" for u, v in report.urgency_recall.items()),
        f"Akut-recall: {report.akut_recall:.3f}  (krav >= {MIN_AKUT_RECALL})",
        f"Falskt akut bland kluriga meddelanden: {report.tricky_false_akut:.3f}  "
        f"(krav <= {MAX_TRICKY_FALSE_AKUT})",
        f"Andel till triage: {report.triage_rate:.3f}",
    ]
    if report.missed_akut:
        lines.append("Missade akuta (id): " + ", ".join(report.missed_akut))
    lines.append("Kraven uppfylls: " + ("JA" if report.bars_met else "NEJ"))
    return "\n".join(lines)
