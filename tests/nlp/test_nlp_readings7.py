"""The eighth and ninth rounds' general readings: a modal in any tense ("kunde inte", "har inte
kunnat"), someone who collapsed and is not answering, air that will not go down; sentences run
together without a space, a child at someone's tablets, scalds, drowning, drooling; and
phrases that had shrunk to something every message has; the tenth round's suicidal intent
told sideways, mania in traffic, a delusion after birth, an age in brackets."""

from __future__ import annotations

import pytest

from nlp import Router

EMERGENCIES = [
    ("Mamma 82 ramlade i köket, höften gör ont och hon har inte kunnat stå på benet sedan dess.",
     "hip_fracture_or_major_fracture"),
    ("Pappa föll på isen i går, ont i höften och han kunde inte stå på benet i morse heller.",
     "hip_fracture_or_major_fracture"),
    ("My friend collapsed in the kitchen and is not answering, what do we do",
     "reduced_consciousness"),
    ("föll av cykeln, nu får jag inte ner luften och det blir värre",
     "severe_breathing_difficulty"),
    # Run-on sentences: the tokenizer splits "igår.kräks" only before a capital.
    ("ont i magen sen igår.kräks hela tiden.det luktar bajs.har opererats förut",
     "acute_abdomen_severe"),
    ("nosebleed wont stop, hes on blood thinners and looks pale", "nosebleed_uncontrolled"),
    ("Lillkillen 2 år hittades med burken, det fattas tabletter",
     "ingested_battery_or_poison_child"),
    ("Det kommer saliv ut hela tiden och det låter när hon andas", "upper_airway_swelling"),
    ("lillasyster 7 år feber o konstiga prickar som blåmärken på armarna", "non_blanching_rash"),
    ("ramlade i köket. kan inte resa mig. höften.", "hip_fracture_or_major_fracture"),
    ("barnet 18 mån fick hett te på bröstet och magen, blåsor", "severe_burn"),
    ("dottern 4 år gled ner i sjön från bryggan, var under en stund, hostar och är blek",
     "drowning"),
    ("fick avloppsrensare på handen, huden är vit och svider", "severe_burn"),
    ("I have decided, tonight is the night. Got everything ready.", "suicidal_acute"),
    ("stod på balkongen i natt, de klarar sig bättre utan mig. jag har tänkt ut hur.",
     "suicidal_acute"),
    ("har bestämt mig, jag ska inte vara kvar efter jul. behöver förnya mina tabletter",
     "suicidal_acute"),
    ("Han har inte sovit på flera dygn, springer ut i trafiken och går inte att lugna",
     "acute_psychosis_or_danger"),
    ("bebisen 2 veckor, jag tror någon har stoppat något i henne, har inte sovit sen förlossningen",
     "postpartum_psychosis"),
    ("har sickelcell, penisen har varit hård och gör ont sedan tre timmar", "priapism"),
    ("sonen 2 år slickade på en diskmaskintablett och hostar och gråter",
     "ingested_battery_or_poison_child"),
    ("Elsa (8 v) har 38,3 ikväll, annars pigg", "infant_fever"),
    ("my sugar is 2.3, getting foggy and shaky, took glucose", "severe_hypoglycaemia"),
]

NOT_ACUTE = [
    # Over: the same tenses, told as a past episode.
    "För två år sedan bröt jag höften och kunde inte stå på benet. Nu vill jag förnya rollatorn.",
    # The phone, not a person.
    "Ni svarar inte i telefon, jag har ringt tre gånger om min tid.",
    # "fick i ögat" had shrunk to "fick ... ögat": shampoo is no chemical injury.
    "Fick tvål i ögat i morse, svider lite, annars bra.",
    # "på en gång" was "en ... gång" anywhere: once is not sudden.
    "En gång höll jag på att tappa balansen när jag reste mig, men det gick bra.",
    # "värsta i mitt liv" needed no headache.
    "Förlossningen var den värsta tiden i mitt liv, nu vill jag prata om den.",
    # The contraceptive pill is no poison, and a colleague's past event is background.
    "Min storasyster åt p-piller och fick en propp. Är p-piller farligt för mig?",
    "En arbetskamrat fick anafylaxi av ett getingstick igår. Borde jag testas för getingallergi?",
    # Generic: "man kan få".
    "Läraren sa att man kan få hjärtstopp av energidryck, stämmer det?",
    # "en verkar" was an age of one week; "spetsad" met the compound "pennspetsar".
    "Dottern 2 år har 39 i feber, hon leker när Alvedonen verkar.",
    "Typ 2 på insulin, behöver nya stickor och pennspetsar.",
    # Voices not heard are no lost voice; an operation told is the torsion over.
    "Får min Xeplion-spruta varje månad och hör inga röster sedan länge.",
    "Hemkommen efter operation för testikeltorsion i helgen. När får jag träna igen?",
]


@pytest.fixture(scope="module")
def router() -> Router:
    return Router.load()


@pytest.mark.parametrize(("text", "presentation"), EMERGENCIES)
def test_emergency_is_akut(router: Router, text: str, presentation: str) -> None:
    decision = router.route(text)
    assert decision.urgency == "akut", decision.reasons
    assert decision.presentation == presentation


@pytest.mark.parametrize("text", NOT_ACUTE)
def test_past_or_practical_is_no_catalogue_emergency(router: Router, text: str) -> None:
    _, assessment = router.assess(text)
    assert assessment.level != "akut", [f.presentation.id for f in assessment.findings]


def test_a_modal_meets_its_other_tenses(router: Router) -> None:
    for text in ("Han kan inte stå på benet.", "Han kunde inte stå på benet.",
                 "Han har inte kunnat stå på benet."):
        _, assessment = router.assess(text)
        assert "cannot_bear_weight" in assessment.current, text


def test_sentences_run_together_are_split(router: Router) -> None:
    an = router.featurizer.extract("ont i natt.värre o värre.kräks, t.ex. 37.5 grader").analysis
    assert an.folded[:6] == ("ont", "i", "natt", ".", "varre", "o")
    assert "t.ex" in an.folded or "t.ex." in an.folded  # abbreviations stay whole
    assert "37.5" in an.folded
