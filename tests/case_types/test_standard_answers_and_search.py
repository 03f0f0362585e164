"""Standard answers with placeholders, patient search for starting a thread, inbox search;
every staff read that shows a patient goes to the access log."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from chat.models import AccessLogEntry
from server.demo import pnr
from server.keys import DB
from tests.case_types.support import copy_template, start
from tests.support.flows import cid, start_thread


async def _actions(server, staff_id):
    async with server.app[DB].read() as store:
        rows = await store.session.scalars(
            select(AccessLogEntry).where(AccessLogEntry.staff_user_id == staff_id)
        )
        return [(r.action, r.patient_id) for r in rows]


async def test_standard_answers_fill_in_the_patient_and_the_unit(server):
    demo = server.demo
    lars, sara, anna = (
        await server.login("lars"),
        await server.login("sara"),
        await server.login("anna"),
    )
    unit = f"/api/v1/units/{demo.unit_id}"
    await lars.ok("PUT", f"{unit}/phone-hours", {"text": "vardagar 8–10"})
    made = await lars.ok(
        "POST",
        f"{unit}/standard-answers",
        {
            "title": "Recept förnyat",
            "body": "Hej {förnamn}! Receptet är förnyat. Ring oss {telefontider}. "
            "/{mitt_namn}, {enhet}",
        },
    )
    status, body = await lars.post(
        f"{unit}/standard-answers", {"title": "Trasig", "body": "Hej {efternamn}"}
    )
    assert status == 422 and body["error"]["reason"] == "unknown_placeholder"
    status, _ = await sara.post(f"{unit}/standard-answers", {"title": "X", "body": "Y"})
    assert status == 404  # only administrators edit
    assert [a["title"] for a in await sara.ok("GET", f"{unit}/standard-answers")] == [
        "Recept förnyat"
    ]

    thread = (await start_thread(anna, demo.patients["anna"], demo.care_contacts["anna"]))["thread"]
    [filled] = await sara.ok("GET", f"/api/v1/threads/{thread['id']}/standard-answers")
    assert filled["filled"] == (
        "Hej Anna! Receptet är förnyat. Ring oss vardagar 8–10. /Sara Lind, Vårdcentralen Nära"
    )
    assert ("standard_answers.read", demo.patients["anna"]) in await _actions(
        server, demo.users["sara"]
    )
    edited = await lars.ok(
        "PUT",
        f"{unit}/standard-answers/{made['id']}",
        {"title": "Recept", "body": "Klart, {förnamn}."},
    )
    assert edited["title"] == "Recept"
    status, _ = await anna.get(f"/api/v1/threads/{thread['id']}/standard-answers")
    assert status == 403
    await lars.ok("DELETE", f"{unit}/standard-answers/{made['id']}")
    assert await sara.ok("GET", f"{unit}/standard-answers") == []


async def test_staff_find_their_patients_and_start_a_thread(server):
    demo = server.demo
    sara, olle, anna = (
        await server.login("sara"),
        await server.login("olle"),
        await server.login("anna"),
    )
    hits = await sara.ok("GET", "/api/v1/directory/patients", params={"q": "anders"})
    assert {h["name"] for h in hits} == {"Anna Andersson", "Elsa Andersson"}
    assert "personnummer" not in hits[0]
    number = pnr("19850312123")
    by_number = await sara.ok("GET", "/api/v1/directory/patients", params={"q": number})
    assert [h["name"] for h in by_number] == ["Anna Andersson"]
    # Another unit's staff find nobody of ours, and a name search needs two letters.
    assert await olle.ok("GET", "/api/v1/directory/patients", params={"q": "anna"}) == []
    status, _ = await sara.get("/api/v1/directory/patients", params={"q": "a"})
    assert status == 422
    logged = await _actions(server, demo.users["sara"])
    assert ("patients.search", demo.patients["anna"]) in logged

    started = await sara.ok(
        "POST",
        "/api/v1/threads",
        {
            "patient_id": str(demo.patients["anna"]),
            "subject": "Provsvar",
            "team_id": str(demo.teams["allman"]),
            "message": {"client_id": cid(), "body": "Hej Anna, dina provsvar är bra."},
        },
    )
    mine = (await anna.ok("GET", "/api/v1/threads"))["threads"]
    assert started["thread"]["id"] in [t["id"] for t in mine]


@pytest.mark.slow
async def test_inbox_search_by_name_subject_case_type_and_status(server):
    demo = server.demo
    lars, sara, anna, bertil, olle = (
        await server.login("lars"),
        await server.login("sara"),
        await server.login("anna"),
        await server.login("bertil"),
        await server.login("olle"),
    )
    recept = await copy_template(lars, demo.unit_id, "fornya_recept")
    await start(
        anna, recept["id"], demo.patients["anna"], {"lakemedel": "Levaxin", "forandring": False}
    )
    await start_thread(bertil, demo.patients["bertil"], demo.care_contacts["bertil"])

    def ids(result):
        return [t["patient"]["name"] for t in result["threads"]]

    search = "/api/v1/inbox/search"
    assert ids(await sara.ok("GET", search, params={"q": "bertil"})) == ["Bertil Nilsson"]
    assert ids(await sara.ok("GET", search, params={"q": "förnya"})) == ["Anna Andersson"]
    assert ids(await sara.ok("GET", search, params={"case_type": "fornya_recept"})) == [
        "Anna Andersson"
    ]
    assert len((await sara.ok("GET", search, params={"status": "open"}))["threads"]) == 2
    assert ids(await sara.ok("GET", search, params={"status": "closed"})) == []
    assert ids(await olle.ok("GET", search, params={"q": "anna"})) == []
    status, _ = await anna.get(search, params={"q": "x"})
    assert status == 403
    logged = await _actions(server, demo.users["sara"])
    assert ("threads.search", demo.patients["bertil"]) in logged
