"""Invånarärende: staff send a case type to a guardian for a child, it shows with its own
state, files are bound with the answer, a reminder goes out through the outbox if unanswered."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from chat.models import utcnow
from server.case_types import REMINDER
from tests.attachments.corpus import small_pdf
from tests.attachments.flows import upload_ok
from tests.case_types.support import copy_template, problems
from tests.notifications.support import outbox, release_deferred
from tests.support.flows import cid

pytestmark = pytest.mark.slow


@pytest.fixture
def notify_overrides():
    return {"notify_window_s": 1}  # one notice per thread per second: the reminder goes out


async def _send(server, staff, case_type_id, patient, **extra):
    return await staff.ok(
        "POST",
        f"/api/v1/case-types/{case_type_id}/requests",
        {"patient_id": str(patient), "client_id": cid(), **extra},
    )


async def test_a_form_sent_for_a_child_is_answered_by_the_guardian(nserver, mail):
    demo = nserver.demo
    lars, bodil, anna = (
        await nserver.login("lars"),
        await nserver.login("bodil"),
        await nserver.login("anna"),
    )
    besok = await copy_template(lars, demo.unit_id, "infor_besok")
    planned = (utcnow() + timedelta(days=7)).replace(microsecond=0)
    sent = await _send(
        nserver,
        bodil,
        besok["id"],
        demo.patients["elsa"],
        team_id=str(demo.teams["bvc"]),
        planned_at=planned.isoformat(),
        note="Ta gärna med vaccinationskortet.",
    )
    thread = sent["thread"]
    assert (
        thread["status"] == "waiting_for_patient" and thread["patient"]["name"] == "Elsa Andersson"
    )
    assert "ber dig fylla i formuläret ”Frågor inför planerat besök”" in sent["message"]["body"]
    [notice] = await mail.wait_for(1)  # the guardian is told that something is new
    assert notice.rcpt == ["anna@example.se"] and "Frågor" not in notice.body

    [request] = await anna.ok("GET", "/api/v1/case-requests")
    assert request["state"] == "sent" and request["thread_id"] == thread["id"]
    assert request["patient"]["name"] == "Elsa Andersson"
    form = await anna.ok("GET", f"/api/v1/threads/{thread['id']}/case-form")
    assert form["request_state"] == "sent" and form["items"] == []
    assert [f["key"] for f in form["case_type"]["fields"]][:2] == ["ta_upp", "forvantningar"]

    path = f"/api/v1/case-requests/{request['id']}/answer"
    status, body = await anna.post(
        path, {"client_id": cid(), "answers": {"hjalp_av": ["trollkarl"]}}
    )
    assert status == 422 and problems(body) == {"ta_upp": "required", "hjalp_av": "invalid_choice"}
    [uploaded] = await upload_ok(anna, thread["id"], [small_pdf()])
    answered = await anna.ok(
        "POST",
        path,
        {
            "client_id": cid(),
            "answers": {
                "ta_upp": "Elsa sover dåligt.",
                "hjalp_av": ["dietist", "kurator"],
                "filer": [uploaded["id"]],
            },
        },
    )
    assert [a["id"] for a in answered["message"]["attachments"]] == [uploaded["id"]]
    assert "Jag vill ha hjälp av: Kurator, Dietist" in answered["message"]["body"]
    assert answered["form"]["request_state"] == "answered"
    [request] = await anna.ok("GET", "/api/v1/case-requests")
    assert request["state"] == "answered"
    status, _ = await anna.post(path, {"client_id": cid(), "answers": {"ta_upp": "igen"}})
    assert status == 409
    staff_view = await bodil.ok("GET", f"/api/v1/threads/{thread['id']}/case-form")
    answers = {i["key"]: i["answer"] for i in staff_view["items"]}
    assert answers["filer"] == "1 fil bifogade" and answers["ta_upp"] == "Elsa sover dåligt."
    # Other patients cannot see or answer it.
    bertil = await nserver.login("bertil")
    assert await bertil.ok("GET", "/api/v1/case-requests") == []
    status, _ = await bertil.post(path, {"client_id": cid(), "answers": {"ta_upp": "x"}})
    assert status == 404


async def test_an_unanswered_form_is_reminded_once(nserver, mail):
    demo = nserver.demo
    lars, sara = await nserver.login("lars"), await nserver.login("sara")
    anmal = await copy_template(lars, demo.unit_id, "fast_vardkontakt")
    sent = await _send(nserver, sara, anmal["id"], demo.patients["anna"])
    await mail.wait_for(1)
    reminder = nserver.app[REMINDER]
    assert await reminder.run_once(utcnow() + timedelta(hours=1)) == 0  # not due yet
    later = utcnow() + timedelta(hours=73)
    assert await reminder.run_once(later) == 1
    assert await reminder.run_once(later + timedelta(hours=100)) == 0  # once only
    rows = [r for r in await outbox(nserver) if str(r.thread_id) == sent["thread"]["id"]]
    assert len(rows) == 2
    await asyncio.sleep(1.1)
    await release_deferred(nserver)
    got = await mail.wait_for(2)
    assert all(m.rcpt == ["anna@example.se"] for m in got)


async def test_only_staff_of_the_unit_send_and_a_meeting_must_be_the_patients(server):
    demo = server.demo
    lars, olle, anna = (
        await server.login("lars"),
        await server.login("olle"),
        await server.login("anna"),
    )
    anmal = await copy_template(lars, demo.unit_id, "fast_vardkontakt")
    path = f"/api/v1/case-types/{anmal['id']}/requests"
    body = {"patient_id": str(demo.patients["anna"]), "client_id": cid()}
    status, _ = await olle.post(path, body)
    assert status == 404
    status, _ = await anna.post(path, body)
    assert status == 404
    status, err = await lars.post(
        path, {**body, "meeting_id": "00000000-0000-4000-8000-000000000000"}
    )
    assert status == 404 and err["error"]["message"] == "meeting not found"
    status, _ = await lars.post(path, {**body, "patient_id": str(demo.patients["cecilia"])})
    assert status == 404  # no care relation with another unit's patient
