"""Multiclass logistic regression over sparse string features, stored as a weight table.

Trained with scikit-learn; routing needs only the table (a dict lookup per feature), so a
message costs microseconds and every weight can be read back as a reason.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

_MIN_WEIGHT = 0.01


class LinearClassifier:
    def __init__(
        self, labels: Sequence[str], weights: dict[str, list[float]], bias: Sequence[float]
    ) -> None:
        self.labels = tuple(labels)
        self.weights = weights
        self.bias = tuple(bias)
        # The same table as one matrix: a message sums a few rows in one numpy call.
        self._row = {f: k for k, f in enumerate(weights)}
        self._matrix = np.array(list(weights.values()) or [[0.0] * len(labels)], dtype=float)
        self._bias = np.array(self.bias, dtype=float)

    def probabilities(self, features: Iterable[str]) -> dict[str, float]:
        rows = [k for k in map(self._row.get, set(features)) if k is not None]
        z = self._bias + self._matrix[rows].sum(axis=0) if rows else self._bias
        exp = np.exp(z - z.max())
        return dict(zip(self.labels, (exp / exp.sum()).tolist(), strict=True))

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
