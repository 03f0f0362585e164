"""Messages in Norwegian or Danish are read as the Swedish a neighbour's reader hears in them."""

from __future__ import annotations

import pytest

from nlp import Router
from nlp.nordic import as_swedish, is_nordic
from nlp.normalize import fold

NORDIC_EMERGENCIES = [
    "Mannen min har plutselig fått skjev munn og klarer ikke løfte høyre arm, det startet for "
    "20 minutter siden.",
    "Datteren min puster veldig tungt og leppene er blå.",
    "Jeg er gravid i uke 34 og har hatt sammentrekninger hvert tiende minutt siden i morges.",
    "Faren min falt og slo hodet, han bruker Eliquis og er nå veldig trøtt og kaster opp.",
    "Jeg har sterke smerter i brystet som stråler ut i venstre arm og jeg svetter kaldt.",
]
NORDIC_ROUTINE = [
    "Jeg har ikke smerter i brystet og puster fint, trenger bare ny resept.",
    "Jeg trenger å fornye resepten på blodtrykksmedisinen min.",
]


@pytest.mark.parametrize("text", NORDIC_EMERGENCIES)
def test_norwegian_emergencies_are_akut(router: Router, text: str) -> None:
    assert router.route(text).urgency == "akut"


@pytest.mark.parametrize("text", NORDIC_ROUTINE)
def test_norwegian_everyday_messages_are_not_urgent(router: Router, text: str) -> None:
    assert router.route(text).urgency in ("rutin", "snart")


def test_a_norwegian_message_reads_as_swedish_words() -> None:
    folded = [fold(w) for w in "jeg klarer ikke å puste".split()]
    assert is_nordic(folded)
    assert as_swedish(folded) == ["jag", "klarar", "inte", "a", "andas"]


@pytest.mark.parametrize("text", [
    "Min son har ont i örat och feber sedan i går.",  # no neighbour's words
    "Hon har timer på mobilen för medicinen, og det fungerar.",  # one stray word only
    "My son feels bare and hollow, I do not know what to do.",
])
def test_swedish_and_english_messages_are_left_as_they_are(text: str) -> None:
    assert not is_nordic([fold(w) for w in text.replace(",", " ").split()])
