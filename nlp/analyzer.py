"""Turns a message into aligned token views (surface, folded, lemma) and clause ids."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from .language import detect_language
from .normalize import Lemmatizer, fold, split_hyphens, without_apostrophe
from .redflag_rules import CLAUSE_BREAKS

_TEMP_RE = re.compile(r"^(3[89]|4[01])([.,]\d{1,2})?$")
_SENTENCE_ENDS = frozenset(".!?\n")
# Hurried texting ends a sentence without a space ("ont i natt.värre o värre"); the tokenizer
# splits there only before a capital. Two letters on each side (or a number after) leave
# abbreviations ("t.ex", "bl.a", "p.g.a") and decimals alone.
_RUN_ON = re.compile(r"(?<=[^\W\d_]{2})([.!?])(?=[^\W\d_]{2}|\d)")
TEMP_TOKEN = "tempvarde"


@dataclass(frozen=True)
class Analysis:
    surface: tuple[str, ...]
    folded: tuple[str, ...]
    lemmas: tuple[str, ...]
    clause: tuple[int, ...]
    sentence: tuple[int, ...]
    doc: Doc
    language: str

    def clause_text(self, index: int) -> str:
        """Folded surface and lemma text of one clause, padded for cue lookup."""
        return self._span_text(self.clause, index)

    def sentence_text(self, index: int) -> str:
        return self._span_text(self.sentence, index)

    def _span_text(self, ids: tuple[int, ...], index: int) -> str:
        # Surface and lemmas both, so cues match inflected and misspelt forms too.
        keep = [i for i, v in enumerate(ids) if v == ids[index]]
        surface = " ".join(self.folded[i] for i in keep)
        lemmas = " ".join(self.lemmas[i] for i in keep)
        return f" {surface} | {lemmas} "


@lru_cache(maxsize=100_000)
def _parts(token: str) -> tuple[tuple[str, str], ...]:
    """A token's words and their folded forms; cached, as the vocabulary repeats."""
    return tuple((part, without_apostrophe(fold(part))) for part in split_hyphens(token))


class Analyzer:
    """Tokenises with spaCy's Swedish tokenizer and lemmatises with the folded table."""

    def __init__(self, nlp: Language, lemmatizer: Lemmatizer) -> None:
        self.nlp = nlp
        self.lemmatizer = lemmatizer

    def lemma_of(self, folded: str, language: str = "sv") -> str:
        if _TEMP_RE.match(folded):
            return TEMP_TOKEN
        # The lemma table and typo repair are Swedish; English words would be mangled
        # ("trying" -> "crying", "Tom" -> "tomma"), so English keeps the folded form.
        if language == "sv":
            return self.lemmatizer.lemma(folded)
        return self.lemmatizer.english(folded)

    def analyse(self, text: str, language: str | None = None) -> Analysis:
        tokens = self.nlp.tokenizer(_RUN_ON.sub(r"\1 ", text))
        surface: list[str] = []
        folded: list[str] = []
        clause: list[int] = []
        sentence: list[int] = []
        cid = sid = 0
        for tok in tokens:
            if tok.is_space:
                if "\n" in tok.text:
                    cid, sid = cid + 1, sid + 1
                continue
            for part, low in _parts(tok.text):
                surface.append(part)
                folded.append(low)
                clause.append(cid)
                sentence.append(sid)
            low = folded[-1]
            if low in CLAUSE_BREAKS:
                cid += 1
            if low and low[-1] in _SENTENCE_ENDS:
                sid += 1
        lang = language or detect_language(folded)
        lemmas = [self.lemma_of(w, lang) for w in folded]
        # One Doc per message serves both the keyword matcher (on LEMMA) and ConText (on the
        # folded words, by sentence).
        doc = Doc(self.nlp.vocab, words=folded, lemmas=lemmas,
                  sent_starts=[i == 0 or sentence[i] != sentence[i - 1]
                               for i in range(len(folded))])
        return Analysis(
            tuple(surface),
            tuple(folded),
            tuple(lemmas),
            tuple(clause),
            tuple(sentence),
            doc,
            lang,
        )

    def phrase_docs(self, phrase: str) -> list[Doc]:
        """A pattern normalised exactly like a message, in both language modes."""
        return [self.analyse(phrase, lang).doc for lang in ("sv", "en")]
