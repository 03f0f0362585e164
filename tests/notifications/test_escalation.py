"""The promise on a real server (due by the one rule, answered, due again) and escalation:
each step a system message in the thread, shown in the inbox, announced live."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import update

from chat.escalation import overdue_report
from chat.models import utcnow
from chat.notifications.models import ThreadPromise
from chat.promise import OpeningHours, deadline
from server.keys import DB
from server.notify_worker import ESCALATOR
from tests.support.flows import history, send, start_thread

pytestmark = pytest.mark.slow


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


async def test_due_time_from_the_one_rule_and_cleared_by_an_answer(server):
    anna = await server.login("anna")
    started = await start_thread(
        anna, server.demo.patients["anna"], server.demo.care_contacts["anna"]
    )
    thread = started["thread"]
    created = _at(thread["created_at"])
    expected = deadline(created, 48, OpeningHours.default())  # the care contact's 2 days
    assert _at(thread["response_due_at"]) == expected
    # A thread routed without a care contact ("Jag vet inte vem") keeps the same promise.
    routed = await start_thread(anna, server.demo.patients["anna"], None)
    assert _at(routed["thread"]["response_due_at"]) == deadline(
        _at(routed["thread"]["created_at"]), 48, OpeningHours.default()
    )
    sara = await server.login("sara")
    await send(sara, thread["id"], "Svar från vården")
    view = await anna.ok("GET", f"/api/v1/threads/{thread['id']}")
    assert view["response_due_at"] is None  # answered: nothing is owed
    again = await send(anna, thread["id"], "En följdfråga")
    assert again["thread"] is not None and again["thread"]["response_due_at"]
    assert _at(again["thread"]["response_due_at"]) == deadline(
        _at(again["message"]["created_at"]), 48, OpeningHours.default()
    )


async def _overdue(server, thread_id: str) -> None:
    """Move the thread's due time into the past (as if two days had gone by)."""
    past = utcnow() - timedelta(minutes=5)
    async with server.app[DB].write() as store:
        await store.session.execute(
            update(ThreadPromise)
            .where(ThreadPromise.thread_id == uuid.UUID(thread_id))
            .values(due_at=past, next_check_at=past)
        )
        thread = await store.threads.get(uuid.UUID(thread_id))
        assert thread is not None
        thread.response_due_at = past


async def _step_now(server, thread_id: str) -> None:
    async with server.app[DB].write() as store:
        await store.session.execute(
            update(ThreadPromise)
            .where(ThreadPromise.thread_id == uuid.UUID(thread_id))
            .values(next_check_at=utcnow() - timedelta(seconds=1))
        )


async def test_escalation_steps_are_recorded_shown_and_stop_at_an_answer(server):
    demo = server.demo
    anna = await server.login("anna")
    started = await start_thread(anna, demo.patients["anna"], demo.care_contacts["anna"])
    thread_id = started["thread"]["id"]
    lars = await server.login("lars")  # unit administrator: the unit's own steps
    level = await lars.ok(
        "PUT",
        f"/api/v1/units/{demo.unit_id}/service-level",
        {
            "escalation": [
                {"target": "coordinator", "after_minutes": 0},
                {"target": "team", "after_minutes": 60},
                {"target": "triage", "after_minutes": 120},
            ]
        },
    )
    assert level["opening_hours"][0] == {"day": "mon", "opens": "08:00", "closes": "17:00"}
    ulla = await server.login("ulla")  # allmän team, not the coordinator
    status, _ = await ulla.request(
        "PUT", f"/api/v1/units/{demo.unit_id}/service-level", {"escalation": []}
    )
    assert status == 404
    # Unassign so that the first step visibly gives the thread to the coordinator.
    sara = await server.login("sara")
    await sara.ok("POST", f"/api/v1/threads/{thread_id}/assign", {"assignee_id": None})
    live = await server.socket(sara)
    escalator = server.app[ESCALATOR]
    await _overdue(server, thread_id)
    report = await overdue_report(server.app[DB])
    assert report.overdue == 1 and report.by_step == {0: 1} and report.max_hours > 0

    assert await escalator.run_once() == 1
    assert await escalator.run_once() == 0  # the next step is not due yet
    view = await sara.ok("GET", f"/api/v1/threads/{thread_id}")
    assert view["assignee"]["name"] == "Sara Lind" and view["escalation_step"] == 1
    inbox = {t["id"]: t for t in (await sara.ok("GET", "/api/v1/threads"))["threads"]}
    assert inbox[thread_id]["escalation_step"] == 1
    await live.wait_for("thread_updated", lambda e: e["thread_id"] == thread_id)

    await _step_now(server, thread_id)
    assert await escalator.run_once() == 1
    await _step_now(server, thread_id)
    assert await escalator.run_once() == 1
    messages = [
        m for m in await history(sara, thread_id) if (m["event"] or {}).get("type") == "escalated"
    ]
    assert [m["event"]["step"] for m in messages] == [1, 2, 3]
    assert [m["event"]["target"] for m in messages] == ["coordinator", "team", "triage"]
    assert "samordnaren Sara Lind" in messages[0]["body"] and messages[0]["kind"] == "system"
    assert "hela teamet" in messages[1]["body"]
    assert "flyttat till Triagesjuksköterskor" in messages[2]["body"]
    view = await sara.ok("GET", f"/api/v1/threads/{thread_id}")
    assert view["team"]["key"] == "triage" and view["escalation_step"] == 3
    got = await live.wait_for("message", lambda e: (e["message"]["event"] or {}).get("step") == 3)
    assert got["message"]["author"] is None
    # No step is left; an answer ends the wait and with it the escalation.
    await _step_now(server, thread_id)
    assert await escalator.run_once() == 0
    await send(sara, thread_id, "Förlåt dröjsmålet, här är svaret.")
    view = await sara.ok("GET", f"/api/v1/threads/{thread_id}")
    assert view["response_due_at"] is None and view["escalation_step"] == 0
    assert (await overdue_report(server.app[DB])).overdue == 0


async def test_an_answered_thread_does_not_escalate(server):
    anna = await server.login("anna")
    started = await start_thread(
        anna, server.demo.patients["anna"], server.demo.care_contacts["anna"]
    )
    thread_id = started["thread"]["id"]
    await _overdue(server, thread_id)
    sara = await server.login("sara")
    await send(sara, thread_id, "Svar i sista stund")
    assert await server.app[ESCALATOR].run_once() == 0


async def test_nara_overdue_prints_the_figure(server, tmp_path):
    import asyncio
    import os
    import sys

    anna = await server.login("anna")
    started = await start_thread(
        anna, server.demo.patients["anna"], server.demo.care_contacts["anna"]
    )
    await _overdue(server, started["thread"]["id"])
    env = {
        **os.environ,
        "DATABASE_URL": server.config.database_url,
        "NARA_DATA_DIR": str(tmp_path),
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "server.cli", "overdue", env=env, stdout=asyncio.subprocess.PIPE
    )
    out, _ = await proc.communicate()
    text = out.decode()
    assert proc.returncode == 0, text
    assert "overdue: 1" in text and "escalation: step 0: 1" in text
