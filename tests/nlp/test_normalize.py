"""The lemmatiser's typo repair: typos are repaired, real words are not."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from nlp.normalize import Lemmatizer

FULL = {"spetsade": "spetsa", "spetsa": "spetsa", "svetsade": "svetsa", "svetsa": "svetsa"}


def _pruned() -> Lemmatizer:
    return Lemmatizer.pruned(FULL, Counter({"spetsade": 5}), rule_words=[], flag_words=[])


def test_a_real_word_the_pruned_table_lacks_stays_itself() -> None:
    lemmatizer = _pruned()
    assert "svetsa" not in lemmatizer.table  # pruned: no message or rule has it
    assert lemmatizer.lemma("svetsade") == "svetsade"  # welded, not "spetsade" (impaled)
    assert lemmatizer.lemma("spetsde") == "spetsa"  # a typo is still repaired


def test_real_words_survive_saving(tmp_path: Path) -> None:
    path = tmp_path / "lemmas.json"
    _pruned().save(path)
    loaded = Lemmatizer.load(path)
    assert loaded.real == {"svetsade", "svetsa"}
    assert loaded.lemma("svetsade") == "svetsade"
