"""Directory search, consultations across organisations (who sees what, PDL log rows) and the
actions the server tells each client it may take."""

from __future__ import annotations

from sqlalchemy import select

from chat.models import AccessLogEntry
from server.keys import DB
from tests.support.flows import cid, history, send, start_thread

MANAGE = {"assign", "transfer", "set_status", "add_participant", "attachments_setting"}


async def _log(server, staff_id):
    async with server.app[DB].read() as store:
        rows = await store.session.scalars(
            select(AccessLogEntry).where(AccessLogEntry.staff_user_id == staff_id)
        )
        return [(r.action, r.thread_id, r.unit_id) for r in rows]


async def test_directory_finds_colleagues_in_every_organisation(server):
    demo = server.demo
    sara, anna = await server.login("sara"), await server.login("anna")
    hits = await sara.ok("GET", "/api/v1/directory/staff", params={"q": "maja"})
    assert hits == [
        {
            "id": str(demo.users["maja"]),
            "name": "Maja Kommun",
            "profession": "kommunsjuksköterska",
            "unit_id": hits[0]["unit_id"],
            "unit_name": "Hemsjukvården",
            "organisation_name": "Växjö kommun (demo)",
        }
    ]
    doctors = await sara.ok("GET", "/api/v1/directory/staff", params={"profession": "läkare"})
    assert {h["name"] for h in doctors} == {"Lars Berg", "Olle Väst"}
    west = await sara.ok(
        "GET", "/api/v1/directory/staff", params={"unit_id": str(demo.other_unit_id)}
    )
    assert [h["name"] for h in west] == ["Olle Väst"]
    assert await sara.ok("GET", "/api/v1/directory/staff", params={"q": "%"}) == []
    status, _ = await anna.get("/api/v1/directory/staff", params={"q": "sara"})
    assert status == 403  # patients have no directory


async def test_consultation_across_organisations(server):
    demo = server.demo
    anna, sara = await server.login("anna"), await server.login("sara")
    maja, olle = await server.login("maja"), await server.login("olle")
    source = (await start_thread(anna, demo.patients["anna"], demo.care_contacts["anna"]))["thread"]
    # Sara's team owns the thread and adds the municipal nurse to it.
    added = await sara.ok(
        "POST", f"/api/v1/threads/{source['id']}/participants", {"user_id": str(demo.users["maja"])}
    )
    assert MANAGE <= set(added["allowed_actions"]) and "reply_patient" in added["allowed_actions"]
    majas = await maja.ok("GET", f"/api/v1/threads/{source['id']}")
    assert not MANAGE & set(majas["allowed_actions"])  # no "Ta ärendet", no "Avsluta"
    assert {"reply", "internal_note", "consult"} <= set(majas["allowed_actions"])
    status, _ = await maja.post(f"/api/v1/threads/{source['id']}/status", {"status": "closed"})
    assert status == 403

    # The municipal nurse consults a GP at another health centre, without the patient.
    olle_live = await server.socket(olle)
    request = {
        "user_ids": [str(demo.users["olle"])],
        "subject": "Blodtrycket hos Anna",
        "message": {"client_id": cid(), "body": "Vad tycker du om 135/85?"},
    }
    path = f"/api/v1/threads/{source['id']}/consultations"
    opened = await maja.ok("POST", path, request)
    consult = opened["thread"]
    assert opened["duplicate"] is False
    # A resend (a lost answer, a double click) gets the stored consultation, not a second one;
    # the same id with another text is refused.
    again = await maja.ok("POST", path, request)
    assert again["duplicate"] is True and again["thread"]["id"] == consult["id"]
    changed = {**request, "message": {**request["message"], "body": "Något annat"}}
    status, _ = await maja.post(path, changed)
    assert status == 409
    assert opened["source_thread_id"] == source["id"]
    assert consult["patient_visible"] is False and consult["case_type"] == "konsultation"
    assert "reply_patient" not in consult["allowed_actions"]
    await olle_live.wait_for("thread_updated", lambda e: e["thread_id"] == consult["id"])

    inbox = (await olle.ok("GET", "/api/v1/threads"))["threads"]
    assert [t["id"] for t in inbox] == [consult["id"]]  # he sees the consultation only
    status, _ = await olle.get(f"/api/v1/threads/{source['id']}")
    assert status == 404
    olles = inbox[0]["allowed_actions"]
    assert "reply" in olles and not MANAGE & set(olles) and "reply_patient" not in olles
    assert [m["body"] for m in await history(olle, consult["id"])] == ["Vad tycker du om 135/85?"]
    await send(olle, consult["id"], "Rimligt, kontrollera igen om en vecka.")
    assert [m["body"] for m in await history(maja, consult["id"])][-1].startswith("Rimligt")

    # The patient never sees it; the owning team does, linked from the patient's thread.
    assert [t["id"] for t in (await anna.ok("GET", "/api/v1/threads"))["threads"]] == [source["id"]]
    status, _ = await anna.get(f"/api/v1/threads/{consult['id']}")
    assert status == 404
    linked = await sara.ok("GET", f"/api/v1/threads/{source['id']}/consultations")
    assert [t["id"] for t in linked] == [consult["id"]]

    # PDL: every read is in the log of the unit whose information it is (the health centre).
    olle_rows = await _log(server, demo.users["olle"])
    assert ("messages.read", consult["id"], demo.unit_id) in [
        (a, str(t), u) for a, t, u in olle_rows
    ]
    maja_rows = [(a, str(t)) for a, t, _ in await _log(server, demo.users["maja"])]
    assert ("consultation.create", consult["id"]) in maja_rows


async def test_consultation_needs_a_visible_thread_and_staff(server):
    demo = server.demo
    anna, sara, olle = (
        await server.login("anna"),
        await server.login("sara"),
        await server.login("olle"),
    )
    source = (await start_thread(anna, demo.patients["anna"], demo.care_contacts["anna"]))["thread"]
    body = {
        "user_ids": [str(demo.users["lars"])],
        "subject": "Fråga",
        "message": {"client_id": cid(), "body": "Hej"},
    }
    status, _ = await olle.post(f"/api/v1/threads/{source['id']}/consultations", body)
    assert status == 404
    status, _ = await anna.post(f"/api/v1/threads/{source['id']}/consultations", body)
    assert status == 404
    bad = {**body, "user_ids": [str(demo.users["anna"])]}
    status, err = await sara.post(f"/api/v1/threads/{source['id']}/consultations", bad)
    assert status == 422 and err["error"]["reason"] == "not_staff"
    patient_actions = (await anna.ok("GET", f"/api/v1/threads/{source['id']}"))["allowed_actions"]
    assert set(patient_actions) == {"read", "reply", "attach"}
