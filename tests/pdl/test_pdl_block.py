"""Spärr: a patient blocks one unit's information from other units. Staff kept out see that
blocked information exists, not what it holds; emergency access needs a stated reason, is
logged, flagged and shown in the unit's review list."""

from __future__ import annotations

import asyncio

import pytest

from tests.pdl.support import anna_thread, unit_log
from tests.support.flows import send


async def _maja_in_annas_thread(server):
    demo = server.demo
    anna, thread_id = await anna_thread(server)
    sara, maja = await server.login("sara"), await server.login("maja")
    await sara.ok(
        "POST",
        f"/api/v1/threads/{thread_id}/participants",
        {"user_id": str(demo.users["maja"])},
    )
    return anna, sara, maja, thread_id


@pytest.mark.slow
async def test_a_block_hides_the_content_from_other_units_but_not_that_it_exists(server):
    demo = server.demo
    anna, sara, maja, thread_id = await _maja_in_annas_thread(server)
    assert (await maja.ok("GET", f"/api/v1/threads/{thread_id}"))["subject"] == "Fråga"
    anna_id = demo.patients["anna"]
    units = await anna.ok("GET", f"/api/v1/patients/{anna_id}/blocks")
    assert [(u["unit_name"], u["blocked"]) for u in units] == [("Vårdcentralen Nära", False)]
    blocked = await anna.ok(
        "PUT", f"/api/v1/patients/{anna_id}/blocks/{demo.unit_id}", {"blocked": True}
    )
    assert blocked[0]["blocked"] is True and blocked[0]["since"]
    maja_live = await server.socket(maja)
    # Maja (Hemsjukvården) sees that the thread exists, nothing of it.
    [stub] = (await maja.ok("GET", "/api/v1/threads"))["threads"]
    assert stub["id"] == thread_id and stub["blocked"] is True
    assert stub["subject"] == "" and stub["last_seq"] == 0
    for path in (f"/api/v1/threads/{thread_id}", f"/api/v1/threads/{thread_id}/messages"):
        status, body = await maja.get(path)
        assert status == 403 and body["error"]["reason"] == "blocked", path
    # Nothing of the thread reaches her live either; the unit's own staff are not affected.
    await send(sara, thread_id, "Provsvaren är klara.")
    assert (await sara.ok("GET", f"/api/v1/threads/{thread_id}"))["blocked"] is False
    await asyncio.sleep(0.3)
    assert maja_live.events["message"] == []
    # Lifting the block opens it again.
    await anna.ok("PUT", f"/api/v1/patients/{anna_id}/blocks/{demo.unit_id}", {"blocked": False})
    assert (await maja.ok("GET", f"/api/v1/threads/{thread_id}"))["subject"] == "Fråga"
    # Only the patient side sets blocks, and only for units that hold their information.
    status, _ = await sara.request(
        "PUT", f"/api/v1/patients/{anna_id}/blocks/{demo.unit_id}", {"blocked": True}
    )
    assert status == 404
    status, _ = await anna.request(
        "PUT", f"/api/v1/patients/{anna_id}/blocks/{demo.other_unit_id}", {"blocked": True}
    )
    assert status == 404


async def test_emergency_access_needs_a_reason_and_is_flagged_for_review(server):
    demo = server.demo
    anna, sara, maja, thread_id = await _maja_in_annas_thread(server)
    anna_id = demo.patients["anna"]
    await anna.ok("PUT", f"/api/v1/patients/{anna_id}/blocks/{demo.unit_id}", {"blocked": True})
    path = f"/api/v1/threads/{thread_id}/emergency-access"
    status, _ = await maja.post(path, {"reason": "akut"})
    assert status == 422
    # Someone who could not see the thread anyway learns nothing.
    olle = await server.login("olle")
    assert (await olle.post(path, {"reason": "Patienten medvetslös i hemmet"}))[0] == 404
    # Staff the block does not concern have nothing to open.
    assert (await sara.post(path, {"reason": "Patienten medvetslös i hemmet"}))[0] == 409
    reason = "Patienten medvetslös i hemmet, behöver läkemedelslistan"
    opened = await maja.ok("POST", path, {"reason": reason})
    assert opened["subject"] == "Fråga" and opened["blocked"] is False
    messages = await maja.ok("GET", f"/api/v1/threads/{thread_id}/messages")
    assert messages
    lars = await server.login("lars")
    flagged, _ = await unit_log(lars, demo.unit_id, flagged=True)
    assert [e["action"] for e in reversed(flagged)] == ["emergency_access", "messages.read"]
    assert flagged[-1]["reason"] == reason
    assert all(e["staff_user_id"] == str(demo.users["maja"]) for e in flagged)
    review_list = await lars.ok("GET", f"/api/v1/units/{demo.unit_id}/log-reviews")
    assert [e["action"] for e in review_list["flagged"]] == ["messages.read", "emergency_access"]
    assert not any(e["reviewed"] for e in review_list["flagged"])
    await lars.ok(
        "POST",
        f"/api/v1/units/{demo.unit_id}/log-reviews",
        {"flagged": True, "findings": "Nödöppningen var befogad: hemsjukvården vid akut läge."},
    )
    review_list = await lars.ok("GET", f"/api/v1/units/{demo.unit_id}/log-reviews")
    assert all(e["reviewed"] for e in review_list["flagged"])
    # The patient sees the emergency access in the own extract.
    extract = await anna.ok("GET", f"/api/v1/patients/{anna_id}/access-log")
    emergency = [e for e in extract["entries"] if e["emergency"]]
    assert {e["staff_name"] for e in emergency} == {"Maja Kommun"}
