"""Dated, handled and asked-about events (the fifth round's context rules as data), and the
words that only mean an emergency together: a snake and a bite, a drug name in any form, an
age signed after the name."""

from __future__ import annotations

import pytest

from nlp import Router

OVER_OR_ASKED = [
    # A weekday, a month, "förra …" or "last …" dates the event.
    "Mamma hade ett krampanfall i torsdags och är utskriven med ny medicin. Kan ni ordinera"
    " dosetten?",
    "Min bror tog en överdos förra helgen, han är hemma och ok nu. Finns det anhörigstöd?",
    "I had a seizure last Saturday, the hospital changed my dose. When can I drive again?",
    "Jag gjorde ett självmordsförsök i april och har samtal på psykiatrin. Kan jag få intyg?",
    # A past cue that overlaps the symptom's words still dates it.
    "Fick ett anfall för två år sedan och inget sedan dess, behöver intyg till körkortet.",
    # Admitted, stable, home now: handled.
    "Pappa är inlagd efter en överdos i går, han är stabil nu. Hur kan vi stötta honom?",
    "Dottern 5 veckor var inlagd för feber i fyra dagar. Nu hemma och pigg, när är nästa BVC?",
    # A question about what to do if, whoever would do it.
    "Vad ska förskolan göra om han blir medvetslös av lågt blodsocker? Kan vi få glukagon?",
    "How will I know if my baby's movements are reduced? I'm 25 weeks.",
    "Det stod i tidningen att huggormsbett är farligt för barn. Vad ska vi ha i stugan?",
    "When I was about 7 I had anaphylaxis from peanuts. Do I need a new EpiPen?",
    # Snakes around the house are no bite.
    "Vi har huggormar vid sommarstugan och barnen springer barfota. Vad ska vi tänka på?",
    # Chest pain when pressing on it or twisting.
    "Ont i bröstet vid bröstbenet när jag trycker där sedan jag lyfte soffan. Värre när jag"
    " vrider mig.",
    # "ändå slut" (worn out anyway) is no "slutat andas".
    "Sover tio timmar och vaknar anda slut, kan jag ta blodprover?",
    # A modifier denied right before it.
    "Farfar 82 slog i huvudet i köket, fick lite ont. Inte kräkts, tar inga blodförtunnande och"
    " är som vanligt. Ska vi kyla?",
    # A condition opening a question's segment.
    "Hej, om dottern sväljer ett knappbatteri, vad gör vi då? Hon är 2.",
    "Om han slutar andas på natten, ska jag ringa 112 eller er?",
]
STILL_112 = [
    # "sedan i lördags" and "nu" keep it current.
    "Han har haft ont i bröstet sedan i lördags och nu är han kallsvettig.",
    "Hon ramlade i tisdags och slog huvudet, nu är hon förvirrad och kräks.",
    # In hospital, but what is told happens now.
    "Min pappa är inlagd sedan i går och nu ringer han och säger att han har ont i bröstet och"
    " kallsvettas.",
    # A bite by a snake, told in two ways.
    "Sonen 6 år blev biten av en huggorm i foten nyss, det svullnar upp mot knät.",
    "En orm bet mig i handen för en halvtimme sedan och jag mår illa.",
    # A drug name with its Swedish ending is still the drug.
    "Råkade ta morgontabletterna två gånger, även Digoxinet. Mår illa och ser gult.",
    "Pappa 79 slog huvudet i morse, han tar Waranet och nu har han ont i huvudet.",
    # An age signed after the name.
    "Jag snubblade och slog huvudet i dörren, fick en bula. Jag tar Eliquis. /Gunnel 86",
    # "fungerar inte som den ska" is a hand that does not work, not a denial.
    "Min högra hand fungerar inte som den ska sedan en stund, jag tappar kaffekoppen.",
    "Han har slutat andas!",
    # A denial further away denies something else.
    "Pappa 70 slog huvudet i morse, inga problem med magen och tar Waran sedan länge, nu kräks"
    " han.",
    # What comes before the condition is happening.
    "Han har svårt att andas och är blå om läpparna, om ni inte svarar, ska jag ringa 112?",
]


@pytest.mark.parametrize("text", OVER_OR_ASKED)
def test_dated_handled_or_asked_about_is_not_112(router: Router, text: str) -> None:
    assert router.route(text).urgency != "akut"


@pytest.mark.parametrize("text", STILL_112)
def test_current_emergency_is_still_112(router: Router, text: str) -> None:
    assert router.route(text).urgency == "akut"


def test_signed_age_is_named_as_evidence(router: Router) -> None:
    decision = router.route("Slog huvudet i skåpet, tar Waran. Hälsningar Dagny 84")
    assert any("84 år" in r for r in decision.reasons)


def test_a_reading_at_the_end_is_no_signed_age(router: Router) -> None:
    decision = router.route("Slog huvudet lätt i skåpet, tar Waran. Puls 84")
    assert not any("84 år" in r for r in decision.reasons)
