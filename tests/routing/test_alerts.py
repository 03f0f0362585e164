"""Acute alerts: they name the patient (never the personnummer), stay open across reloads for
the whole unit, and are acknowledged once, in the thread and live."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from chat.models import AcuteAlert, Patient
from server.demo import STAFF
from server.keys import DB
from tests.support.flows import history, send, start_thread

ACUTE = "Min pappa har plötsligt blivit sned i ansiktet och kan inte prata, armen är helt slapp"
ROUTINE = "Jag vill förnya mitt recept på Levaxin"


def _is_ack(e):
    return (e["message"]["event"] or {}).get("type") == "alert_acknowledged"


async def _personnummer(server, patient_id) -> str:
    async with server.app[DB].read() as store:
        patient = await store.session.get(Patient, patient_id)
        assert patient is not None
        return patient.personnummer


async def _acute_thread(server, who: str = "anna"):
    client = await server.login(who)
    started = await start_thread(client, server.demo.patients[who], None, body=ACUTE)
    assert started["emergency"] is not None
    return client, started["thread"]["id"]


def _team_member(thread_view) -> str:
    """A staff member of the team that owns the thread (routing chooses the team)."""
    key = thread_view["team"]["key"]
    return next(u for u, (_, _, teams, _) in STAFF.items() if key in teams)


async def test_the_alert_names_the_patient_and_the_presentation_never_the_personnummer(server):
    sara, fia = await server.login("sara"), await server.login("fia")
    sara_live, fia_live = await server.socket(sara), await server.socket(fia)
    anna, thread_id = await _acute_thread(server)

    alert = await sara_live.wait_for("acute_alert", lambda e: e["thread_id"] == thread_id)
    assert alert["patient"]["name"] == "Anna Andersson"
    assert alert["patient"]["id"] == str(server.demo.patients["anna"])
    assert alert["presentation_name"] and alert["presentation"]
    assert alert["state"] == "open" and uuid.UUID(alert["id"])
    assert alert["unit_id"] == str(server.demo.unit_id)
    assert alert["reasons"]
    # The whole unit is alerted, also staff of another team (Fia, rehab).
    assert (await fia_live.wait_for("acute_alert"))["id"] == alert["id"]

    pnr = await _personnummer(server, server.demo.patients["anna"])
    listed = await sara.ok("GET", "/api/v1/alerts")
    for where in (str(alert), str(listed)):
        assert pnr not in where and pnr.replace("-", "") not in where and pnr[2:] not in where
        assert pnr[:8] not in where  # not even the birth date part


async def test_alerts_are_listed_for_the_unit_and_acknowledged_once(server):
    demo = server.demo
    sara, lars, fia = [await server.login(u) for u in ("sara", "lars", "fia")]
    olle, maja = await server.login("olle"), await server.login("maja")
    lars_live = await server.socket(lars)
    fia_live = await server.socket(fia)

    anna, thread_id = await _acute_thread(server)
    anna_live = await server.socket(anna)
    raised = await lars_live.wait_for("acute_alert", lambda e: e["thread_id"] == thread_id)
    alert_id = raised["id"]
    owner = await server.login(_team_member(await anna.ok("GET", f"/api/v1/threads/{thread_id}")))
    owner_live = await server.socket(owner)

    # Open alerts survive a reload: the REST list has them for every member of the unit.
    for member in (sara, lars, fia):
        listed = await member.ok("GET", "/api/v1/alerts")
        assert [a["id"] for a in listed] == [alert_id]
        assert listed[0]["patient"]["name"] == "Anna Andersson"
        assert listed[0]["presentation_name"] == raised["presentation_name"]
    # Outside the unit: nothing to list, and an alert id answers like a missing one.
    assert await olle.ok("GET", "/api/v1/alerts") == []
    assert await maja.ok("GET", "/api/v1/alerts") == []
    for outsider in (olle, maja, anna):
        status, body = await outsider.post(f"/api/v1/alerts/{alert_id}/ack")
        assert status == 404 and body["error"]["code"] == "not_found", (status, body)
    status, body = await sara.post(f"/api/v1/alerts/{uuid.uuid4()}/ack")
    assert (status, body["error"]["code"]) == (404, "not_found")
    status, body = await anna.get("/api/v1/alerts")
    assert status == 403  # staff only, like /teams
    status, _ = await server.anonymous().get("/api/v1/alerts")
    assert status == 401

    acked = await sara.ok("POST", f"/api/v1/alerts/{alert_id}/ack")
    assert acked["id"] == alert_id and acked["state"] == "acknowledged"
    assert acked["acknowledged_by"]["name"] == "Sara Lind" and acked["acknowledged_at"]

    # Live: the unit's banners go away; the thread gets the acknowledgement.
    gone = await fia_live.wait_for("alert_acknowledged", lambda e: e["id"] == alert_id)
    assert gone["state"] == "acknowledged" and gone["acknowledged_by"]["name"] == "Sara Lind"
    await lars_live.wait_for("alert_acknowledged", lambda e: e["id"] == alert_id)
    note = await anna_live.wait_for("message", _is_ack)
    assert note["message"]["body"] == "Larmet kvitterat av Sara Lind."
    assert note["message"]["event"]["alert_id"] == alert_id
    await owner_live.wait_for("message", _is_ack)  # the owning team sees it in the thread

    # Twice (also by someone else): the acknowledged state, and no second message.
    again = await sara.ok("POST", f"/api/v1/alerts/{alert_id}/ack")
    assert again["state"] == "acknowledged" and again["acknowledged_at"] == acked["acknowledged_at"]
    by_lars = await lars.ok("POST", f"/api/v1/alerts/{alert_id}/ack")
    assert by_lars["acknowledged_by"]["name"] == "Sara Lind"
    messages = await history(anna, thread_id)
    acks = [m for m in messages if (m["event"] or {}).get("type") == "alert_acknowledged"]
    assert len(acks) == 1 and acks[0]["kind"] == "system"
    assert acks[0]["author"]["name"] == "Sara Lind"
    assert len([e for e in fia_live.events["alert_acknowledged"] if e["id"] == alert_id]) == 1

    assert await sara.ok("GET", "/api/v1/alerts") == []
    async with server.app[DB].read() as store:
        row = await store.session.get(AcuteAlert, uuid.UUID(alert_id))
        assert row is not None and row.acknowledged_by == demo.users["sara"]


async def test_a_second_acute_message_renews_the_open_alert(server):
    sara = await server.login("sara")
    sara_live = await server.socket(sara)
    anna = await server.login("anna")
    started = await start_thread(anna, server.demo.patients["anna"], None, body=ROUTINE)
    thread_id = started["thread"]["id"]
    await send(anna, thread_id, ACUTE)
    first = await sara_live.wait_for("acute_alert", lambda e: e["thread_id"] == thread_id)
    await send(anna, thread_id, ACUTE + ", nu kan han inte stå heller")
    await sara_live.wait_for("acute_alert", lambda e: len(sara_live.events["acute_alert"]) >= 2)
    ids = {e["id"] for e in sara_live.events["acute_alert"]}
    assert ids == {first["id"]}  # one alert until someone acknowledges it
    assert [a["id"] for a in await sara.ok("GET", "/api/v1/alerts")] == [first["id"]]

    await sara.ok("POST", f"/api/v1/alerts/{first['id']}/ack")
    await send(anna, thread_id, ACUTE)
    await sara_live.wait_for("acute_alert", lambda e: e["id"] != first["id"])
    listed = await sara.ok("GET", "/api/v1/alerts")
    assert len(listed) == 1 and listed[0]["id"] != first["id"]
    async with server.app[DB].read() as store:
        rows = list(await store.session.scalars(select(AcuteAlert)))
    assert sorted(r.state for r in rows) == ["acknowledged", "open"]


async def test_a_routine_message_raises_no_alert(server):
    sara = await server.login("sara")
    sara_live = await server.socket(sara)
    anna = await server.login("anna")
    started = await start_thread(anna, server.demo.patients["anna"], None, body=ROUTINE)
    await send(anna, started["thread"]["id"], ROUTINE)
    await sara_live.wait_for("message", lambda e: e["message"]["seq"] == 2)
    assert sara_live.events["acute_alert"] == []
    assert await sara.ok("GET", "/api/v1/alerts") == []
