"""A learned acute detector: logistic regression over words, word pairs and concepts.

It backs up the catalogue: when no presentation fires it may still raise `akut`, and then
says why (the features that pushed hardest). Trained with scikit-learn; stored as a plain
feature -> weight table, so routing needs no scikit-learn and each message is a few dict
lookups. Its threshold is calibrated on the development split for recall, never on the
frozen evaluation split.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .analyzer import Analysis
from .catalogue import Catalogue
from .rules import AFFIRMED
from .triage import Assessment

ACUTE_FILE = "acute.json"
_MAX_REASONS = 4


def features(an: Analysis, assessment: Assessment) -> list[str]:
    """The detector's view of a message (the same at training and at routing)."""
    words = [w for w in an.lemmas if w.isalpha() or any(ch.isalpha() for ch in w)]
    out = [f"w:{w}" for w in words]
    lemmas, sentence = an.lemmas, an.sentence
    out += [
        f"b:{lemmas[i]}_{lemmas[i + 1]}"
        for i in range(len(lemmas) - 1)
        if sentence[i] == sentence[i + 1] and lemmas[i].isalpha() and lemmas[i + 1].isalpha()
    ]
    for m, reading in assessment.readings:
        out.append(f"c:{m.concept}" if reading == AFFIRMED else f"c:{m.concept}:{reading}")
    for f in assessment.findings:
        out.append(f"p:{f.level}:{'passed' if f.passed else 'now'}")
    if assessment.serious:
        out.append("serious")
    return out


@dataclass(frozen=True)
class AcuteScore:
    probability: float
    drivers: tuple[str, ...]


class AcuteDetector:
    def __init__(self, weights: dict[str, float], bias: float, threshold: float) -> None:
        self.weights = weights
        self.bias = bias
        self.threshold = threshold

    def score(self, feats: Iterable[str], catalogue: Catalogue) -> AcuteScore:
        """The probability, and its drivers when it reaches the threshold (only then are
        they shown)."""
        get = self.weights.get
        found = {f: w for f in set(feats) if (w := get(f)) is not None}
        # fsum: exact, so the same in any order; a plain sum in set order would depend on
        # the process's hash seed, and the calibrated threshold is one message's probability.
        z = self.bias + math.fsum(found.values())
        p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
        if p < self.threshold:
            return AcuteScore(p, ())
        top = sorted((f for f, w in found.items() if w > 0),
                     key=lambda f: (-found[f], f))[:_MAX_REASONS]
        return AcuteScore(p, tuple(_label(f, catalogue) for f in top))

    def save(self, directory: Path) -> None:
        payload = {"bias": self.bias, "threshold": self.threshold, "weights": self.weights}
        (directory / ACUTE_FILE).write_text(
            json.dumps(payload, ensure_ascii=False, sort_keys=True), "utf8"
        )

    @classmethod
    def load(cls, directory: Path) -> AcuteDetector | None:
        path = directory / ACUTE_FILE
        if not path.is_file():
            return None
        payload = json.loads(path.read_text("utf8"))
        return cls(payload["weights"], payload["bias"], payload["threshold"])


def _label(feature: str, catalogue: Catalogue) -> str:
    """A feature in words a nurse reads: 'andas', 'bröstsmärta (begrepp)'."""
    kind, _, rest = feature.partition(":")
    if kind == "c":
        cid, _, reading = rest.partition(":")
        concept = catalogue.concepts.get(cid)
        label = concept.label_sv if concept else cid
        return f"{label} ({reading})" if reading else label
    if kind == "b":
        return rest.replace("_", " ")
    if kind == "p":
        return "allvarligt fynd"
    return rest or feature


def train_detector(
    rows: Sequence[tuple[list[str], bool]], c: float = 1.0, seed: int = 13
) -> AcuteDetector:
    """Fit on (features, is_akut) pairs; the threshold is set later by `calibrate`."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = DictVectorizer()
    x = vec.fit_transform([dict.fromkeys(f, 1) for f, _ in rows])
    y = [int(label) for _, label in rows]
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=2000, random_state=seed)
    model.fit(x, y)
    names = vec.get_feature_names_out()
    weights = {
        str(n): round(float(w), 4)
        for n, w in zip(names, model.coef_[0], strict=True)
        if abs(w) >= 0.01
    }
    return AcuteDetector(weights, float(model.intercept_[0]), 0.5)


# What the detector may add on the dev split, on top of the catalogue's own false alarms:
# tricky non-acute messages marked `akut`, and other non-acute messages marked `akut`. The
# tricky budget shrinks to what the overall target leaves after the catalogue's own alarms
# (never below a floor, so the detector keeps some reach).
TRICKY_BUDGET = 0.03
TRICKY_TARGET = 0.08
TRICKY_FLOOR = 0.01
OTHER_BUDGET = 0.02


def calibrate_threshold(scored: Sequence[tuple[float, bool, bool, bool]]) -> float:
    """Lowest threshold (most recall) whose added false `akut` stays within the budgets.

    `scored` holds (probability, caught by the catalogue, is akut, is tricky) per message.
    """
    tricky = [p for p, rule, acute, is_tricky in scored if is_tricky and not acute and not rule]
    other = [p for p, rule, acute, is_tricky in scored
             if not is_tricky and not acute and not rule]
    n_tricky = max(1, sum(1 for _, _, acute, t in scored if t and not acute))
    n_other = max(1, sum(1 for _, _, acute, t in scored if not t and not acute))
    screen_tricky = sum(1 for _, rule, acute, t in scored if t and not acute and rule) / n_tricky
    budget = min(TRICKY_BUDGET, max(TRICKY_FLOOR, TRICKY_TARGET - screen_tricky))
    best = 0.95
    for t in sorted({p for p, *_ in scored if p >= 0.05}, reverse=True):
        if (sum(p >= t for p in tricky) / n_tricky > budget
                or sum(p >= t for p in other) / n_other > OTHER_BUDGET):
            break
        best = t
    return max(0.05, min(0.95, best))
