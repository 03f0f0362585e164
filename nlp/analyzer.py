"""Turns a message into aligned token views (surface, folded, lemma) and clause ids."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import cast

import numpy as np
from spacy.attrs import LEMMA, SENT_START
from spacy.language import Language
from spacy.tokens import Doc
from thinc.types import Ints2d

from .language import detect_language
from .nordic import as_swedish, is_nordic
from .normalize import Lemmatizer, fold, split_hyphens, without_apostrophe
from .redflag_rules import CLAUSE_BREAKS

_TEMP_RE = re.compile(r"^(3[89]|4[01])([.,]\d{1,2})?$")
_SENTENCE_ENDS = frozenset(".!?\n")
# Hurried texting ends a sentence without a space ("ont i natt.värre o värre"); the tokenizer
# splits there only before a capital. Two letters on each side (or a number after) leave
# abbreviations ("t.ex", "bl.a", "p.g.a") and decimals alone.
_RUN_ON = re.compile(r"(?<=[^\W\d_]{2})([.!?])(?=[^\W\d_]{2}|\d)")
TEMP_TOKEN = "tempvarde"
_DOC_ATTRS = [LEMMA, SENT_START]
_HASH_CACHE_SIZE = 200_000
# SENT_START as stored in an attribute array (uint64): 1 starts a sentence, -1 does not.
_SENT_START, _SENT_INSIDE = 1, int(np.uint64(np.iinfo(np.uint64).max))


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
        # A lemma's StringStore hash, kept: the vocabulary repeats from message to message.
        self._hashes: dict[str, int] = {}

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
        if is_nordic(folded):
            folded = as_swedish(folded)
        lang = language or detect_language(folded)
        lemmas = [self.lemma_of(w, lang) for w in folded]
        doc = self._doc(folded, lemmas, sentence)
        return Analysis(
            tuple(surface),
            tuple(folded),
            tuple(lemmas),
            tuple(clause),
            tuple(sentence),
            doc,
            lang,
        )

    def _doc(self, folded: list[str], lemmas: list[str], sentence: list[int]) -> Doc:
        """One Doc per message serves both the keyword matcher (on LEMMA) and ConText (on the
        folded words, by sentence). Lemmas and sentence starts are set as one array: the
        constructor's keyword arguments set them token by token, at twice the cost."""
        doc = Doc(self.nlp.vocab, words=folded)
        if not folded:
            return doc
        values = np.empty((len(folded), 2), dtype=np.uint64)
        values[:, 0] = [self._hash(lemma) for lemma in lemmas]
        values[:, 1] = [_SENT_START if i == 0 or sentence[i] != sentence[i - 1]
                        else _SENT_INSIDE for i in range(len(sentence))]
        doc.from_array(_DOC_ATTRS, cast(Ints2d, values))
        return doc

    def _hash(self, lemma: str) -> int:
        hit = self._hashes.get(lemma)
        if hit is None:
            hit = self.nlp.vocab.strings.add(lemma)
            if len(self._hashes) < _HASH_CACHE_SIZE:
                self._hashes[lemma] = hit
        return hit

    def phrase_docs(self, phrase: str) -> list[Doc]:
        """A pattern normalised exactly like a message, in both language modes."""
        return [self.analyse(phrase, lang).doc for lang in ("sv", "en")]
