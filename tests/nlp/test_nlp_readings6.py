"""The sixth round's general readings: a child's age after who the child is, blood ketones as
a number, a chronic condition "since" a year, a plan with the means at hand, what was coughed
up or came out, a care visit told in the future, and reading about it."""

from __future__ import annotations

import pytest

from nlp import Router

EMERGENCIES = [
    # "brorson 3 år": a child, so a seizure with fever is a febrile seizure.
    ("Min brorson 3 år krampade precis, han har haft feber sen igår. Jag är barnvakt.",
     "febrile_seizure"),
    # Ketones written as a number.
    ("Typ 1, ketoner 5,2 och jag kräks allt sedan i morse.", "diabetic_ketoacidosis"),
    # "hjärtsvikt sedan 2020" is how long the illness has lasted, not when this happened.
    ("kan inte ligga ner får ingen luft det bubblar i bröstet hjärtsvikt sedan 2020",
     "acute_heart_failure"),
    # A plan and the means at hand.
    ("Har 40 tabletter som jag sparat. Jag har det bestämt, i kväll.", "suicidal_acute"),
    # "ska åka hem" is no care visit that has already seen to it.
    ("Kollega gravid i v 24 ramlade på magen. Nu blöder hon, men hon säger att hon ska åka hem"
     " och vila.", "bleeding_in_pregnancy"),
    ("Min dotter 16 mån har fått tag i mormors dosett och vi vet inte vad hon ätit.",
     "ingested_battery_or_poison_child"),
]

NOT_ACUTE = [
    # Coughed up at once: the choking is over.
    "Sonen 5 år satte i halsen med en vindruva men hostade upp den direkt, nu leker han.",
    # The magnet came out after the X-ray visit.
    "Min son 2 år svalde en magnet i går, vi åkte till sjukhuset och röntgen, den kom ut i"
    " blöjan i dag. Han mår bra.",
    # Read about it.
    "Såg ett inlägg om ett barn som slutade andas av svullen hals. Hur vet man när det är"
    " farligt?",
    # Two summers ago.
    "Fick en anafylaktisk chock av en geting för två somrar sen. Pennorna har gått ut, kan ni"
    " skriva nya?",
    # Low ketones are fine.
    "Typ 1 och magsjuk, men sockret ligger 8-11 och ketonerna 0,2. Tips på insulin?",
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
def test_over_or_asked_is_no_catalogue_emergency(router: Router, text: str) -> None:
    # The catalogue's screen (the learned detector weighs the whole text on its own).
    _, assessment = router.assess(text)
    assert assessment.level != "akut", [f.presentation.id for f in assessment.findings]


def test_a_child_age_is_read_only_after_a_child(router: Router) -> None:
    _, child = router.assess("Min brorson 3 år har feber.")
    _, adult = router.assess("Jag har haft diabetes i 3 år och har feber.")
    assert "child" in child.current
    assert "child" not in adult.current
