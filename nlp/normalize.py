"""Text normalisation: diacritic folding, lookup lemmas and light typo repair.

Patients often type without å/ä/ö ("ont i magen sedan i gar"), so every token is
lower-cased and folded (å/ä→a, ö→o) *before* lemma lookup; the lemma table is keyed on
folded forms, so "går" and "gar" both become "ga". The table is derived from
spacy-lookups-data at training time and pruned to lemmas the model and the rules know,
which keeps the shipped model small and loading fast.
"""

from __future__ import annotations

import gzip
import json
import os
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

_FOLD = str.maketrans(
    {"å": "a", "ä": "a", "ö": "o", "é": "e", "è": "e", "ü": "u", "æ": "a", "ø": "o", "’": "'"}
)
_MIN_TYPO_LEN = 6
_MIN_HEAD = 5
_MIN_FLAG_TYPO_LEN = 5
_MIN_CORPUS_COUNT = 3
_STEMS = {"ordstank": "sjalvmordstanke", "medvetsl": "medvetslos", "anafyla": "anafylaxi"}
_INTENSIFIERS = ("jatte", "skit", "super", "kanon", "mega", "sjukt")


# The lookup table picks the wrong reading for some very common words ("har" -> "hare",
# "får" -> "fåra", "vill" -> "villa"); these are far more often verbs in messages.
_OVERRIDES = {
    "har": "ha", "far": "fa", "vill": "vilja", "mar": "ma", "ska": "ska", "nar": "nar",
    "bara": "bara", "mitt": "min", "mina": "min", "sa": "sa", "kan": "kunna", "gar": "ga",
    "for": "for", "pa": "pa", "med": "med", "vad": "vad", "vikt": "vikt", "stiger": "stiga",
    "ater": "ata", "over": "over", "fran": "fran", "nagon": "nagon", "nagot": "nagot",
    "da": "da", "andra": "andra", "stroke": "stroke", "strokes": "stroke", "led": "led",
    "leder": "led", "lederna": "led", "varsta": "varst", "varst": "varst", "slot": "slot",
    "stop": "stop", "nose": "nose", "en": "en", "ett": "en", "det": "det", "mig": "mig",
    "hej": "hej", "hon": "hon", "fick": "fa", "forra": "forra", "mer": "mer", "propp": "propp",
    "proppar": "propp", "svarare": "svarare", "svart": "svart",
    "int": "inte",  # dialect (Finland-Swedish, Norrland): "kan int stödja på benet"
    # Comparatives keep their own form: "värre" read as "ond" made every "ont" mean "worse".
    "varre": "varre", "samre": "samre", "battre": "battre", "aldre": "aldre", "vara": "vara",
}


def fold(text: str) -> str:
    """Lower-case and strip Swedish diacritics."""
    return text.lower().translate(_FOLD)


def full_lemma_table() -> dict[str, str]:
    """Folded form -> folded lemma for the whole Swedish lookup table (training only)."""
    import spacy_lookups_data

    path = os.path.join(
        os.path.dirname(spacy_lookups_data.__file__), "data", "sv_lemma_lookup.json.gz"
    )
    with gzip.open(path, "rt", encoding="utf8") as fh:
        raw: dict[str, str] = json.load(fh)
    table: dict[str, str] = {}
    for form, lemma in raw.items():
        ffold, lfold = fold(form), fold(lemma)
        if ffold == lfold:
            continue
        # An undiacritic spelling wins: "har" is far more often "ha" than "här".
        if ffold not in table or form.lower() == ffold:
            table[ffold] = lfold
    table.update(_OVERRIDES)
    return table


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class Lemmatizer:
    """Folded lookup lemmatiser with a one-edit typo repair over the known vocabulary."""

    def __init__(
        self,
        table: dict[str, str],
        known: Iterable[str],
        patterns: Iterable[str] = (),
        real: Iterable[str] = (),
    ) -> None:
        self.table = table
        self.known = frozenset(known)
        self.patterns = frozenset(patterns)
        # Words of the full lookup table that the pruned one lacks but a one-edit repair
        # would turn into a known word ("svetsade" -> "spetsade", "adams" -> "andas"):
        # a real word is no typo.
        self.real = frozenset(real)
        self._typo: dict[str, str] = {}
        for word in sorted(self.known):
            if (len(word) >= _MIN_TYPO_LEN or word in self.patterns) and word.isalpha():
                for variant in _deletes(word):
                    self._typo.setdefault(variant, word)
        self._cache: dict[str, str] = {}

    def lemma(self, token: str) -> str:
        """Lemma of one (already folded) token; cached, so the hot path is a dict hit."""
        hit = self._cache.get(token)
        if hit is not None:
            return hit
        result = self._lemma_uncached(token)
        if len(self._cache) < 200_000:
            self._cache[token] = result
        return result

    def english(self, token: str) -> str:
        """English words are kept as they are, except misspelt red-flag words ("strugglng")."""
        if len(token) < _MIN_FLAG_TYPO_LEN or token in self.known or not token.isalpha():
            return token
        repaired = self._repair(token)
        return repaired if repaired in self.patterns else token

    def _lemma_uncached(self, token: str) -> str:
        if token in self.table:
            return self.table[token]
        for prefix in _INTENSIFIERS:
            # "jätteont", "skitont": an intensifier glued to a known word.
            rest = token[len(prefix) :]
            if token.startswith(prefix) and (rest in self.known or rest in self.table):
                return self.table.get(rest, rest)
        for stem, canonical in _STEMS.items():
            # Key red-flag words survive heavier misspelling ("salvordstankar").
            if stem in token:
                return canonical
        if token in self.known or len(token) < _MIN_FLAG_TYPO_LEN or not token.isalpha():
            return token
        repaired = self._repairable(token)
        if repaired:
            return self.table.get(repaired, repaired)
        if len(token) < _MIN_TYPO_LEN:
            return token
        head = self._compound_head(token)
        return self.table.get(head, head) if head else token

    def _compound_head(self, token: str) -> str | None:
        # Swedish compounds: "blodtryckspiller" is a kind of "piller". Both parts must be
        # known words (allowing a linking -s/-e/-a), else "rehabilitering" -> "ring".
        for i in range(3, len(token) - _MIN_HEAD + 1):
            head, modifier = token[i:], token[:i]
            if head not in self.known and head not in self.table:
                continue
            candidates = (modifier, modifier[:-1], modifier + "e", modifier + "a")
            if any(c in self.known or c in self.table for c in candidates):
                return head
        return None

    def _repairable(self, token: str) -> str | None:
        """The repair of a token that is no known or real word; short words are only
        repaired towards red-flag words ("andnd" -> "andnöd")."""
        if token in self.real:
            return None
        repaired = self._repair(token)
        if repaired and (len(token) >= _MIN_TYPO_LEN or repaired in self.patterns):
            return repaired
        return None

    def _repair(self, token: str) -> str | None:
        # Missing letter ("recpt"), extra letter, substitution or swap ("recpet").
        if token in self._typo:
            return self._typo[token]
        for variant in sorted(_deletes(token)):
            if variant in self.known:
                return variant
            if variant in self._typo:
                return self._typo[variant]
        return None

    @classmethod
    def pruned(
        cls,
        full: dict[str, str],
        corpus: Counter[str],
        rule_words: Iterable[str],
        flag_words: Iterable[str],
    ) -> Lemmatizer:
        """Keep only inflections of lemmas seen in the corpus or the rules.

        A corpus token counts as a real word if the lookup table knows it or it occurs at
        least `_MIN_CORPUS_COUNT` times; one-off typos must stay repairable, not "known".
        """
        dictionary = set(full.values())
        words = {w for w, n in corpus.items()
                 if w in full or w in dictionary or n >= _MIN_CORPUS_COUNT}
        patterns = set(flag_words)
        words.update(rule_words)
        words.update(patterns)
        lemmas = {full.get(w, w) for w in words}
        table = {form: lemma for form, lemma in full.items() if lemma in lemmas}
        pruned = cls(table, lemmas | set(table), patterns)
        real = [w for w in full if w not in table and w not in pruned.known
                and len(w) >= _MIN_FLAG_TYPO_LEN and w.isalpha() and pruned._repairable(w)]
        return cls(table, pruned.known, patterns, real)

    def save(self, path: Path) -> None:
        payload = {
            "table": self.table,
            "known": sorted(self.known),
            "patterns": sorted(self.patterns),
            "real": sorted(self.real),
        }
        path.write_text(json.dumps(payload, ensure_ascii=False, sort_keys=True), "utf8")

    @classmethod
    def load(cls, path: Path) -> Lemmatizer:
        payload = json.loads(path.read_text("utf8"))
        return cls(
            payload["table"], payload["known"], payload.get("patterns", ()),
            payload.get("real", ()),
        )


_HYPHENATED = re.compile(r"^[^\W\d_]+(?:-[^\W\d_]+)+$")


_CONTRACTED = re.compile(r"^[^\W\d_]+['’][^\W\d_]+$")


def without_apostrophe(word: str) -> str:
    """ "can't", "she's" are written "cant", "shes" as often; the lexicon matches one form."""
    return word.replace("'", "").replace("’", "") if _CONTRACTED.match(word) else word


def split_hyphens(word: str) -> list[str]:
    """ "jelly-like", "hjärt-lung" are two words to the lexicon; "covid-19" stays whole."""
    return word.split("-") if _HYPHENATED.match(word) else [word]
