"""Multiclass logistic regression over sparse string features, stored as a weight table.

Trained with scikit-learn; routing needs only the table (a dict lookup per feature), so a
message costs microseconds and every weight can be read back as a reason.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from pathlib import Path

_MIN_WEIGHT = 0.01


class LinearClassifier:
    def __init__(
        self, labels: Sequence[str], weights: dict[str, list[float]], bias: Sequence[float]
    ) -> None:
        self.labels = tuple(labels)
        self.weights = weights
        self.bias = tuple(bias)

    def probabilities(self, features: Iterable[str]) -> dict[str, float]:
        z = list(self.bias)
        get = self.weights.get
        for w in filter(None, map(get, set(features))):
            z = [a + b for a, b in zip(z, w, strict=True)]
        top = max(z)
        exp = [math.exp(v - top) for v in z]
        total = sum(exp)
        return {label: e / total for label, e in zip(self.labels, exp, strict=True)}

    def save(self, path: Path) -> None:
        payload = {"labels": self.labels, "bias": self.bias, "weights": self.weights}
        path.write_text(json.dumps(payload, ensure_ascii=False, sort_keys=True), "utf8")

    @classmethod
    def load(cls, path: Path) -> LinearClassifier:
        payload = json.loads(path.read_text("utf8"))
        return cls(payload["labels"], payload["weights"], payload["bias"])


def train_linear(
    rows: Sequence[tuple[list[str], str]], labels: Sequence[str], c: float = 3.0
) -> LinearClassifier:
    """Fit on (features, label) pairs; labels missing from `rows` get no weights."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = DictVectorizer()
    x = vec.fit_transform([dict.fromkeys(f, 1) for f, _ in rows])
    y = [label for _, label in rows]
    model = LogisticRegression(C=c, max_iter=3000)
    model.fit(x, y)
    classes = [str(k) for k in model.classes_]
    names = vec.get_feature_names_out()
    coef = model.coef_
    weights: dict[str, list[float]] = {}
    for j, name in enumerate(names):
        column = [float(coef[classes.index(label), j]) if label in classes else 0.0
                  for label in labels]
        if max(abs(v) for v in column) >= _MIN_WEIGHT:
            weights[str(name)] = [round(v, 3) for v in column]
    bias = [float(model.intercept_[classes.index(label)]) if label in classes else -30.0
            for label in labels]
    return LinearClassifier(labels, weights, bias)
