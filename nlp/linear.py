"""Multiclass logistic regression over sparse string features, stored as a weight table.

Trained with scikit-learn; routing needs only the table (a dict lookup per feature), so a
message costs microseconds and every weight can be read back as a reason.
"""

from __future__ import annotations

import json
import math
from collections.abc import Hashable, Iterable, Sequence
from pathlib import Path

import numpy as np

_MIN_WEIGHT = 0.01
_GROUP_CACHE_SIZE = 100_000


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
        self._group_rows: dict[Hashable, tuple[int, ...]] = {}

    def probabilities(
        self, features: Iterable[str], groups: Iterable[tuple[str, ...]] = ()
    ) -> dict[str, float]:
        """Softmax over the rows of `features` and of every feature in `groups`, each
        feature counted once. A group (a word's letter n-grams) is looked up once and kept:
        words repeat from message to message, and a lookup in a table of 100,000 features
        costs a cache miss."""
        rows = set(map(self._row.get, features))
        rows.discard(None)
        for group in groups:
            rows.update(self._rows_of(group))
        if rows:
            # take() and a softmax over a dozen floats in plain Python: numpy's fancy
            # indexing and its per-call overhead cost more than the arithmetic here.
            picked = self._matrix.take(np.fromiter(rows, np.intp, len(rows)), axis=0)
            z = (self._bias + picked.sum(axis=0)).tolist()
        else:
            z = list(self.bias)
        top = max(z)
        exp = [math.exp(v - top) for v in z]
        total = sum(exp)
        return dict(zip(self.labels, [v / total for v in exp], strict=True))

    def _rows_of(self, group: tuple[str, ...]) -> tuple[int, ...]:
        hit = self._group_rows.get(group)
        if hit is None:
            hit = tuple(k for k in map(self._row.get, group) if k is not None)
            if len(self._group_rows) < _GROUP_CACHE_SIZE:
                self._group_rows[group] = hit
        return hit

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
