"""Message-level frames that ConText, reading one sentence at a time, cannot see.

A writer asking about their own risk ("är det ärftligt?", "hur vet man…", "should I get
checked?") tells someone else's illness as background: "Min kollegas barn svalde ett batteri
och fick opereras. Hur ska vi förvara saker?". In such a message an event told in the past
tense about another person, with nothing marking it as happening now, is that person's
history (FAMILY), not the patient's emergency. So is such an event of a friend, colleague or
neighbour — people the writer does not care for — once the message says it is over ("hon är
ok nu", "last weekend", "ligger på sjukhus"): "min kollega fick ett krampanfall på jobbet igår
och åkte ambulans, jag kan inte sluta tänka på det".

A care visit dated in the past in the same sentence as the event, with nothing in it told in
the present ("blev biten av en huggorm igår, vi var på akuten och fick stanna i tolv timmar";
"fick adrenalin på akuten i lördags för anafylaxi") makes the event one that is over.

A risk modifier is denied only by a negation right before it ("tar inga blodförtunnande",
"not on blood thinners", "ingen diabetes"); ConText's wider window would also deny the Waran in
"inga problem med magen och tar Waran".

A condition opening a segment of a question ("Hej, om min son sväljer ett batteri, vad gör
jag?", "If she gets a fever, should we come in?") is hypothetical up to the segment's end, and
so is the question it leads to ("Om han får ett anfall, får chauffören ge Buccolam?").

A sentence that only says it is over ("Nu är det helt borta.", "It's completely gone now.")
ends what the sentences before it told, unless something is told after it — for the concepts
whose passing the catalogue decides on (a trigger pairs them with `symptoms_resolved`: a TIA
that is over). A seizure or blood coughed up that stopped is still what it was.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .analyzer import Analysis
from .catalogue import Catalogue
from .concepts import NEGATIONS, Mention, segment_ids
from .rules import AFFIRMED, FAMILY, HISTORICAL, HYPOTHETICAL, NEGATED, RESOLVED

_OWN_RISK = re.compile(
    r"\b(?:arftlig\w*|arver man|hereditary|genetic|runs in (?:the|our) family|forebygg\w*"
    r"|prevent\w*|hur vet man|how (?:would|do|can) i (?:know|tell)|look out for|watch (?:out )?for"
    r"|warning signs?|vad ar tecknen|what are the signs|ska jag testa\w*|borde jag testa\w*"
    r"|testa mig|kontrollera mig|should i (?:get|be) (?:\w+ )?(?:tested|checked)|my risk"
    r"|am i at risk|okad risk|hogre risk|hur stor ar risken|risken att det|kan det handa mig"
    r"|happen to me|ska jag (?:sjalv )?(?:kontrolleras|undersokas)|should i be checked)\b"
)
# People outside the writer's household, whom the writer would not be caring for.
_AWAY = frozenset(
    """kompis kompisen kompisens van vannen vannens vaninna vaninnan granne grannen grannens
    grannar kollega kollegan kollegas kollegans kusin kusinen kusins bekant bekanta klassen
    klasskompis chef chefen friend friends mate neighbour neighbours neighbor colleague
    colleagues cousin flatmate classmate boss arbetskamrat arbetskamraten arbetskamratens
    rumskamrat rumskamraten rumskamratens klasskamrat klasskamraten lagkamrat lagkamraten
    kamrat kamraten coworker workmate roommate teammate passagerare passageraren passenger
    medpassagerare stranger framling""".split()
)
_KIN = frozenset(
    """moster faster morbror farbror svagerska svager systerdotter brordotter systerson brorson
    pappa pappas mamma mammas bror brors syster systers mormor morfar farmor farfar aunt uncle
    mother father brother sister dad mum mom grandmother grandfather svarfar svarmor svarfars
    svarmors father-in-law mother-in-law""".split()
)
# Others took over: the event may have been today and still be over for the writer.
_TAKEN = (
    r"\b(?:akte ambulans|ambulansen (?:kom|tog|hamtade|korde)|kordes in|fordes in|hamtades"
    r"|the ambulance (?:came|took)|taken to hospital|taken away by ambulance)\b"
)
# The event is over: a time in the past, or the person is cared for or well again.
_OVER = re.compile(
    r"\b(?:igar|i gar|i helgen|forra (?:veckan|manaden|aret|helgen)|i varas|i somras|i hostas"
    r"|for \w+ (?:ar|manader|veckor) sedan|yesterday|last (?:week|month|year|weekend|night)"
    r"|\w+ (?:years|months|weeks) ago|ar ok nu|ar okej nu|mar bra nu|lever|klarade sig"
    r"|pa sjukhus|ligger pa|lag inne|inlagd|opererades|fick opereras|fine now|ok now|okay now"
    r"|recovering|in hospital|after surgery|survived|fick aka in|akte in|observerades"
    r"|kept overnight)\b|" + _TAKEN
)
_PAST = frozenset(
    """fick fatt blev blivit dog hade haft drabbades opererades lades inlagd had got went died
    was were needed passed tog took collapsed overdosed svalde swallowed drunknade blodde bled
    forlorade lost svullnade holl choked did gave""".split()
)
_PRESENT = frozenset(
    """ar har kan pratar andas blir ser kanns svarar bloder kraks ramlar hanger sluddrar
    is has are cant isnt keeps looks seems talks""".split()
)
_TAKEN_BY_CARE = re.compile(_TAKEN)
_TODAY = frozenset("idag today tonight ikvall inatt".split())
_NOW = frozenset("nu nyss precis fortfarande now just still".split()) | _TODAY


def other_person_history(
    an: Analysis, mentions: Sequence[Mention], readings: Sequence[str]
) -> list[str]:
    """Readings with another person's past events marked FAMILY in an own-risk message."""
    text = " ".join(an.folded)
    own_risk, over = bool(_OWN_RISK.search(text)), bool(_OVER.search(text))
    if not own_risk and not over:
        return list(readings)
    # By clause: "fick ett krampanfall igår, hon är ok nu" is over although "nu" follows.
    now = _NOW - _TODAY if _TAKEN_BY_CARE.search(text) else _NOW
    told = {c for c in set(an.clause) if _tells_past_of(an, c, _AWAY | _KIN, now)}
    out = []
    for m, r in zip(mentions, readings, strict=True):
        clause = an.clause[m.start] if m.end > m.start else -1
        if r == AFFIRMED and clause in told and _background(an, m, own_risk):
            r = FAMILY
        out.append(r)
    return out


def _background(an: Analysis, m: Mention, own_risk: bool) -> bool:
    """Family members are cared for by the writer: their event is background only in an
    own-risk message and only if nothing in its sentence is told in the present tense
    ("pappa fick sned mun och pratar sluddrigt" is happening)."""
    words = {w for w, s in zip(an.folded, an.sentence, strict=True) if s == m.sentence}
    if words & _AWAY:
        return True
    return own_risk and not words & _PRESENT


def _tells_past_of(
    an: Analysis, clause: int, people: frozenset[str], now: frozenset[str]
) -> bool:
    words = {w for w, c in zip(an.folded, an.clause, strict=True) if c == clause}
    words |= {w[:-1] for w in words if w.endswith("s")}  # "neighbours", "kollegas"
    return bool(words & people) and bool(words & _PAST) and not words & now


_DATED = re.compile(
    r"\b(?:igar|i gar|i forrgar|i helgen|i (?:mandags|tisdags|onsdags|torsdags|fredags|lordags"
    r"|sondags)|forra veckan|yesterday|last (?:week|weekend|night)|on (?:monday|tuesday"
    r"|wednesday|thursday|friday|saturday|sunday))\b"
)
_CARE = "treated_by_care"


def dated_care_visit(
    an: Analysis, mentions: Sequence[Mention], readings: Sequence[str]
) -> list[str]:
    """Readings with events in a sentence telling of a past care visit marked RESOLVED."""
    visits = {m.sentence for m, r in zip(mentions, readings, strict=True)
              if m.concept == _CARE and r != NEGATED}
    if not visits:
        return list(readings)
    over = {s for s in visits if _dated_and_past(an, s)}
    return [RESOLVED if r == AFFIRMED and m.sentence in over and m.concept != _CARE
            and m.end > m.start else r
            for m, r in zip(mentions, readings, strict=True)]


def _dated_and_past(an: Analysis, sentence: int) -> bool:
    words = [w for w, s in zip(an.folded, an.sentence, strict=True) if s == sentence]
    return bool(_DATED.search(" ".join(words))) and not set(words) & (_PRESENT | _NOW)


# Words that may stand between a denial and the modifier: "tar inga", "not on", "not taking
# any".
_BETWEEN = frozenset("pa on any nagon nagra nagot take takes taking tar ater anvander".split())


def denied_modifiers(
    an: Analysis, mentions: Sequence[Mention], readings: Sequence[str],
    modifiers: frozenset[str],
) -> list[str]:
    """Readings of risk modifiers: NEGATED when a denial stands right before, else as read."""
    out = []
    for m, r in zip(mentions, readings, strict=True):
        if m.concept in modifiers and m.end > m.start:
            denied = _denied_before(an, m.start)
            r = NEGATED if denied else (AFFIRMED if r == NEGATED else r)
        out.append(r)
    return out


def _denied_before(an: Analysis, start: int) -> bool:
    j = start - 1
    while j >= 0 and start - j <= 3 and an.folded[j] in _BETWEEN:
        j -= 1
    return j >= 0 and an.sentence[j] == an.sentence[start] and an.folded[j] in NEGATIONS


_CONDITIONS = frozenset("om ifall if".split())
_OPENERS = frozenset(", ; : hej hejsan hi hello och and men but".split())
_SEGMENT_PUNCT = frozenset(", ; :".split())
_GOES_ON = frozenset("och and eller or".split())
# How the main clause after a fronted condition opens in a question: its finite verb (V2) or
# a question word.
_CONSEQUENT_OPENERS = frozenset(
    """far ska kan bor borde maste behover gor ar vad hur vem vilken vilka nar var should can
    could may must would will do does is are what how who which when where""".split()
)


def conditional_question(
    an: Analysis, mentions: Sequence[Mention], readings: Sequence[str]
) -> list[str]:
    """Readings with events inside a question's opening condition marked HYPOTHETICAL."""
    asked = {s for w, s in zip(an.folded, an.sentence, strict=True) if w == "?"}
    if not asked:
        return list(readings)
    segment = segment_ids(an)
    # The condition's segment (concepts.segment_ids: to the next comma or contrast word).
    conditions = [(i, segment[i]) for i, w in enumerate(an.folded)
                  if w in _CONDITIONS and an.sentence[i] in asked and _opens(an, i)]
    conditions = [(i, t) for i, s in conditions for t in _continued(an, segment, i, s)]
    consequents = _consequents(an, segment, conditions)
    return [HYPOTHETICAL if r == AFFIRMED and m.end > m.start and (
                segment[m.start] in consequents
                or any(i < m.start and segment[m.start] == s for i, s in conditions)) else r
            for m, r in zip(mentions, readings, strict=True)]


def _continued(an: Analysis, segment: list[int], i: int, s: int) -> list[int]:
    """The condition's segment and those that go on with it after a comma ("If his sugar
    goes low at night, and he won't wake up properly, what do we do?"), unless one tells of
    now ("…, and my dad is now very confused")."""
    out = [s]
    for k in range(i + 1, len(segment) - 2):
        if an.sentence[k] != an.sentence[i]:
            break
        if segment[k] == out[-1] + 1:
            words = {w for w, t in zip(an.folded, segment, strict=True) if t == segment[k]}
            if an.folded[k] == "," and an.folded[k + 1] in _GOES_ON and not words & _NOW:
                out.append(segment[k])
            else:
                break
    return out


def _consequents(an: Analysis, segment: list[int], conditions: list[tuple[int, int]]) -> set[int]:
    """The question a fronted condition leads to ("Om han får ett anfall, får chauffören ge
    Buccolam?"): the next segment of the sentence when it opens with a verb or a question
    word, as a main clause after a fronted condition does; "om det går, han har ont" is not."""
    out = set()
    for i, s in conditions:
        j = next((k for k in range(i, len(segment)) if segment[k] == s + 1), None)
        if j is not None and an.sentence[j] == an.sentence[i]:
            k = j + 1 if an.folded[j] in _SEGMENT_PUNCT and j + 1 < len(segment) else j
            if an.sentence[k] == an.sentence[i] and an.folded[k] in _CONSEQUENT_OPENERS:
                out.add(segment[k])
    return out


def _opens(an: Analysis, i: int) -> bool:
    return i == 0 or an.sentence[i - 1] != an.sentence[i] or an.folded[i - 1] in _OPENERS


_OVER_CONCEPT = "symptoms_resolved"
_AGO = frozenset("ago sedan sen tillbaka".split())
_SINCE = frozenset("since senaste last past".split())  # not "sen", "sedan": also "then"
_DURATION = frozenset(
    """sekund sekunder sekunden minut minuter minuten kvart timme timmar timmen second seconds
    minute minutes hour hours""".split()
)


def passing_concepts(catalogue: Catalogue) -> frozenset[str]:
    """Concepts whose passing a presentation decides on: a trigger pairs them with
    `symptoms_resolved` ("tia_resolved")."""
    told_over = {c for p in catalogue.presentations for t in p.triggers
                 if _OVER_CONCEPT in t for c in t if c != _OVER_CONCEPT}
    return frozenset(told_over | (_EPISODES & catalogue.concepts.keys()))


# Episodes that end once and for all: the bite is out ("den kom upp").
_EPISODES = frozenset({"stuck_in_throat", "choking", "inhaled_object"})


def resolved_afterwards(
    an: Analysis, mentions: Sequence[Mention], readings: Sequence[str],
    signs: frozenset[str], passing: frozenset[str],
) -> list[str]:
    """Readings of `passing` concepts marked RESOLVED after a statement (no question, no
    condition) that ends them and tells no symptom or sign of its own."""
    # "i ungefär 15 minuter" ends an episode; "about 15 minutes ago" tells when it began.
    told = [(m, r) for m, r in zip(mentions, readings, strict=True)
            if m.sentence >= 0 and (m.concept in signs or m.concept == _OVER_CONCEPT)
            and not (m.concept == _OVER_CONCEPT and _onset(an, m))]
    # The sentence that ends them may tell what went before the end ("den kom upp, hon
    # hostade lite men sedan var hon som vanligt"), never a sign after it.
    ends = [m.sentence for m, r in told if m.concept == _OVER_CONCEPT and r == AFFIRMED
            and _statement(an, m.sentence)
            and all(o.concept == _OVER_CONCEPT or o.start < m.start
                    for o, _ in told if o.sentence == m.sentence)
            and _last_over_in(told, m)]
    if not ends:
        return list(readings)
    end = max(ends)
    if any(m.sentence > end and r == AFFIRMED for m, r in told):
        return list(readings)
    # In the ending sentence itself, what comes before its "over" ("fastnade i halsen,
    # frugan gjorde Heimlich och den kom upp"), unless that is only a duration: "is slurred
    # for ten minutes" may still go on.
    last = max((m for m, _ in told if m.sentence == end and m.concept == _OVER_CONCEPT),
               key=lambda m: m.start)
    over_at = -1 if _DURATION & set(an.folded[last.start:last.end]) else last.start
    out = [RESOLVED if r == AFFIRMED and m.concept in passing and (
               0 <= m.sentence < end or (m.sentence == end and m.end <= over_at))
           else r for m, r in zip(mentions, readings, strict=True)]
    # The same words cannot tell an event that is over and one that is not: a mention inside
    # one that ended ("bit kyckling" of "fastnade en bit kyckling i halsen") ended too.
    ended = [m for m, r, was in zip(mentions, out, readings, strict=True)
             if r == RESOLVED and was == AFFIRMED]
    return [RESOLVED if r == AFFIRMED and m.end > m.start
            and any(e.start <= m.start and m.end <= e.end for e in ended) else r
            for m, r in zip(mentions, out, strict=True)]


def _onset(an: Analysis, m: Mention) -> bool:
    after = m.end < len(an.folded) and an.folded[m.end] in _AGO
    return after or (m.start > 0 and an.folded[m.start - 1] in _SINCE)


def _last_over_in(told: Sequence[tuple[Mention, str]], m: Mention) -> bool:
    """No sign of the sentence comes after its last "over" mention."""
    last = max(o.start for o, _ in told if o.sentence == m.sentence
               and o.concept == _OVER_CONCEPT)
    return not any(o.start > last for o, _ in told
                   if o.sentence == m.sentence and o.concept != _OVER_CONCEPT)


def _statement(an: Analysis, sentence: int) -> bool:
    words = {w for w, s in zip(an.folded, an.sentence, strict=True) if s == sentence}
    return "?" not in words and not words & _CONDITIONS


# "är 6 veckor", "is 6 weeks": an age told in the present is the age now, whatever else the
# sentence tells of the past ("… och opererades i förrgår").
_AGE_NOW = frozenset("ar is blir fyller".split())
_AGE_THEN = frozenset("var was nar when".split())


def present_age(
    an: Analysis, mentions: Sequence[Mention], readings: Sequence[str],
    dated: frozenset[str],
) -> list[str]:
    """Readings of a dated age marked AFFIRMED where the age is told in the present."""
    out = []
    for m, r in zip(mentions, readings, strict=True):
        if r == HISTORICAL and m.concept in dated and m.end > m.start:
            before = an.folded[max(0, m.start - 3):m.start]
            told_as_age = any(c.isdigit() for w in before for c in w)  # "är 6 veckor"
            if (told_as_age and _AGE_NOW.intersection(before)
                    and not _AGE_THEN.intersection(before)):
                r = AFFIRMED
        out.append(r)
    return out
