"""Context across sentences and spellings ConText alone does not see: another person's past
event told as background, negations spelt "ej"/"int", ages without "år", "34+2" as a
pregnancy week, "vill inte" as a wish rather than a sign, a glass test's result rather than the
test, and a negation kept to the words it stands next to."""

from __future__ import annotations

import pytest

from nlp import Router

BACKGROUND = [
    # Own-risk question: a relative's illness is history.
    "Min farbror fick en hjärnblödning. Är det ärftligt, borde jag kontrollera mitt blodtryck?",
    # Someone outside the household, over and done with.
    "Min grannes pojke svalde ett knappbatteri förra månaden och fick opereras, han mår bra nu."
    " Hur förvarar vi batterier säkert?",
    "My colleague had a seizure at work last week, he is fine now, but I keep thinking about it.",
    "Min kollega fick ett krampanfall på jobbet igår och åkte ambulans, hon är ok nu men jag kan"
    " inte sova.",
    "Kompisens dotter svalde ett knappbatteri i helgen och fick opereras. Vi har en tvååring, vad"
    " ska vi tänka på?",
    # A care visit dated in the past, nothing told in the present: over, followed up today.
    "Dottern fick ett krampanfall i lördags, ambulansen kom och hon var inlagd en natt. Behöver"
    " vi ett intyg till förskolan?",
    "Pappa blev biten av en huggorm i helgen och låg inne på sjukhuset en natt. Kan han få"
    " sjukintyg?",
]
STILL_112 = [
    # A colleague's emergency happening now.
    "Min kollega fick ont i bröstet nyss, är kallsvettig och grå i ansiktet. Vad gör vi?",
    # An own-risk question does not hide what is happening now.
    "Är stroke ärftligt? Pappa fick plötsligt sned mun nu och pratar sluddrigt.",
    "Är det ärftligt? Pappa fick sned mun och pratar sluddrigt.",
    # Yesterday's visit does not make today's symptoms old.
    "Han har ont i bröstet och kallsvettas, vi var på akuten igår för samma sak.",
    # "igår" elsewhere does not date what happened "nyss".
    "Min kollega fick ont i bröstet nyss och är grå i ansiktet, igår var han pigg.",
    # "ej" is "inte".
    "Boende går ej att väcka sedan lunch.",
    # An age told without its unit raises the risk of a head injury on blood thinners.
    "Mamma, 84, ramlade och slog huvudet i morse, hon tar Eliquis.",
    # Weeks+days is a pregnancy week.
    "Jag är 34+2 och har regelbundna sammandragningar var femte minut.",
]


@pytest.mark.parametrize("text", BACKGROUND)
def test_another_persons_past_is_background(router: Router, text: str) -> None:
    assert router.route(text).urgency != "akut"


@pytest.mark.parametrize("text", STILL_112)
def test_current_emergency_is_caught(router: Router, text: str) -> None:
    assert router.route(text).urgency == "akut"


def test_bare_age_is_named_as_evidence(router: Router) -> None:
    decision = router.route("Mamma, 84, ramlade och slog huvudet i morse, hon tar Eliquis.")
    assert any("84 år" in r for r in decision.reasons)


def test_a_wish_not_to_wake_is_not_a_person_who_has_not_woken(router: Router) -> None:
    wish = router.route("jag vill inte vakna mer")
    assert wish.urgency in ("bradskande", "akut") and wish.category == "psykisk_halsa"
    sign = router.route("Han har inte vaknat sen i morse och andas konstigt.")
    assert not any("Självmord" in r for r in sign.reasons)


NOT_112_BY_CONTEXT = [
    # The glass test was done and the spots fade: the result counts, not the test.
    "Dottern 3 år har feber 39 och små prickar på benen, jag tryckte ett glas mot dem och de "
    "bleknar. Hon leker.",
    "My son has a temperature and a blotchy rash, I did the glass test and it fades.",
    # "inte svårt att andas" denies a difficulty; it is not "andas inte".
    "Hosta i två veckor, ingen feber, inte svårt andas. Kan jag få en tid?",
    # Read or heard about, not happening.
    "Såg en dokumentär om hjärnblödning där de sa att man får värsta huvudvärken i sitt liv. Hur"
    " vet jag skillnaden mot min migrän?",
    # Seizure-free is no seizure.
    "My daughter has epilepsy, seizure free for three years on Lamictal. Can she go to camp?",
    # Seen to by care and well, the fever gone.
    "Vi var på barnakuten i natt med sonen 6 veckor för feber, allt var bra och febern är borta"
    " nu. Hur bokar vi uppföljning?",
]
STILL_112_BY_CONTEXT = [
    "Hon har feber, jag gjorde glastestet och prickarna bleknar inte.",
    "He has a fever and purple spots, I did the glass test and they don't fade.",
    "Feber och utslag som inte försvinner när jag trycker, prickarna försvann inte.",
    "Han andas inte och är blå om läpparna.",
    # "om"/"if" meaning whether is no condition.
    "Jag vet inte om han andas, han är blå.",
    "I'm not sure if my dad is breathing, he is blue.",
    "Undrar om min man har fått en stroke, han hänger i ansiktet och pratar sluddrigt.",
    # A documentary in one sentence does not make the next one's emergency a reading.
    "Såg en dokumentär om stroke. Nu hänger mammas mun och hon pratar sluddrigt.",
    "Pappa berättade om att han har ont i bröstet sedan en timme och svettas.",
    # "om" meaning about.
    "Jag skriver om min pappa, han har svårt att andas och är blå om läpparna.",
]


@pytest.mark.parametrize("text", NOT_112_BY_CONTEXT)
def test_denied_or_resolved_within_a_phrase_is_not_112(router: Router, text: str) -> None:
    assert router.route(text).urgency != "akut"


@pytest.mark.parametrize("text", STILL_112_BY_CONTEXT)
def test_negated_result_or_sign_is_112(router: Router, text: str) -> None:
    assert router.route(text).urgency == "akut"
