"""PDL access rules: a unit administrator reads only the own unit's log (no existence oracle);
staff need a care relation to reach a patient; threads move only within their unit."""

from __future__ import annotations

import pytest

from tests.pdl.support import RANDOM_ID, anna_thread, unit_log
from tests.support.flows import cid


async def test_an_admin_reads_only_the_own_units_log_and_learns_nothing_else(server):
    demo = server.demo
    _, thread_id = await anna_thread(server)
    sara, olle, lars = [await server.login(u) for u in ("sara", "olle", "lars")]
    await sara.ok("GET", f"/api/v1/threads/{thread_id}")
    own, _ = await unit_log(lars, demo.unit_id, patient_id=demo.patients["anna"])
    assert [e["action"] for e in own if e["staff_user_id"] == str(demo.users["sara"])] == [
        "thread.read"
    ]
    # Olle administers Vårdcentralen Väster: Anna's rows are not in his unit's log, and a
    # patient listed elsewhere answers exactly like an id that does not exist.
    foreign, _ = await unit_log(olle, demo.other_unit_id, patient_id=demo.patients["anna"])
    unknown, _ = await unit_log(olle, demo.other_unit_id, patient_id=RANDOM_ID)
    assert foreign == unknown == []
    # Another unit's log, or an unknown unit: the same 404 as any hidden resource.
    status, body = await olle.get(f"/api/v1/units/{demo.unit_id}/access-log")
    status2, body2 = await olle.get(f"/api/v1/units/{RANDOM_ID}/access-log")
    assert status == status2 == 404 and body == body2
    assert body["error"] == {"code": "not_found", "message": "unit not found"}
    # Staff who are not administrators do not read it either.
    status, _ = await sara.get(f"/api/v1/units/{demo.unit_id}/access-log")
    assert status == 404


def _consultation(patient_id, team_id) -> dict:
    return {
        "patient_id": str(patient_id),
        "subject": "Konsultation",
        "team_id": str(team_id),
        "case_type": "konsultation",
        "patient_visible": False,
        "message": {"client_id": cid(), "body": "Kan ni titta på detta?"},
    }


async def test_staff_without_a_care_relation_cannot_start_a_thread_for_a_patient(server):
    demo = server.demo
    olle = await server.login("olle")
    status, body = await olle.post(
        "/api/v1/threads", _consultation(demo.patients["anna"], demo.teams["vaster"])
    )
    status2, body2 = await olle.post(
        "/api/v1/threads", _consultation(RANDOM_ID, demo.teams["vaster"])
    )
    assert status == status2 == 404 and body == body2
    assert body["error"]["message"] == "patient not found"
    # His own unit's patient: fine.
    made = await olle.ok(
        "POST", "/api/v1/threads", _consultation(demo.patients["cecilia"], demo.teams["vaster"])
    )
    assert made["thread"]["team"]["unit_id"] == str(demo.other_unit_id)
    # The patient's own unit: fine.
    lars = await server.login("lars")
    await lars.ok(
        "POST", "/api/v1/threads", _consultation(demo.patients["anna"], demo.teams["allman"])
    )


@pytest.mark.slow
async def test_staff_added_to_a_thread_have_a_care_relation(server):
    demo = server.demo
    _, thread_id = await anna_thread(server)
    sara, olle = await server.login("sara"), await server.login("olle")
    await sara.ok(
        "POST",
        f"/api/v1/threads/{thread_id}/participants",
        {"user_id": str(demo.users["olle"])},
    )
    made = await olle.ok(
        "POST", "/api/v1/threads", _consultation(demo.patients["anna"], demo.teams["vaster"])
    )
    assert made["thread"]["patient"]["id"] == str(demo.patients["anna"])


@pytest.mark.slow
async def test_a_thread_moves_only_within_its_unit(server):
    demo = server.demo
    _, thread_id = await anna_thread(server)
    sara, olle = await server.login("sara"), await server.login("olle")
    status, body = await sara.post(
        f"/api/v1/threads/{thread_id}/transfer", {"team_id": str(demo.teams["vaster"])}
    )
    status2, body2 = await sara.post(
        f"/api/v1/threads/{thread_id}/transfer", {"team_id": RANDOM_ID}
    )
    assert status == status2 == 422 and body == body2
    assert body["error"]["reason"] == "other_unit"
    # Nothing moved: the other unit still cannot read it.
    assert (await olle.get(f"/api/v1/threads/{thread_id}"))[0] == 404
    thread = await sara.ok("GET", f"/api/v1/threads/{thread_id}")
    assert thread["team"]["unit_id"] == str(demo.unit_id)
    moved = await sara.ok(
        "POST", f"/api/v1/threads/{thread_id}/transfer", {"team_id": str(demo.teams["triage"])}
    )
    assert moved["team"]["key"] == "triage"
