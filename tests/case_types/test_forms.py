"""The form rules themselves, at the service level: every field type, bad input and limits."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from chat.case_types.forms import FieldDef, summary, validate_answers
from chat.case_types.templates import Definition, templates
from chat.errors import NaraError

TODAY = date(2026, 12, 1)
FIELDS = [
    FieldDef(key="kort", type="short_text", label="Kort", required=True, max_length=10),
    FieldDef(key="lang", type="long_text", label="Lång"),
    FieldDef(
        key="ett",
        type="single_choice",
        label="Ett",
        options=[{"value": "a", "label": "A"}, {"value": "b", "label": "B"}],
    ),
    FieldDef(
        key="flera",
        type="multiple_choice",
        label="Flera",
        min_selected=1,
        max_selected=2,
        options=[{"value": x, "label": x.upper()} for x in "abc"],
    ),
    FieldDef(key="ja", type="yes_no", label="Ja eller nej"),
    FieldDef(key="tal", type="number", label="Tryck", unit="mmHg", min=40, max=300, integer=True),
    FieldDef(key="vikt", type="number", label="Vikt", unit="kg", min=0.5),
    FieldDef(key="sedan", type="date", label="Sedan", dates="past"),
    FieldDef(key="nar", type="date", label="När", dates="future"),
    FieldDef(key="filer", type="file", label="Filer", max_files=2),
]


def check(answers, files=True):
    return validate_answers(FIELDS, answers, today=TODAY, files_allowed=files)


def errors(answers, files=True):
    with pytest.raises(NaraError) as caught:
        check(answers, files)
    assert caught.value.reason == "form_invalid"
    return {e["field"]: e["problem"] for e in caught.value.details["errors"]}


def test_good_answers_are_cleaned_and_summarised():
    clean = check(
        {
            "kort": "  hej  ",
            "lang": "rad ett\nrad två",
            "ett": "b",
            "flera": ["c", "a"],
            "ja": True,
            "tal": 135.0,
            "vikt": 72.5,
            "sedan": "2026-11-30",
            "nar": "2026-12-01",
            "filer": ["2b7e1a4e-6c1f-4d3e-9a43-5d8c7f0e1a2b"],
        }
    )
    assert clean["kort"] == "hej" and clean["flera"] == ["a", "c"] and clean["tal"] == 135
    text = summary("Formulär", FIELDS, clean)
    assert text.splitlines()[0] == "Formulär"
    for line in (
        "Kort: hej",
        "Ett: B",
        "Flera: A, C",
        "Ja eller nej: Ja",
        "Tryck: 135 mmHg",
        "Vikt: 72,5 kg",
        "Sedan: 30 november 2026",
        "Filer: 1 fil bifogade",
    ):
        assert line in text
    assert "Lång\nrad ett\nrad två" in text


def test_every_type_refuses_bad_input_with_its_own_problem():
    assert errors(
        {
            "kort": "x" * 11,
            "lang": 5,
            "ett": "c",
            "flera": ["a", "a"],
            "ja": "ja",
            "tal": 20,
            "vikt": float("nan"),
            "sedan": "2026-12-02",
            "nar": "2026-11-30",
            "filer": ["inte-ett-id"],
        }
    ) == {
        "kort": "too_long",
        "lang": "not_text",
        "ett": "invalid_choice",
        "flera": "invalid_choice",
        "ja": "not_yes_no",
        "tal": "too_small",
        "vikt": "not_a_number",
        "sedan": "date_in_future",
        "nar": "date_in_past",
        "filer": "not_files",
    }
    assert errors({"kort": "a", "flera": ["a", "b", "c"], "tal": 301, "sedan": "2026-02-30"}) == {
        "flera": "selection_count",
        "tal": "too_large",
        "sedan": "not_a_date",
    }
    assert errors({"kort": "a", "tal": 120.5, "ja": 1, "vikt": True}) == {
        "tal": "not_an_integer",
        "ja": "not_yes_no",
        "vikt": "not_a_number",
    }
    ids = [f"2b7e1a4e-6c1f-4d3e-9a43-5d8c7f0e1a2{i}" for i in range(3)]
    assert errors({"kort": "a", "filer": ids}) == {"filer": "too_many_files"}
    assert errors({"kort": "a", "filer": ids[:1]}, files=False) == {"filer": "files_later"}
    assert errors({"kort": "   ", "extra": "x"}) == {"kort": "required", "extra": "unknown_field"}


def test_definitions_are_checked_when_written():
    bad = [
        {
            "key": "a",
            "type": "single_choice",
            "label": "A",
            "options": [{"value": "x", "label": "X"}],
        },
        {"key": "b", "type": "number", "label": "B", "min": 3, "max": 1},
        {"key": "c", "type": "yes_no", "label": "C", "options": [{"value": "x", "label": "X"}]},
        {"key": "d", "type": "short_text", "label": "D", "max_length": 501},
        {"key": "e", "type": "file", "label": "E", "required": True},
        {
            "key": "f",
            "type": "multiple_choice",
            "label": "F",
            "max_selected": 3,
            "options": [{"value": "x", "label": "X"}, {"value": "y", "label": "Y"}],
        },
        {"key": "Ogiltig", "type": "yes_no", "label": "G"},
        {"key": "h", "type": "signature", "label": "H"},
    ]
    for field in bad:
        with pytest.raises(ValidationError):
            FieldDef.model_validate(field)
    with pytest.raises(ValidationError):
        Definition(name="Dubbel", fields=[{"key": "a", "type": "yes_no", "label": "A"}] * 2)
    with pytest.raises(ValidationError):  # files need attachments on
        Definition(name="Filer", fields=[{"key": "f", "type": "file", "label": "F"}])


def test_the_five_national_templates_are_valid_and_swedish():
    shipped = templates()
    assert set(shipped) == {
        "kontakt",
        "infor_besok",
        "fornya_recept",
        "lakemedelsgenomgang",
        "fast_vardkontakt",
    }
    besok = shipped["infor_besok"]
    helpers = next(f for f in besok.fields if f.key == "hjalp_av")
    assert [o.label for o in helpers.options or []][:4] == [
        "Kurator",
        "Dietist",
        "Tobaksavvänjare",
        "Sjukgymnast (fysioterapeut)",
    ]
    assert any(f.type == "file" for f in shipped["kontakt"].fields)
