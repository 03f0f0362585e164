"""Personnummer (valid Luhn only) and Swedish phone numbers are found and masked."""

from __future__ import annotations

import pytest

from nlp import Router, find_personal_data, mask_personal_data
from nlp.pii import luhn_ok


@pytest.mark.parametrize("pnr", ["19121212-1212", "121212-1212", "1212121212", "121212+1212",
                                 "191212121212"])
def test_valid_personnummer_found(pnr: str) -> None:
    text = f"Mitt personnummer är {pnr}, tack."
    spans = find_personal_data(text)
    assert [(text[s.start:s.end], s.kind) for s in spans] == [(pnr, "personnummer")]
    assert mask_personal_data(text) == "Mitt personnummer är [personnummer], tack."


@pytest.mark.parametrize("number", ["121212-1213", "19121212-1211", "8501019998"])
def test_failing_luhn_is_not_personnummer(number: str) -> None:
    assert all(s.kind != "personnummer" for s in find_personal_data(f"nr {number}"))


@pytest.mark.parametrize("phone", ["070-123 45 67", "0701234567", "+46 70 123 45 67",
                                   "+46701234567", "08-123 456 78", "031-12 34 56",
                                   "0046 70 123 45 67"])
def test_phone_numbers_found(phone: str) -> None:
    text = f"Ring mig på {phone} efter lunch."
    assert mask_personal_data(text) == "Ring mig på [telefonnummer] efter lunch."


def test_ordinary_numbers_are_not_personal_data() -> None:
    text = "Blodtrycket var 150/95 den 2024-05-12 kl 08.30, Hb 108, 0,5 mg, HbA1c 58."
    assert find_personal_data(text) == ()


def test_luhn() -> None:
    assert luhn_ok("1212121212")
    assert not luhn_ok("1212121213")


def test_router_reports_spans_and_masks_reasons(router: Router) -> None:
    text = "Förnya receptet 070-123 45 67 och 19121212-1212 recept"
    d = router.route(text)
    assert [s.kind for s in d.pii_spans] == ["telefonnummer", "personnummer"]
    joined = " ".join(d.reasons)
    assert "1212" not in joined and "45 67" not in joined


def test_reasons_never_contain_personal_data_even_in_red_flags(router: Router) -> None:
    d = router.route("Ring 0701234567! Pappa 19121212-1212 har ont i bröstet och är andfådd")
    assert d.urgency == "akut"
    assert "0701234567" not in " ".join(d.reasons)
    assert "19121212" not in " ".join(d.reasons)
