"""Shared feature extraction for training and routing (must stay identical for both)."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.language import Language

from .analyzer import TEMP_TOKEN, Analysis, Analyzer
from .normalize import Lemmatizer
from .rules import KeywordHit, RuleEngine, infant_age_months, is_infant

_STEM = 5


@dataclass(frozen=True)
class Features:
    analysis: Analysis
    keyword_hits: tuple[KeywordHit, ...]
    urgency_hits: tuple[KeywordHit, ...]
    language: str
    infant: bool
    words: tuple[str, ...]

    @property
    def folded_text(self) -> str:
        return " ".join(self.analysis.folded)


class Featurizer:
    def __init__(self, nlp: Language, lemmatizer: Lemmatizer) -> None:
        self.nlp = nlp
        self.analyzer = Analyzer(nlp, lemmatizer)
        self.rules = RuleEngine(self.analyzer)

    def extract(self, masked_text: str) -> Features:
        an = self.analyzer.analyse(masked_text)
        all_hits = self.rules.keyword_hits(an)
        hits = tuple(h for h in all_hits if h.kind == "kw")
        urgency_hits = tuple(h for h in all_hits if h.kind == "uk")
        lang = an.language
        folded_text = " ".join(an.folded)
        infant = is_infant(folded_text)
        words = [w for w in an.lemmas
                 if w.isalpha() or w == TEMP_TOKEN or any(c.isalpha() for c in w)]
        # Five-letter stems of long words generalise over compounds and unseen inflections
        # ("blodtrycksvärden", "blodtrycksmätare" share "blodt").
        words += [f"p_{w[:_STEM]}" for w in words if len(w) > _STEM + 2 and w.isalpha()]
        words += sorted({f"{h.kind}_{h.category}" for h in all_hits})
        words.append(f"lang_{lang}")
        if infant:
            words.append("age_infant")
        if infant_age_months(folded_text) is not None:
            words.append("age_small_child")
        return Features(an, hits, urgency_hits, lang, infant, tuple(words))
