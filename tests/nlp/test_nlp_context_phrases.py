"""ConText's word-list patterns run as literal phrases (for speed): the same cues either way."""

from __future__ import annotations

from typing import Any

import pytest

from nlp import Router
from nlp.context import ConTextReader, _expanded, _first_word_split, _WordMarks

TEXTS = [
    "Hon fick ett krampanfall i måndags och mår bra nu.",
    "I had chest pain last weekend, none since.",
    "Han hade en stroke 1998 och går med rollator.",
    "Hjärtat fungerar inte som det ska, får ingen luft.",
    "Blir lätt andfådd i trappor.",
    "Om hon slutar andas, vad gör vi?",
    "He had a seizure three years ago and 12 months ago.",
    "hjärtsvikt sedan 2020 och nu bubblar det i bröstet",
    "Vilka värktabletter mot bröstsmärta ska man ha hemma?",
    "What medication for seizures and which inhaler for asthma attacks?",
    "På HLR-kursen pratade vi om hjärtstopp. När han var 4 fick han kramp.",
    "Vad ska vi göra om hon slutar andas? Förra veckan svimmade hon.",
]


@pytest.fixture(scope="module")
def router() -> Router:
    return Router.load()


def _cues(router: Router, reader: ConTextReader, text: str) -> list[tuple[Any, ...]]:
    an = router.featurizer.analyzer.analyse(text)
    doc = an.doc
    doc.spans["nara_mentions"] = []
    reader._marks.mark(doc, an.folded)
    reader._context(doc)
    return sorted((m.category, *m.modifier_span) for m in doc._.context_graph.modifiers)


@pytest.mark.parametrize("text", TEXTS)
def test_phrases_find_the_same_cues_as_patterns(router: Router, text: str) -> None:
    nlp = router.featurizer.nlp
    as_phrases = _cues(router, ConTextReader(nlp, as_phrases=True), text)
    as_patterns = _cues(router, ConTextReader(nlp, as_phrases=False), text)
    assert as_phrases == as_patterns
    assert as_phrases  # every text has a cue, so the comparison is not empty


def test_only_plain_word_patterns_become_phrases() -> None:
    plain = {"literal": "i x", "category": "HISTORICAL",
             "pattern": [{"LOWER": "i"}, {"LOWER": {"IN": ["mandags", "tisdags"]}}]}
    assert [r["literal"] for r in _expanded(plain)] == ["i mandags", "i tisdags"]
    assert all("pattern" not in r for r in _expanded(plain))
    optional = {"literal": "x", "category": "HISTORICAL",
                "pattern": [{"LOWER": "i"}, {"LOWER": "x", "OP": "?"}]}
    assert _expanded(optional) == [optional]


def test_a_first_word_list_becomes_one_pattern_per_word() -> None:
    rule = {"literal": "x", "category": "HISTORICAL",
            "pattern": [{"LOWER": {"IN": ["for", "for"]}}, {"IS_DIGIT": True}]}
    assert [r["pattern"] for r in _first_word_split(rule)] == [
        [{"LOWER": "for"}, {"IS_DIGIT": True}]]
    optional = {"literal": "x", "category": "HISTORICAL",
                "pattern": [{"LOWER": {"IN": ["a", "b"]}, "OP": "?"}, {"IS_DIGIT": True}]}
    assert _first_word_split(optional) == [optional]


def test_a_first_word_regex_becomes_markers_of_every_overlap() -> None:
    rules = [{"literal": f"r{k}", "category": "HYPOTHETICAL",
              "pattern": [{"LOWER": {"REGEX": rx}}, {"LOWER": "mot"}]}
             for k, rx in enumerate(["tablett", "tabletter$"])]
    marks = _WordMarks.of(rules)
    firsts = sorted(r["pattern"][0]["NORM"] for r in marks.compiled(rules[0]))
    assert firsts == ["nara_re_0", "nara_re_0_1"]
