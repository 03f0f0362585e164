"""The weight table behind the category and urgency classifiers (nlp/linear.py)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from nlp.linear import LinearClassifier

LABELS = ("a", "b", "c")
WEIGHTS = {
    "w_ont": [0.125, -0.5, 0.3],
    "c_<on": [0.2, 0.1, -0.05],
    "c_ont": [-0.4, 0.25, 0.001],
    "c_nt>": [0.7, -0.2, 0.0],
    "c_<fe": [0.0, 0.9, -0.3],
}
BIAS = (0.1, -0.1, 0.0)


def _grams(word: str) -> tuple[str, ...]:
    padded = f"<{word}>"
    return tuple(f"c_{padded[i:i + 3]}" for i in range(len(padded) - 2))


def _softmax(features: set[str]) -> dict[str, float]:
    z = [BIAS[k] + sum(WEIGHTS[f][k] for f in features if f in WEIGHTS)
         for k in range(len(LABELS))]
    top = max(z)
    exp = [math.exp(v - top) for v in z]
    return {label: e / sum(exp) for label, e in zip(LABELS, exp, strict=True)}


def test_words_count_each_shared_gram_once() -> None:
    clf = LinearClassifier(LABELS, WEIGHTS, BIAS, expand=_grams)
    # "ont" twice and "ontlig" share "<on" and "ont": each feature counts once, as in
    # training, where a message's features are a set.
    got = clf.probabilities(["w_ont", "okänd"], ["ont", "ontlig", "ont", "feber"])
    want = _softmax({"w_ont", *_grams("ont"), *_grams("ontlig"), *_grams("feber")})
    assert got.keys() == want.keys()
    for label in LABELS:
        # float32 rows: three-decimal weights are off by < 1e-8 each.
        assert got[label] == pytest.approx(want[label], abs=1e-6)
    # The cached rows of a word give the same answer the second time.
    assert clf.probabilities(["w_ont", "okänd"], ["ont", "ontlig", "feber"]) == got


def test_weights_survive_save_and_load_exactly(tmp_path: Path) -> None:
    clf = LinearClassifier(LABELS, WEIGHTS, BIAS)
    clf.save(tmp_path / "m.json")
    again = LinearClassifier.load(tmp_path / "m.json")
    # Rows are stored as float32; the table read back is the three-decimal one.
    assert again.weights == WEIGHTS
    assert "c_ont" in again and "c_xyz" not in again
    assert again.probabilities(["w_ont", "c_<fe"]) == clf.probabilities(["w_ont", "c_<fe"])


def test_no_features_gives_the_bias_softmax() -> None:
    clf = LinearClassifier(LABELS, {}, BIAS)
    assert clf.probabilities(["w_ont"]) == pytest.approx(_softmax(set()))


def test_words_need_an_expansion() -> None:
    with pytest.raises(ValueError, match="no words"):
        LinearClassifier(LABELS, WEIGHTS, BIAS).probabilities([], ["ont"])


def test_training_keeps_what_min_weight_allows() -> None:
    from nlp.linear import train_linear

    rows = [(["feber", "hosta", "c_<fe"], "a"), (["tid", "boka", "c_<bo"], "b"),
            (["feber", "c_<fe"], "a"), (["boka", "c_<bo"], "b")]
    kept = train_linear(rows, ("a", "b"), min_weight=lambda f: 1e9 if "_" in f else 0.0)
    assert "feber" in kept and "boka" in kept
    assert "c_<fe" not in kept and "c_<bo" not in kept
    everything = train_linear(rows, ("a", "b"), min_weight=lambda f: 0.0)
    assert "c_<fe" in everything


def test_two_labels_train_like_many() -> None:
    from nlp.linear import train_linear

    rows = [(["feber"], "a"), (["boka"], "b")] * 3
    clf = train_linear(rows, ("a", "b"))
    assert clf.probabilities(["feber"])["a"] > 0.8
    assert clf.probabilities(["boka"])["b"] > 0.8


def test_sample_weight_and_feature_value_shape_the_fit() -> None:
    from nlp.linear import train_linear

    rows = [(["x"], "a"), (["x"], "b"), (["y"], "b")] * 4
    # The rows that say "x is b" weigh nothing: "x" means a.
    heavy_a = train_linear(rows, ("a", "b"), sample_weight=[1.0, 0.0, 1.0] * 4)
    assert heavy_a.probabilities(["x"])["a"] > 0.5
    # A feature valued 0.5 in training is stored as coefficient x 0.5, so that routing sums
    # one stored weight per present feature and gets the trained model's score.
    plain = train_linear([(["y"], "b"), (["z"], "a")] * 4, ("a", "b"))
    halved = train_linear([(["y"], "b"), (["z"], "a")] * 4, ("a", "b"),
                          value=lambda f: 0.5 if f == "y" else 1.0)
    # Harder regularised, so less sure, but the same direction.
    assert 0.5 < halved.probabilities(["y"])["b"] < plain.probabilities(["y"])["b"]
