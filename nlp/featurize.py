"""Shared feature extraction for training and routing (must stay identical for both)."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from .analyzer import TEMP_TOKEN, Analysis, Analyzer
from .language import detect_language
from .normalize import Lemmatizer
from .rules import KeywordHit, RuleEngine, is_infant


@dataclass(frozen=True)
class Features:
    analysis: Analysis
    keyword_hits: tuple[KeywordHit, ...]
    language: str
    infant: bool
    words: tuple[str, ...]


class Featurizer:
    def __init__(self, nlp: Language, lemmatizer: Lemmatizer) -> None:
        self.nlp = nlp
        self.analyzer = Analyzer(nlp, lemmatizer)
        self.rules = RuleEngine(self.analyzer)

    def extract(self, masked_text: str) -> Features:
        an = self.analyzer.analyse(masked_text)
        hits = tuple(self.rules.keyword_hits(an))
        lang = detect_language(an.folded)
        infant = is_infant(" ".join(an.folded))
        words = [w for w in an.lemmas if w == TEMP_TOKEN or any(c.isalpha() for c in w)]
        words += sorted({f"kw_{h.category}" for h in hits})
        words.append(f"lang_{lang}")
        if infant:
            words.append("age_infant")
        return Features(an, hits, lang, infant, tuple(words))

    def doc(self, feats: Features) -> Doc:
        return Doc(self.nlp.vocab, words=list(feats.words))
