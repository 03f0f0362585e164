"""Emergencies are stopped with a 112 reply; mere mentions of red-flag words are not."""

from __future__ import annotations

import pytest

from nlp import Router

AKUT = [
    ("chest_pain_breathless", "sv",
     "Min man har ont i bröstet och är jätteandfådd, han är grå i ansiktet."),
    ("chest_pain_breathless", "en", "I have chest pain and I'm short of breath."),
    ("stroke", "sv", "Mormor har plötsligt blivit sned i ansiktet och sluddrar."),
    ("stroke", "en", "My wife's face is drooping and her speech is slurred since ten minutes."),
    ("bleeding", "sv", "Jag blöder kraftigt från ett sår på benet och det slutar inte blöda."),
    ("bleeding", "en", "My son is vomiting blood."),
    ("anaphylaxis", "sv",
     "Fick ett getingstick och nu svullnar tungan och jag har svårt att andas."),
    ("anaphylaxis", "en", "After eating shrimp my throat is swelling and I feel faint."),
    ("suicidal", "sv", "Jag vill inte leva längre och har tänkt ut hur jag ska ta livet av mig."),
    ("suicidal", "en", "I am going to kill myself tonight."),
    ("unconscious", "sv", "Pappa ligger på golvet och är medvetslös."),
    ("unconscious", "en", "My grandfather collapsed and is unresponsive."),
    ("infant_fever", "sv", "Vår son är 4 veckor gammal och har 38,3 i feber."),
    ("infant_fever", "en", "Our 6 week old baby has a fever of 38.5."),
    ("thunderclap_headache", "sv", "Fick plötsligt den värsta huvudvärk jag någonsin haft."),
    ("thunderclap_headache", "en", "I suddenly got the worst headache of my life."),
    ("breathing", "sv", "Min dotter kan inte andas, hon är blå om läpparna!"),
    ("breathing", "en", "He can't breathe and is gasping for air."),
    ("stroke", "sv", "pappa ar sned i ansiktet och kan inte prata"),
    ("chest_pain_breathless", "sv", "ont i brostet och andfadd"),
]

TRICKY = [
    "Vilka är symtomen på stroke?",
    "Min pappa hade en stroke för tio år sedan, är det ärftligt?",
    "Jag hade ont i bröstet och var andfådd förra året men det var astma.",
    "Vad ska man göra om någon får en allergisk chock?",
    "Jag har inga självmordstankar men mår dåligt och vill prata med någon.",
    "Jag har inte ont i bröstet men blir lite andfådd i trappor.",
    "What are the signs of a stroke?",
    "My mother had heavy bleeding after her surgery years ago.",
    "Min bror tog livet av sig förra året och jag sörjer fortfarande.",
    "Behöver förnya mitt recept på adrenalinpenna mot anafylaxi.",
    "Vår bebis är 5 månader och har lite feber, 38,1.",
    "Mamma var medvetslös en kort stund efter olyckan 2019, behöver hon ett intyg?",
]


@pytest.mark.parametrize(("kind", "lang", "text"), AKUT)
def test_red_flags_are_akut(router: Router, kind: str, lang: str, text: str) -> None:
    d = router.route(text)
    assert d.urgency == "akut", d.reasons
    assert d.red_flag_kind == kind
    assert d.emergency_reply is not None and "112" in d.emergency_reply
    assert d.language == lang
    marker = "Ring 112" if lang == "sv" else "Call 112"
    assert marker in d.emergency_reply
    assert any(r.startswith("Röd flagga:") for r in d.reasons)


@pytest.mark.parametrize("text", TRICKY)
def test_mentions_are_not_akut(router: Router, text: str) -> None:
    d = router.route(text)
    assert d.urgency != "akut", d.reasons
    assert d.emergency_reply is None and d.red_flag_kind is None
