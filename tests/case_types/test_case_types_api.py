"""Case types end to end: templates copied and edited, versions kept, forms checked per
field with nothing stored on error, answers summarised for staff and routed."""

from __future__ import annotations

from tests.case_types.support import copy_template, problems, start
from tests.support.flows import count_rows


async def test_a_unit_copies_a_template_and_a_patient_starts_it(server):
    demo = server.demo
    lars, anna, sara = (
        await server.login("lars"),
        await server.login("anna"),
        await server.login("sara"),
    )
    templates = await lars.ok("GET", "/api/v1/case-type-templates")
    assert {t["key"] for t in templates} == {
        "kontakt",
        "infor_besok",
        "fornya_recept",
        "lakemedelsgenomgang",
        "fast_vardkontakt",
    }
    recept = await copy_template(lars, demo.unit_id, "fornya_recept")
    assert recept["version"] == 1 and recept["template_key"] == "fornya_recept"
    offered = await anna.ok("GET", f"/api/v1/patients/{demo.patients['anna']}/case-types")
    assert [c["name"] for c in offered] == ["Förnya recept"]

    status, result = await start(
        anna,
        recept["id"],
        demo.patients["anna"],
        {"lakemedel": "Levaxin 50 mikrogram", "tabletter_kvar": 10, "forandring": False},
    )
    assert status == 201, result
    thread = result["thread"]
    assert thread["case_type"] == "fornya_recept" and thread["subject"] == "Förnya recept"
    assert thread["attachments_allowed"] is False  # the case type offers no files
    assert "Hur många doser har du kvar?: 10 st" in result["message"]["body"]
    assert "Har något förändrats" in result["message"]["body"]
    assert result["form"]["items"][0]["answer"] == "Levaxin 50 mikrogram"
    # No team on the case type, open to every listed patient: routed (here without the
    # model, so to the unit's triage team).
    assert thread["team"]["id"] == str(demo.teams["triage"])

    form = await sara.ok("GET", f"/api/v1/threads/{thread['id']}/case-form")
    answers = {i["key"]: i["answer"] for i in form["items"]}
    assert answers["forandring"] == "Nej" and answers["dosering"] is None
    assert form["case_type"]["version"] == 1


async def test_bad_answers_get_one_error_per_field_and_store_nothing(server):
    demo = server.demo
    lars, anna = await server.login("lars"), await server.login("anna")
    recept = await copy_template(lars, demo.unit_id, "fornya_recept")
    before = await count_rows(server)
    status, body = await start(
        anna,
        recept["id"],
        demo.patients["anna"],
        {
            "lakemedel": "rad ett\nrad två",
            "tabletter_kvar": 2.5,
            "forandring": "kanske",
            "apotek": "brevduva",
            "okand": 1,
        },
    )
    assert status == 422, body
    assert body["error"]["reason"] == "form_invalid"
    assert problems(body) == {
        "lakemedel": "one_line",
        "tabletter_kvar": "not_an_integer",
        "forandring": "not_yes_no",
        "apotek": "invalid_choice",
        "okand": "unknown_field",
    }
    status, body = await start(anna, recept["id"], demo.patients["anna"], {})
    assert status == 422 and problems(body) == {"lakemedel": "required", "forandring": "required"}
    assert await count_rows(server) == before
    assert "brevduva" not in str(body)  # input is never echoed


async def test_an_edit_is_a_new_version_and_threads_keep_theirs(server):
    demo = server.demo
    lars, anna, sara = (
        await server.login("lars"),
        await server.login("anna"),
        await server.login("sara"),
    )
    kontakt = await copy_template(lars, demo.unit_id, "kontakt")
    status, first = await start(
        anna,
        kontakt["id"],
        demo.patients["anna"],
        {"arende": "Jag undrar över mina provsvar.", "kontaktsatt": "meddelande"},
    )
    assert status == 201, first
    definition = {
        "name": "Kontakta din fasta vårdkontakt",
        "audience": "care_contact",
        "response_time_hours": 24,
        "fields": [
            {"key": "fraga", "type": "long_text", "label": "Din fråga", "required": True},
            {"key": "ar_gravid", "type": "yes_no", "label": "Är du gravid?"},
        ],
    }
    edited = await lars.ok("PUT", f"/api/v1/case-types/{kontakt['id']}", {"definition": definition})
    assert edited["version"] == 2 and [f["key"] for f in edited["fields"]] == ["fraga", "ar_gravid"]
    versions = await sara.ok("GET", f"/api/v1/case-types/{kontakt['id']}/versions")
    assert [v["version"] for v in versions] == [1, 2]

    old = await sara.ok("GET", f"/api/v1/threads/{first['thread']['id']}/case-form")
    assert old["case_type"]["version"] == 1
    assert [i["key"] for i in old["items"]] == ["arende", "besvar_sedan", "kontaktsatt", "filer"]
    status, body = await start(
        anna, kontakt["id"], demo.patients["anna"], {"arende": "gamla formuläret"}
    )
    assert status == 422 and problems(body) == {"arende": "unknown_field", "fraga": "required"}
    status, second = await start(anna, kontakt["id"], demo.patients["anna"], {"fraga": "Ny fråga"})
    assert status == 201 and second["form"]["case_type"]["version"] == 2


async def test_only_unit_administrators_edit_and_only_their_unit(server):
    demo = server.demo
    sara, olle, lars = (
        await server.login("sara"),
        await server.login("olle"),
        await server.login("lars"),
    )
    status, body = await sara.post(
        f"/api/v1/units/{demo.unit_id}/case-types", {"key": "kontakt", "template_key": "kontakt"}
    )
    assert status == 404, body  # not an administrator: the unit is not hers to edit
    kontakt = await copy_template(lars, demo.unit_id, "kontakt")
    status, _ = await olle.request(
        "PUT",
        f"/api/v1/case-types/{kontakt['id']}",
        {"definition": {"name": "X", "fields": [{"key": "a", "type": "yes_no", "label": "A"}]}},
    )
    assert status == 404  # another unit's case type does not exist for him
    status, body = await lars.post(
        f"/api/v1/units/{demo.unit_id}/case-types", {"key": "kontakt", "template_key": "kontakt"}
    )
    assert status == 409
    status, body = await lars.post(
        f"/api/v1/units/{demo.unit_id}/case-types",
        {
            "key": "trasig",
            "definition": {
                "name": "Trasig",
                "fields": [
                    {
                        "key": "val",
                        "type": "single_choice",
                        "label": "Välj",
                        "options": [{"value": "a", "label": "A"}],
                    },
                    {"key": "val", "type": "number", "label": "Tal", "min": 5, "max": 1},
                ],
            },
        },
    )
    assert status == 422, body
    assert len(body["error"]["details"]["errors"]) >= 2


async def test_audience_decides_who_may_start(server):
    demo = server.demo
    lars, anna, bertil = (
        await server.login("lars"),
        await server.login("anna"),
        await server.login("bertil"),
    )
    besok = await copy_template(lars, demo.unit_id, "infor_besok")  # sent only
    anmal = await copy_template(lars, demo.unit_id, "fast_vardkontakt")  # every listed patient
    offered = await bertil.ok("GET", f"/api/v1/patients/{demo.patients['bertil']}/case-types")
    assert [c["key"] for c in offered] == ["fast_vardkontakt"]
    status, _ = await start(bertil, besok["id"], demo.patients["bertil"], {"ta_upp": "x"})
    assert status == 404
    # Anna may not start anything for Bertil.
    status, _ = await start(anna, anmal["id"], demo.patients["bertil"], {"varfor": "x"})
    assert status == 404
    await lars.ok("POST", f"/api/v1/case-types/{anmal['id']}/active", {"active": False})
    assert await bertil.ok("GET", f"/api/v1/patients/{demo.patients['bertil']}/case-types") == []
