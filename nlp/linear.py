"""Multiclass logistic regression over sparse string features, stored as a weight table.

Trained with scikit-learn; routing needs only the table (a dict lookup per feature), so a
message costs microseconds and every weight can be read back as a reason.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

_MIN_WEIGHT = 0.01
_DECIMALS = 3
_WORD_CACHE_SIZE = 100_000


Expand = Callable[[str], Sequence[str]]


class LinearClassifier:
    """`expand` turns a word into the features it stands for (its letter n-grams); routing
    passes such words apart from the other features, and each word's rows are kept."""

    def __init__(
        self,
        labels: Sequence[str],
        weights: dict[str, list[float]],
        bias: Sequence[float],
        expand: Expand | None = None,
    ) -> None:
        self.labels = tuple(labels)
        self.bias = tuple(bias)
        self.expand = expand
        # The table as one matrix and a row index only: a message sums a few rows in one
        # numpy call, and the per-feature lists would only crowd the caches. Rows are
        # float32, padded to a power of two up to 64 bytes, so that a row is one cache line
        # at most (the weights have three decimals; the sums are taken in float64).
        self._row = {f: k for k, f in enumerate(weights)}
        n = len(self.labels)
        width = 1 << max(0, n - 1).bit_length() if n <= 16 else -(-n // 16) * 16
        self._matrix = np.zeros((max(1, len(weights)), width), dtype=np.float32)
        if weights:
            self._matrix[:, :n] = np.array(list(weights.values()), dtype=np.float64)
        self._bias = np.array(self.bias, dtype=float)
        self._word_rows: dict[str, tuple[int, ...]] = {}

    def __contains__(self, feature: str) -> bool:
        return feature in self._row

    @property
    def weights(self) -> dict[str, list[float]]:
        n = len(self.labels)
        return {f: [round(v, _DECIMALS) for v in self._matrix[k, :n].tolist()]
                for f, k in self._row.items()}

    def probabilities(
        self, features: Iterable[str], words: Iterable[str] = ()
    ) -> dict[str, float]:
        """Softmax over the rows of `features` and of `expand(word)` for each of `words`,
        each feature counted once. A word's rows are looked up once and kept, keyed by the
        word: words repeat from message to message, and a lookup in a table of 100,000
        features costs a cache miss."""
        rows = set(map(self._row.get, features))
        rows.discard(None)
        for word in words:
            rows.update(self._rows_of(word))
        if rows:
            # take() and a softmax over a dozen floats in plain Python: numpy's fancy
            # indexing and its per-call overhead cost more than the arithmetic here.
            picked = self._matrix.take(np.fromiter(rows, np.intp, len(rows)), axis=0)
            z = (self._bias + np.add.reduce(picked, axis=0, dtype=np.float64)[
                :len(self._bias)]).tolist()
        else:
            z = list(self.bias)
        top = max(z)
        exp = [math.exp(v - top) for v in z]
        total = sum(exp)
        return dict(zip(self.labels, [v / total for v in exp], strict=True))

    def _rows_of(self, word: str) -> tuple[int, ...]:
        hit = self._word_rows.get(word)
        if hit is None:
            if self.expand is None:
                raise ValueError("this classifier reads no words apart from its features")
            hit = tuple(k for k in map(self._row.get, self.expand(word)) if k is not None)
            if len(self._word_rows) < _WORD_CACHE_SIZE:
                self._word_rows[word] = hit
        return hit

    def save(self, path: Path) -> None:
        payload = {"labels": self.labels, "bias": self.bias, "weights": self.weights}
        path.write_text(json.dumps(payload, ensure_ascii=False, sort_keys=True), "utf8")

    @classmethod
    def load(cls, path: Path, expand: Expand | None = None) -> LinearClassifier:
        payload = json.loads(path.read_text("utf8"))
        return cls(payload["labels"], payload["weights"], payload["bias"], expand)


def train_linear(
    rows: Sequence[tuple[list[str], str]],
    labels: Sequence[str],
    c: float = 3.0,
    min_weight: Callable[[str], float] = lambda name: _MIN_WEIGHT,
    sample_weight: Sequence[float] | None = None,
    value: Callable[[str], float] | None = None,
) -> LinearClassifier:
    """Fit on (features, label) pairs; labels missing from `rows` get no weights. A feature
    is kept if one of its weights reaches `min_weight(feature)`.

    `sample_weight` weighs each row in the loss; `value(feature)` is the value a present
    feature has in training (default 1). A value below 1 regularises that feature harder
    (its weight costs 1/value² as much); the stored weight is coefficient × value, so
    routing still sums one weight per present feature."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = DictVectorizer()
    x = vec.fit_transform([dict.fromkeys(f, 1) for f, _ in rows])
    names = vec.get_feature_names_out()
    scale = None if value is None else np.array([value(str(n)) for n in names])
    if scale is not None:
        x = x.multiply(scale).tocsr()
    y = [label for _, label in rows]
    model = LogisticRegression(C=c, max_iter=3000)
    model.fit(x, y, sample_weight=None if sample_weight is None else np.asarray(sample_weight))
    classes = [str(k) for k in model.classes_]
    coef, intercept = model.coef_, model.intercept_
    if scale is not None:
        coef = coef * scale
    if len(classes) == 2:
        # scikit-learn keeps one row (the second class) for two; as a softmax, half each way.
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
    weights: dict[str, list[float]] = {}
    for j, name in enumerate(names):
        column = [float(coef[classes.index(label), j]) if label in classes else 0.0
                  for label in labels]
        if max(abs(v) for v in column) >= min_weight(str(name)):
            weights[str(name)] = [round(v, _DECIMALS) for v in column]
    bias = [float(intercept[classes.index(label)]) if label in classes else -30.0
            for label in labels]
    return LinearClassifier(labels, weights, bias)
