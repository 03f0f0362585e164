"""Finds the catalogue's concepts in an analysed message.

A lexicon phrase is reduced to its content words (function words such as "i", "på", "har"
dropped; negations kept, since "andas inte" is the symptom). A one-word phrase matches a
token by its folded surface form or its lemma, a word ending in `*` by prefix (compounds:
"bröstsmärt*"). A phrase of several words matches when all its content words occur, in any
order, within one sentence and a short window: people write "kommer orden fel" as often as
"orden kommer fel", "ont i hela bröstet" as "bröstet gör ont". Phrases are indexed by their
longest word, so a message costs one cached lookup per token plus the few candidates.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from . import vitals
from .analyzer import TEMP_TOKEN, Analysis, Analyzer
from .catalogue import Catalogue
from .normalize import fold, split_hyphens, without_apostrophe
from .rules import infant_ages, is_pregnant

_MIN_PREFIX = 3
# Extra tokens a phrase may spread over beyond its own words ("ont i hela vänstra bröstet").
_SLACK = 4
# "min brorson 3 år", "my nephew, 4 years old": a child's age told after who the child is.
_CHILD_KIN = (r"son|dotter|brorson|systerson|brorsdotter|systerdotter|sonson|sondotter|dotterson"
              r"|dotterdotter|barnbarn|barnbarnet|kusin|kusinen|bror|syster|lillebror|lillasyster"
              r"|pojke|pojken|flicka|flickan|kille|killen|tjej|tjejen|grabben|elev|eleven|nephew"
              r"|niece|daughter|brother|sister|grandson|granddaughter|cousin|boy|girl")
_CHILD_AGE_RE = re.compile(
    rf"\b(?:{_CHILD_KIN}) ,? ?(\d{{1,2}})(?:[.,]5)? ?(?:ar|arig|aring|years? old|yo|y/o)\b"
    r"(?! ?(?:sedan|sen|ago|tillbaka))"
)
_CHILD_MAX_AGE = 15
_AGE_RE = re.compile(r"\b(\d{2,3})\s*(?:-\s*)?(?:ar|års|ars|arig|aring|year|years|yo|y/o|yrs)\b")
# "min pappa, 81, har", "she's 83", "hon är 91": an age told without its unit.
_KIN = (r"pappa|mamma|mormor|morfar|farmor|farfar|maken|frun|min man|min fru|svarfar|svarmor"
        r"|boende|brukaren|brukare|patienten|dad|mum|mom|father|mother|husband|wife|grandma"
        r"|grandpa|grandmother|grandfather|in law")
_BARE_AGE_RE = re.compile(
    rf"\b(?:(?:{_KIN}) , (\d{{2,3}}) ,|(?:shes|hes|she is|he is|hon ar|han ar|(?:{_KIN}) ar)"
    r" (\d{2,3})\b(?! ?(?:kg|kilo|mmol|%|grader|slag|i|over|under|/)))"
)
# Words that a reading ends a message with ("Puls 84"), unlike a signature ("/Dagny 84").
_NOT_NAMES = frozenset(
    "sat saturation spo2 puls pulsen temp vikt rum nr tel andning af glukos socker hb crp pef"
    " bt hr sida vecka dag mvh".split()
)
# "32+4": weeks and days, the way pregnancy is counted in Swedish antenatal care.
_WEEKS_DAYS_RE = re.compile(r"\b([1-4]\d)\+[0-6]\b")
_PREGNANCY_WEEK_RE = re.compile(
    r"\b(?:(?:v|vecka|v\.|gv|week|wk|weeks?)\s*(\d{1,2})(?:\s*\+\s*\d)?|(\d{1,2})\s*(?:weeks|veckor))\b"
)
_NORMAL_TEMP_RE = re.compile(r"^3[5-7][.,]\d{1,2}$")
# Every spelling of a negation, also for the frames (frames.py).
NEGATIONS = frozenset(
    """inte int ej icke ingen inga inget aldrig utan no not n't never without none nor dont
    doesnt didnt isnt arent wasnt werent wont cant cannot havent hasnt""".split()
)
# Spellings of one negation: a phrase written with "inte" meets "ej", "int" and "icke" too
# (care staff write "går ej att väcka"); "ingen" meets "inget" and "inga" (second-language
# Swedish mixes them).
_NEGATION_CLASSES = (
    frozenset({"inte", "ej", "int", "icke"}),
    frozenset({"ingen", "inga", "inget"}),
)
# A modal in a phrase meets its other tenses: "kan inte stå på benet" is also "kunde inte
# stå" and "har inte kunnat stå".
_MODAL_CLASSES = (
    frozenset({"kan", "kunde", "kunna", "kunnat"}),
    frozenset({"vill", "ville", "velat"}),
)
# With a negation the modal is meaning: "vill inte vakna" is a wish, "har inte vaknat" a sign.
_MODALS = frozenset().union(*_MODAL_CLASSES, {"can", "could", "want", "wants"})
_CONTRACTIONS = {
    w + "nt": [w, "n't"]
    for w in ("ca", "wo", "do", "does", "did", "is", "has", "have", "could", "would", "was")
}
_SEGMENT_BREAKS = frozenset({",", ";", ":", "men", "but", "fast", "however", "although"})
_TEMP_WORDS = ("grad", "°", "temp", "feber", "fever", "febr")
_HAS_VALUE = frozenset({"har", "hade", "haft", "has", "had", "ligger", "pa"})
# Words that carry no symptom of their own; negations and "utan" are deliberately absent.
_FUNCTION_WORDS = frozenset(
    """i pa en ett att och som det den de ar var vara har ha hade haft for med av till om sa sig
    han hon jag du vi ni dom mig dig honom henne oss min mitt mina din ditt dina hans hennes
    deras var vart vara sin sitt sina kan kunna kunde ska skall skulle vill ville maste far fa
    fick blir bli blev blivit just nu lite bara ocksa the a an of to in on at is are was were be
    been am my his her their our your it its and or has have had from with for can could will
    would should do does did so very really me him them this that o he she""".split()
)

_COMMON = _FUNCTION_WORDS | NEGATIONS | _MODALS


@dataclass(frozen=True)
class Mention:
    concept: str
    start: int
    end: int
    sentence: int
    text: str


@dataclass(frozen=True)
class _Word:
    forms: frozenset[str]
    prefix: str | None = None

    def matches(self, folded: str, lemma: str) -> bool:
        if self.prefix is not None:
            return folded.startswith(self.prefix) or lemma.startswith(self.prefix)
        return folded in self.forms or lemma in self.forms

    @property
    def common(self) -> bool:
        """A word nearly every message has."""
        return self.prefix is None and bool(self.forms & _COMMON)

    @property
    def weight(self) -> int:
        return len(self.prefix) if self.prefix is not None else max(map(len, self.forms))


@dataclass(frozen=True)
class _Pattern:
    concept: str
    anchor: _Word
    others: tuple[_Word, ...]
    # For fixed expressions, the phrase's word order as indexes into (anchor, *others):
    # "fick barn" describes a birth, "barnet ... fick" does not.
    order: tuple[int, ...] | None = None
    # The forms of the first other word that has no prefix (the rarest after the anchor):
    # a message without any of them cannot hold the pattern, which one set lookup tells.
    gate: frozenset[str] | None = None


class ConceptMatcher:
    """Compiled lexicon of one catalogue, bound to the analyser that normalises messages."""

    def __init__(self, catalogue: Catalogue, analyzer: Analyzer) -> None:
        self.catalogue = catalogue
        self.analyzer = analyzer
        self._exact: dict[str, list[_Pattern]] = {}
        self._prefix: dict[str, list[_Pattern]] = {}
        seen: set[tuple[str, tuple[_Word, ...]]] = set()
        # One object per distinct word, so that a message's positions are cached once.
        interned: dict[_Word, _Word] = {}
        # Lexicon words repeat across phrases: each is tokenised once.
        self._token_cache: dict[str, list[str]] = {}
        for concept in catalogue.concepts.values():
            ordered = concept.ordered or concept.kind == "population"
            for phrase in concept.phrases:
                for expand in (False, True) if self._contracted(phrase) else (False,):
                    compiled, order = self._compile(phrase, expand)
                    words = tuple(interned.setdefault(w, w) for w in compiled)
                    if words and (concept.id, words) not in seen:
                        seen.add((concept.id, words))
                        self._index(concept.id, words, order if ordered else None)
        self._combos = [(c.id, c.combos) for c in catalogue.concepts.values() if c.combos]
        self._candidate_cache: dict[tuple[str, str], tuple[_Pattern, ...]] = {}

    def _compile(
        self, phrase: str, expand: bool = False
    ) -> tuple[tuple[_Word, ...], tuple[int, ...] | None]:
        """The phrase's words, longest first, and their written order if it has no prefix."""
        raw_words = [w for w in phrase.split() if w != ".."]
        tokens = [t for raw in raw_words if not raw.endswith("*")
                  for t in self._tokens(raw, expand)]
        # Function words are dropped only while two content words remain ("nu gör jag det"
        # must not shrink to "gör"). With a negation the modal stays: "kan inte hosta" is
        # choking, "har inte hostat" is not.
        negated = any(t in NEGATIONS for t in tokens)
        # A simile keeps its "som": "som en smäll i huvudet" is a thunderclap headache,
        # "en smäll mot huvudet" a blow.
        simile = tokens[:1] == ["som"] or tokens[:1] == ["like"]
        content = [t for k, t in enumerate(tokens)
                   if t not in _FUNCTION_WORDS or (negated and t in _MODALS)
                   or (simile and k == 0)]
        prefixes = [raw for raw in raw_words if raw.endswith("*") and len(raw) > _MIN_PREFIX]
        keep = content if len(content) + len(prefixes) >= 2 else tokens
        words = [_Word(frozenset(), prefix=fold(raw[:-1])) for raw in prefixes]
        words += [_Word(self._forms(tok)) for tok in keep]
        # Order-free: the same words in another order are the same pattern. A repeated word
        # stays repeated ("blöder och blöder" needs two).
        # The anchor (first) is the rarest word: a pronoun, negation or modal anchoring a
        # pattern would make it a candidate at nearly every token of every message.
        ranked = sorted(range(len(words)), key=lambda k: (
            words[k].common, -words[k].weight, sorted(words[k].forms), words[k].prefix or ""))
        order = None if prefixes else tuple(ranked.index(k) for k in range(len(words)))
        return tuple(words[k] for k in ranked), order

    def _contracted(self, phrase: str) -> bool:
        """Whether the phrase holds a contraction, so that its expanded form differs."""
        return any(word in _CONTRACTIONS for raw in phrase.split() if not raw.endswith("*")
                   for word in self._tokens(raw))

    def _tokens(self, raw: str, expand: bool = False) -> list[str]:
        # "cant" in the lexicon meets "can't" (tokenised "ca n't") in messages.
        words = self._token_cache.get(raw)
        if words is None:
            words = [without_apostrophe(fold(w)) for t in self.analyzer.nlp.tokenizer(raw)
                     if not t.is_punct for w in split_hyphens(t.text)]
            self._token_cache[raw] = words
        if not expand:
            return words
        return [part for word in words for part in _CONTRACTIONS.get(word, [word])]

    def _forms(self, folded: str) -> frozenset[str]:
        # Only the lemma table's own reading of a lexicon word, never a typo repair or a
        # compound head: "NOAK" must not be "repaired" into a word every message has.
        # Nor a reading that turns a rare word into a function word ("varan" -> "vara",
        # "havande" -> "ha"): every message has those.
        for same in (*_NEGATION_CLASSES, *_MODAL_CLASSES):
            if folded in same:
                return same
        lemma = self.analyzer.lemmatizer.table.get(folded, folded)
        if (lemma in _FUNCTION_WORDS or lemma in NEGATIONS) and lemma != folded:
            return frozenset({folded})
        return frozenset({folded, lemma})

    def _index(
        self, concept: str, words: tuple[_Word, ...], order: tuple[int, ...] | None
    ) -> None:
        gate = next((w.forms for w in words[1:] if w.prefix is None), None)
        pattern = _Pattern(concept, words[0], words[1:], order, gate)
        if pattern.anchor.prefix is not None:
            self._prefix.setdefault(pattern.anchor.prefix, []).append(pattern)
        else:
            for form in pattern.anchor.forms:
                self._exact.setdefault(form, []).append(pattern)

    def find(self, an: Analysis) -> list[Mention]:
        found: dict[tuple[str, int], Mention] = {}
        segments = segment_ids(an)
        where = _Positions(an)
        # A set, not the key view: a view's isdisjoint takes the generic path, four times
        # slower, and this runs for every candidate pattern.
        disjoint = set(where.forms).isdisjoint
        candidates = self._candidates
        for i, (folded, lemma) in enumerate(zip(an.folded, an.lemmas, strict=True)):
            for pattern in candidates(folded, lemma):
                if pattern.gate is not None and disjoint(pattern.gate):
                    continue
                span = _span(pattern, where, segments, i)
                if span is None:
                    continue
                start, end = span
                key = (pattern.concept, start)
                if key not in found or found[key].end < end:
                    text = " ".join(an.surface[start:end])
                    found[key] = Mention(pattern.concept, start, end, an.sentence[i], text)
        mentions = _without_unnegated_readings(an, list(found.values()))
        mentions += _derived(an)
        mentions += self._combo_mentions(an, segments, mentions)
        return mentions

    def _candidates(self, folded: str, lemma: str) -> tuple[_Pattern, ...]:
        """Patterns anchored on this token; cached, as the vocabulary repeats."""
        key = (folded, lemma)
        hit = self._candidate_cache.get(key)
        if hit is not None:
            return hit
        found: dict[int, _Pattern] = {}
        for form in (folded, lemma):
            for p in self._exact.get(form, ()):
                found.setdefault(id(p), p)
            for k in range(_MIN_PREFIX, len(form) + 1):
                for p in self._prefix.get(form[:k], ()):
                    found.setdefault(id(p), p)
        result = tuple(found.values())
        if len(self._candidate_cache) < 200_000:
            self._candidate_cache[key] = result
        return result

    def _combo_mentions(
        self, an: Analysis, segments: list[int], mentions: list[Mention]
    ) -> list[Mention]:
        """Concepts that hold when their parts meet in one segment of a sentence, with no
        negation between them (two passes: parts of parts). "Slog inte huvudet, …, ingen
        smärta i höften" is neither a head injury nor a headache."""
        out: list[Mention] = []
        have = {(m.concept, _segment_of(m, segments)): m for m in mentions}
        for _ in range(2):
            where: dict[str, set[int]] = {}
            for c, seg in have:
                where.setdefault(c, set()).add(seg)
            for cid, combos in self._combos:
                for group in combos:
                    for seg in where.get(group[0], ()):
                        if (cid, seg) in have or not all((c, seg) in have for c in group):
                            continue
                        parts = [have[(c, seg)] for c in group]
                        if _negation_between(an, parts):
                            continue
                        m = Mention(
                            cid,
                            min(p.start for p in parts),
                            max(p.end for p in parts),
                            max(p.sentence for p in parts),
                            " + ".join(p.text for p in parts),
                        )
                        have[(cid, seg)] = m
                        out.append(m)
        return out


def _segment_of(m: Mention, segments: list[int]) -> int:
    # Markers read from the whole message (an age, a pregnancy week) have no place.
    return segments[m.start] if m.end > m.start else -1


def _negation_between(an: Analysis, parts: Sequence[Mention]) -> bool:
    placed = [p for p in parts if p.end > p.start]
    if len(placed) < 2:
        return False
    inside = {j for p in placed for j in range(p.start, p.end)}
    lo, hi = min(p.start for p in placed), max(p.end for p in placed)
    return any(an.folded[j] in NEGATIONS for j in range(lo, hi) if j not in inside)


def _without_unnegated_readings(an: Analysis, mentions: list[Mention]) -> list[Mention]:
    """Drop a phrase read inside a longer one that negates it: "bleknar" in "bleknar inte",
    "försvinner när jag trycker" in "inte försvinner när jag trycker". (ConText leaves a
    negation inside a symptom phrase to that phrase, so it would not negate the shorter.)"""
    negated = [n for n in mentions
               if any(an.folded[j] in NEGATIONS for j in range(n.start, n.end))]
    if not negated:
        return mentions
    return [m for m in mentions if not any(_negated_by(an, m, n) for n in negated)]


def _negated_by(an: Analysis, m: Mention, n: Mention) -> bool:
    if (n.start, n.end) == (m.start, m.end) or n.end <= m.start or m.end <= n.start:
        return False
    if n.start <= m.start and m.end <= n.end:
        return any(an.folded[j] in NEGATIONS for j in range(n.start, n.end)
                   if not m.start <= j < m.end)
    # Overlapping, with n's negation right before or after m: "som inte bleknar när jag
    # trycker", "prickarna försvann inte".
    return any(n.start <= j < n.end and j < len(an.folded) and an.folded[j] in NEGATIONS
               for j in (m.start - 1, m.end))


def segment_ids(an: Analysis) -> list[int]:
    """Segment id per token: a sentence cut at commas and contrast words ("andas normalt, inte
    ..." must not read as "andas inte"); "och" does not cut ("kall och blek")."""
    out, seg, prev = [], 0, None
    for i, w in enumerate(an.folded):
        if an.sentence[i] != prev or w in _SEGMENT_BREAKS:
            seg += 1
        prev = an.sentence[i]
        out.append(seg)
    return out


class _Positions:
    """Where each lexicon word occurs in one message, computed once per word: a pattern
    then checks a few positions instead of scanning its window token by token."""

    def __init__(self, an: Analysis) -> None:
        self.an = an
        self._by_form: dict[str, list[int]] = {}
        for i, (f, lemma) in enumerate(zip(an.folded, an.lemmas, strict=True)):
            self._by_form.setdefault(f, []).append(i)
            if lemma != f:
                self._by_form.setdefault(lemma, []).append(i)
        self.forms = self._by_form.keys()
        # Keyed by identity: hashing a frozen dataclass of frozensets costs more than the
        # lookup it saves.
        self._cache: dict[int, list[int]] = {}

    def of(self, word: _Word) -> Sequence[int]:
        if word.prefix is None and len(word.forms) == 1:
            for form in word.forms:
                return self._by_form.get(form, ())
        hit = self._cache.get(id(word))
        if hit is None:
            if word.prefix is not None:
                hit = [i for i, (f, lemma) in enumerate(zip(self.an.folded, self.an.lemmas,
                                                            strict=True))
                       if word.matches(f, lemma)]
            else:
                hit = sorted({i for form in word.forms for i in self._by_form.get(form, ())})
            self._cache[id(word)] = hit
        return hit


def _span(
    pattern: _Pattern, where: _Positions, segments: list[int], i: int
) -> tuple[int, int] | None:
    """Token span if every other word of `pattern` occurs near token i in its segment."""
    if not pattern.others:
        return i, i + 1
    # Most candidates lack a word altogether: reject those before any window arithmetic.
    for word in pattern.others:
        if not where.of(word):
            return None
    an = where.an
    width = len(pattern.others) + 1 + _SLACK
    segment = segments[i]
    lo, hi = max(0, i - width), min(len(an.folded), i + width + 1)
    used = {i}
    placed = [i]
    for word in pattern.others:
        # The nearest occurrence: "ont i bröstet och ont i vänster arm" pairs the second
        # "ont" with the arm.
        j = min(
            (j for j in where.of(word)
             if lo <= j < hi and j not in used and segments[j] == segment),
            key=lambda j: abs(j - i),
            default=None,
        )
        if j is None:
            return None
        used.add(j)
        placed.append(j)
    if pattern.order is not None:
        written = [placed[k] for k in pattern.order]
        if any(a > b for a, b in zip(written, written[1:], strict=False)):
            return None
    start, end = min(used), max(used) + 1
    if end - start > width:
        return None
    # A negation between the words is not part of the phrase: "har ingen feber" is not
    # "har feber", whatever order the words were matched in.
    if any(an.folded[j] in NEGATIONS for j in range(start, end) if j not in used):
        return None
    # A negation in the phrase belongs next to its verb: "inte sned i ansiktet och pratar"
    # is not "kan inte prata".
    # Two apart only across a function word: "andas han inte" is not breathing, "inte svårt
    # andas" denies a difficulty.
    if any(an.folded[j] in NEGATIONS and not _beside(an, j, used) for j in used):
        return None
    # The mention is its content words: a cue such as "hade ett" next to "ett krampanfall"
    # must govern it, not overlap it.
    while end - start > 1 and an.folded[start] in _FUNCTION_WORDS:
        start += 1
    while end - start > 1 and an.folded[end - 1] in _FUNCTION_WORDS:
        end -= 1
    return start, end


def _beside(an: Analysis, j: int, used: set[int]) -> bool:
    return any(abs(j - k) == 1 or (abs(j - k) == 2 and an.folded[(j + k) // 2] in _FUNCTION_WORDS)
               for k in used)


def _is_temperature(an: Analysis, i: int) -> bool:
    """"38,4" is a temperature; a bare "38" only next to a temperature word ("38 år" is not)."""
    if any(c in an.folded[i] for c in ",."):
        return True
    near = an.folded[max(0, i - 3) : i + 3]
    if any(w.startswith(_TEMP_WORDS) for w in near):
        return True
    # "han har 39" is how a fever is said; "har 39 tabletter" has its unit after it.
    after = an.folded[i + 1] if i + 1 < len(an.folded) else ""
    return i > 0 and an.folded[i - 1] in _HAS_VALUE and not after.isalpha()


def _derived(an: Analysis) -> list[Mention]:
    """Markers read from numbers: a temperature, a measured value out of range (vitals.py),
    an infant's age, an age of 75+, a pregnancy week."""
    text = " ".join(an.folded)
    out = _temperatures(an)
    spans = [(c, i, i + 1) for c, i in vitals.readings(an.folded)]
    spans += vitals.amounts(an.folded)
    out += [
        Mention(concept, i, end, an.sentence[i], " ".join(an.surface[i:end]))
        for concept, i, end in spans
    ]
    out += _infant_ages(an, text)
    # The rest needs a figure; most messages have none, and the searches cost more than this.
    if _DIGIT_RE.search(text) is None:
        return out
    out += _child_ages(an, text)
    ages = [(int(m.group(1)), m.group(0)) for m in _AGE_RE.finditer(text)]
    ages += [(int(age), f"{age} år") for m in _BARE_AGE_RE.finditer(text)
             if (age := m.group(1) or m.group(2))]
    if (signed := _signature_age(an.surface)) is not None:
        ages.append((signed, f"{signed} år"))
    old = next((label for age, label in ages if 75 <= age <= 115), None)
    if old is not None:
        out.append(Mention("age_75", 0, 0, -1, old))
    week = _PREGNANCY_WEEK_RE.search(text)
    if week and 4 <= int(week.group(1) or week.group(2)) <= 43 and is_pregnant(text):
        out.append(Mention("pregnant", 0, 0, -1, week.group(0)))
    elif (weeks_days := _WEEKS_DAYS_RE.search(text)) and 12 <= int(weeks_days.group(1)) <= 43:
        out.append(Mention("pregnant", 0, 0, -1, weeks_days.group(0)))
    return out


_DIGIT_RE = re.compile(r"\d")


def _temperatures(an: Analysis) -> list[Mention]:
    out = [
        Mention("fever", i, i + 1, an.sentence[i], an.surface[i])
        for i, lemma in enumerate(an.lemmas)
        if lemma == TEMP_TOKEN and _is_temperature(an, i)
    ]
    if not out:
        # A measured normal temperature and no fever-range one: "känns varm, men 37,3".
        out += [
            Mention("normal_temperature", i, i + 1, an.sentence[i], an.surface[i])
            for i, w in enumerate(an.folded) if w[:1] == "3" and _NORMAL_TEMP_RE.match(w)
        ][:1]
    return out


def _token_starts(an: Analysis) -> list[int]:
    """Character offset of each folded token in `" ".join(an.folded)`."""
    return list(itertools.accumulate((len(w) + 1 for w in an.folded), initial=0))


def _infant_ages(an: Analysis, text: str) -> list[Mention]:
    ages = infant_ages(text)
    if not ages:
        return []
    out = []
    starts = _token_starts(an)
    for months, lo, hi in ages:
        # Character offsets back to tokens, so that ConText reads the age like any mention.
        first = bisect.bisect_right(starts, lo) - 1
        last = max(first + 1, bisect.bisect_left(starts, hi))
        label = " ".join(an.surface[first:last])
        # The unit word alone is the mention, so that a cue ending in the number ("när han
        # var 4") governs it rather than overlapping it.
        first = last - 1
        for concept, limit in (("infant_under_3_months", 3), ("infant_under_1_year", 12)):
            if months < limit:
                out.append(Mention(concept, first, last, an.sentence[first], label))
    return out


def _child_ages(an: Analysis, text: str) -> list[Mention]:
    out = []
    starts: list[int] | None = None
    for m in _CHILD_AGE_RE.finditer(text):
        if int(m.group(1)) <= _CHILD_MAX_AGE:
            starts = starts or _token_starts(an)
            at = bisect.bisect_right(starts, m.start(1)) - 1
            out.append(Mention("child", at, at + 1, an.sentence[at], m.group(0)))
    return out


def _signature_age(surface: Sequence[str]) -> int | None:
    """An age signed after the name at the very end: "… Ska jag lägga is på? /Dagny 84"."""
    words = list(itertools.islice(
        (w for w in reversed(surface) if any(c.isalnum() for c in w)), 2))[::-1]
    if len(words) < 2 or not words[-1].isdigit() or len(words[-1]) not in (2, 3):
        return None
    name = words[-2].strip("/-–,.")
    if not (name.isalpha() and name[0].isupper() and name[1:].islower()):
        return None
    return None if fold(name) in _NOT_NAMES else int(words[-1])
