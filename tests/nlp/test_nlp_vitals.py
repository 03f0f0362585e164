"""Numbers read as findings (nlp/vitals.py): measured values out of range, amounts taken."""

from __future__ import annotations

import pytest

from nlp import Router
from nlp.vitals import amounts, readings


def found(text: str) -> set[str]:
    words = tuple(text.split())
    return {c for c, _ in readings(words)} | {c for c, _, _ in amounts(words)}


@pytest.mark.parametrize(
    ("text", "concepts"),
    [
        ("bt 215/125 matt tre ggr", {"very_high_bp", "high_bp", "bp_reading_high"}),
        ("blodtrycket 165/95 i morse", {"high_bp", "bp_reading_high"}),
        ("bt 85/50 och blek", {"low_bp"}),
        ("mataren visar 1,9", {"low_blood_sugar"}),
        ("sockret 2,1 och libren 2,3 mmol", {"low_blood_sugar"}),
        ("blodsocker 25 hela kvallen", {"high_blood_sugar"}),
        ("saturation 88 % och puls 134", {"low_oxygen", "fast_pulse"}),
        ("pulsen har legat pa 34-36", {"slow_pulse"}),
        ("jag har tagit 16 tabletter alvedon", {"overdose"}),
        ("tog alvedon hela dagen kanske 8 gram totalt", {"overdose"}),
    ],
)
def test_out_of_range_values_and_amounts_are_findings(text: str, concepts: set[str]) -> None:
    assert found(text) == concepts


@pytest.mark.parametrize(
    "text",
    [
        "bt 125/80 som vanligt",  # normal
        "tiden den 12/11 passar",  # a date, not a pressure
        "blodsocker 6,2 i morse",  # normal sugar
        "pappa 88 ar och sat bra",  # an age next to "sat"
        "tar 2,5 mg varje dag",  # a dose
        "jag har 20 tabletter kvar",  # not taken
        "har tagit 14 tabletter pa tva veckor",  # a fortnight's doses
        "sat 96 och puls 72",  # normal values
    ],
)
def test_normal_values_dates_doses_and_stock_are_not(text: str) -> None:
    assert found(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "BT 215/125 mätt tre ggr nu. Huvudet sprängs och jag ser flimmer på ena ögat.",
        "Min man har diabetes, nu är han konstig och förvirrad, mätaren visar 1,9.",
        "Jag har tagit 20 Alvedon sedan i går och mår illa.",
    ],
)
def test_a_measured_emergency_routes_akut(router: Router, text: str) -> None:
    assert router.route(text).urgency == "akut"
