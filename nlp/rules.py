"""Rule layer: keyword hits per category, the hand-written context cues, infant age."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.matcher import PhraseMatcher

from .analyzer import Analysis, Analyzer
from .lexicon import KEYWORDS, URGENCY_KEYWORDS
from .normalize import fold
from .redflag_rules import (
    CONDITION_HISTORY_CUES,
    CONDITION_NAMES,
    HYPOTHETICAL_CUES,
    NEGATIONS,
    NOW_CUES,
    PAST_CUES,
    POSSESSIVES,
    RESOLVED_CUES,
)

_NEG_WINDOW = 4
_SOFTENERS = frozenset({"lugnt", "calmly", "normalt"})
_PURPOSE = frozenset({"mot", "against", "for", "för", "vid"})
_NUM = (
    r"(\d{1,2}|en|ett|tva|tre|fyra|fem|sex|sju|atta|nio|tio|elva|tolv|"
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
)
_WORDNUM = {
    w: i
    for i, w in enumerate(
        "noll en tva tre fyra fem sex sju atta nio tio elva tolv".split()
    )
}
_WORDNUM.update(
    {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten "
                                "eleven twelve".split())}
)
_WORDNUM["ett"] = 1
_AGE_RE = re.compile(
    # Units tolerate typos ("6 veckro", "2 mnader").
    # A number starts a word ("alvedonen verkar" is no "en v...k" age), and "verk*" is no week.
    r"(?<![a-z0-9])" + _NUM
    + r"[\s-]*(dagar|dygn|days?|v(?!erk)[a-z]*k[a-z]*|v|weeks?|wks?|m[a]?n[a-z]*|months?)(?![a-z])"
)
_AGE_AFTER_RE = re.compile(r"\s*-?\s*(gammal|gamla|gml|old\b)")
_CHILD_BEFORE_RE = re.compile(
    r"\b(bebis\w*|baby|son\w*|dotter\w*|dottern|barn\w*|lillebror|lillasyster|flicka|pojke|"
    r"grabb\w*|tjej\w*|spadbarn\w*|daughter|infant|newborn|nyfod\w*|lill\w*)[^.,!?]{0,9}$"
)
# A calendar year ("min stroke 2019") dates the event to the past.
_YEAR_RE = re.compile(r" (19[5-9]\d|20[0-2]\d)(-talet)? ")
_DURATION_BEFORE_RE = re.compile(
    r"(\bi|sedan|sen|under|for|senaste|efter|in|last|past|om|varje|per)\s*$"
)
# These two search whole messages. Every alternative starts with a letter, so that `re` skips
# ahead to the letters that can start one (a leading \b or \d makes it try every alternative
# at every position, four times slower): "s(?<=\bs)on" is "\bson".
_CHILD_ANYWHERE_RE = re.compile(
    r"beb|babis|baby|s(?<=\bs)on|dotter|barn|lill|flick|pojk|newborn|infant|nyfod|nyfott|"
    r"spadbarn|h(?<=\bh)an ar|h(?<=\bh)on ar|daughter|h(?<=\bh)e is|s(?<=\bs)he is"
)
_PREGNANT_RE = re.compile(
    r"gravid|pregnan|prgnant|prengant|pregant|vecka \d|graviditet|barnmorsk|midwife|foster|"
    r"rort sig|ror sig|sparkar|moved|moving|kicks|movements|"
    r"v(?<=\bv)arkar|braxton|contractions"
)
# Pregnancy week and day as midwives write it: "32+4".
_WEEK_PLUS_DAYS_RE = re.compile(r"\b\d{1,2} ?\+ ?\d\b")
_INFANT_RE = re.compile(r"\b(bebis|bebben|babis|spadbarn|nyfodd|nyfott|baby|infant|newborn)")


# Context readings of a mention (shared by the cue engine and medspaCy's ConText).
AFFIRMED = "affirmed"
NEGATED = "negated"
HISTORICAL = "historical"
HYPOTHETICAL = "hypothetical"
FAMILY = "family"
RESOLVED = "resolved"
# Recurs but is not happening now ("ibland", "brukar"): care today at most, never 112 alone.
HABITUAL = "habitual"


@dataclass(frozen=True)
class KeywordHit:
    category: str  # a category, or an urgency level when kind == "uk"
    text: str
    kind: str = "kw"


def _cue_forms(
    analyzer: Analyzer, cues: tuple[str, ...], with_lemmas: bool = False
) -> tuple[str, ...]:
    """Each cue as folded surface text, optionally also as lemmas (both language modes).

    Tense cues must stay surface-only: the lemma of "hade" is "ha", as is that of "har".
    """
    forms = {" " + fold(c) + " " for c in cues}
    if with_lemmas:
        for cue in cues:
            for lang in ("sv", "en"):
                forms.add(" " + " ".join(analyzer.analyse(cue, lang).lemmas) + " ")
    return tuple(sorted(forms))


def _is_age(folded_text: str, m: re.Match[str]) -> bool:
    # "6 veckor gammal", "bebisen på 3 veckor", "vår 5 månaders" are ages;
    # "i två månader", "feber i fem dagar" are durations.
    after = folded_text[m.end() : m.end() + 8]
    before = folded_text[max(0, m.start() - 25) : m.start()]
    if _AGE_AFTER_RE.match(after) or m.group(2).endswith("aders"):
        return True
    if _CHILD_BEFORE_RE.search(before):
        return True
    # "Elsa (8 v)": an age in brackets after a name.
    if before.rstrip().endswith("(") and after.lstrip().startswith(")"):
        return True
    # "är 6 veckor", "på 3 veckor": weeks without a duration word before them.
    # Weeks/months, only when a child is mentioned somewhere, so "det har gått tre veckor"
    # stays a duration.
    short_unit = m.group(2)[0] in "vwm" and bool(_CHILD_ANYWHERE_RE.search(folded_text))
    return short_unit and not _DURATION_BEFORE_RE.search(before) and not after.startswith(
        (" sedan", " sen", " ago", " till", " kvar")
    )


def infant_age_months(folded_text: str) -> float | None:
    """Age in months if the message states an infant's age in days/weeks/months."""
    ages = infant_ages(folded_text)
    return min(a for a, _, _ in ages) if ages else None


@lru_cache(maxsize=16)
def infant_ages(folded_text: str) -> tuple[tuple[float, int, int], ...]:
    """Every infant age stated in days/weeks/months: (months, start, end) in the text, so
    that its context can be read ("när han var 4 veckor" is not his age now). Cached: the
    features and the concepts ask for the same message's ages."""
    if is_pregnant(folded_text):
        return ()
    ages: list[tuple[float, int, int]] = []
    for m in _AGE_RE.finditer(folded_text):
        if not _is_age(folded_text, m):
            continue
        raw, unit = m.group(1), m.group(2)
        n = int(raw) if raw.isdigit() else _WORDNUM.get(raw, 99)
        if unit.startswith(("d",)):
            months = n / 30
        elif unit.startswith(("v", "w")):
            months = n / 4.3
        else:
            months = float(n)
        ages.append((months, m.start(), m.end()))
    return tuple(ages)


@lru_cache(maxsize=16)
def is_pregnant(folded_text: str) -> bool:
    """Cached like `infant_ages`: several readers ask it of the same message."""
    return bool(_PREGNANT_RE.search(folded_text)) or (
        "+" in folded_text and bool(_WEEK_PLUS_DAYS_RE.search(folded_text)))


def is_infant(folded_text: str) -> bool:
    """A child under one year is mentioned (the `barn` convention)."""
    age = infant_age_months(folded_text)
    if age is not None and age < 12:
        return True
    return bool(_INFANT_RE.search(folded_text)) and not is_pregnant(folded_text)


class RuleEngine:
    """PhraseMatchers over lemma docs for keywords, and the context cues of `CueReader`."""

    def __init__(self, analyzer: Analyzer) -> None:
        self.analyzer = analyzer
        vocab = analyzer.nlp.vocab
        self.keywords = PhraseMatcher(vocab, attr="LEMMA")
        for cat, phrases in KEYWORDS.items():
            self.keywords.add(f"kw_{cat}", [d for p in phrases for d in analyzer.phrase_docs(p)])
        for level, phrases in URGENCY_KEYWORDS.items():
            self.keywords.add(f"uk_{level}", [d for p in phrases for d in analyzer.phrase_docs(p)])
        self.past = _cue_forms(analyzer, PAST_CUES)
        self.now = _cue_forms(analyzer, NOW_CUES)
        self.hypothetical = _cue_forms(analyzer, HYPOTHETICAL_CUES, with_lemmas=True)
        self.resolved = _cue_forms(analyzer, RESOLVED_CUES)
        self.condition_history = _cue_forms(analyzer, CONDITION_HISTORY_CUES)
        self.condition_names = frozenset(
            " ".join(analyzer.analyse(c, lang).lemmas)
            for c in CONDITION_NAMES
            for lang in ("sv", "en")
        )

    def keyword_hits(self, an: Analysis) -> list[KeywordHit]:
        vocab = self.analyzer.nlp.vocab
        hits = []
        for match_id, start, end in self.keywords(an.doc):
            key = vocab.strings[match_id]
            hits.append(KeywordHit(key[3:], " ".join(an.surface[start:end]), key[:2]))
        return hits

    def cancelled(self, an: Analysis, start: int, end: int) -> bool:
        """True if a negation, past/history or hypothetical cue governs the phrase."""
        return self.context_status(an, start, end) != AFFIRMED

    def context_status(self, an: Analysis, start: int, end: int) -> str:
        """The hand-written cues' reading of tokens start..end: affirmed, negated, ..."""
        # "kan inte andas lugnt" describes anxiety, not suffocation.
        if end < len(an.folded) and an.folded[end] in _SOFTENERS:
            return NEGATED
        # "medicin mot anafylaxi", "prescription for anaphylaxis": a treatment, not an event.
        if start > 0 and an.folded[start - 1] in _PURPOSE:
            return NEGATED
        for i in range(start - 1, max(-1, start - 1 - _NEG_WINDOW), -1):
            if an.clause[i] != an.clause[start]:
                break
            if an.folded[i] in NEGATIONS:
                return NEGATED
        clause = an.clause_text(start)
        past = any(c in clause for c in self.past) or bool(_YEAR_RE.search(clause))
        if past and not any(c in clause for c in self.now):
            return HISTORICAL
        if " ".join(an.lemmas[start:end]) in self.condition_names:
            if any(c in clause for c in self.condition_history):
                return HISTORICAL
            if start > 0 and an.folded[start - 1] in POSSESSIVES:
                return HISTORICAL
        sentence = an.sentence_text(start)
        if any(c in sentence for c in self.hypothetical):
            return HYPOTHETICAL
        if any(c in sentence for c in self.resolved):
            return RESOLVED
        return AFFIRMED
