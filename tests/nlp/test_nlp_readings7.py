"""The eighth round's general readings: a modal in any tense ("kunde inte", "har inte kunnat"),
someone who collapsed and is not answering, air that will not go down."""

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
]

NOT_ACUTE = [
    # Over: the same tenses, told as a past episode.
    "För två år sedan bröt jag höften och kunde inte stå på benet. Nu vill jag förnya rollatorn.",
    # The phone, not a person.
    "Ni svarar inte i telefon, jag har ringt tre gånger om min tid.",
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
