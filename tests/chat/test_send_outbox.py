"""A send's live_outbox row goes in with the send's one statement (a reference to the message,
rebuilt by a sweep should the process die after the commit), and an event the patient side
sees with its own seq is one bus message (issue 16). Service level on both backends; the bus
test runs on Redis."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, select

from chat.events import message_reference, patient_room
from chat.models import LiveOutbox, MessageKind
from chat.notifications.followup import Followup, NoticeSettings
from chat.routing import Classification
from chat.service import ChatService
from chat.storage import Database
from server.demo import DemoIds
from tests.service.conftest import (
    People,
    Published,
    RecordedEvents,
    anna_thread,
    as_,
    chat,
    live,
    text,
)
from tests.support.backends import PG_URL, REDIS_URL
from tests.support.flows import cid, send, start_thread

__all__ = ["as_", "chat", "live"]  # fixtures


@contextmanager
def statements(db: Database) -> Iterator[list[str]]:
    """The SQL statements sent while the block runs."""
    seen: list[str] = []

    def hit(_conn: Any, _cursor: Any, sql: str, *_a: Any) -> None:
        seen.append(" ".join(sql.split()))

    event.listen(db.engine.sync_engine, "before_cursor_execute", hit)
    try:
        yield seen
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", hit)


async def _rows(db: Database) -> list[list[Any]]:
    async with db.read() as store:
        return [list(r) for r in await store.session.scalars(select(LiveOutbox.events))]


def _of(sent: list[Published], message_id: str) -> list[Published]:
    return [p for p in sent if p.event == "message" and p.payload["message"]["id"] == message_id]


async def test_a_send_writes_its_outbox_row_in_its_statement(
    chat: ChatService, as_: People, demo: DemoIds, db: Database
) -> None:
    tid = await anna_thread(chat, as_, demo)
    sara = await as_("sara")
    await chat.send(sara, tid, text("Svar"))  # the answer changes the thread; the next not
    before = len(await _rows(db))
    with statements(db) as sent:
        result = await chat.send(sara, tid, text("Ett till svar"))
    assert result.thread is None  # the hot path
    if not db.is_sqlite:
        # PostgreSQL: the send is one statement, its outbox row included.
        assert len(sent) == 1 and "INSERT INTO live_outbox" in sent[0], sent
    assert sum("INSERT INTO live_outbox" in s for s in sent) == 1, sent  # not once more
    rows = await _rows(db)
    assert len(rows) == before + 1
    # The row holds a reference to the message (no payload is serialised on the hot path).
    assert rows[-1] == [message_reference(result.message.id, tid)]


async def test_a_swept_reference_publishes_what_the_send_published(
    chat: ChatService, as_: People, demo: DemoIds, db: Database, live: RecordedEvents
) -> None:
    """The process died before deleting the rows (here: nobody flushed them): the sweep
    rebuilds each send's events from the database, in the same shapes, and thread_updated;
    an internal note's never reach the patient side."""
    tid = await anna_thread(chat, as_, demo)
    sara = await as_("sara")
    answer = await chat.send(sara, tid, text("Svar"))
    note = await chat.send(sara, tid, text("Anteckning", kind=MessageKind.INTERNAL_NOTE))
    reply = await chat.send(await as_("anna"), tid, text("Tack"))
    sent = {m.message.id: _of(live.sent, str(m.message.id)) for m in (answer, note, reply)}
    assert [len(v) for v in sent.values()] == [2, 1, 2]  # staff shape, patient side's shape
    live.sent.clear()

    await chat.events.sweep(db, stale_s=0)
    for message_id, original in sent.items():
        swept = _of(live.sent, str(message_id))
        assert [(p.payload, p.audiences) for p in swept] == [
            (p.payload, p.audiences) for p in original
        ]
    patient = patient_room(demo.patients["anna"])
    # Seqs: the patient side's own in its shape, the staff seq in the other.
    answer_shapes = {tuple(p.audiences): p.payload["message"] for p in sent[answer.message.id]}
    assert answer_shapes[(patient,)]["seq"] == answer.message.patient_seq
    updated = [p.audiences for p in live.of("thread_updated")]
    # The thread's creation (its own row), the answer, the note (staff only), the reply.
    assert [patient in rooms for rooms in updated] == [True, True, False, True]
    assert not any(patient in p.audiences for p in _of(live.sent, str(note.message.id)))
    assert await _rows(db) == []  # swept rows are gone


class _SafetyNet:
    """A classifier that answers every patient message with the safety-net advice."""

    def classify(self, text: str, routing_table: Mapping[str, str]) -> Classification:
        return Classification(
            category="ovrigt", urgency="rutin", confidence=0.9, reasons=(),
            target_team_key=None, needs_triage=False, emergency_reply=None,
            red_flag_kind=None, presentation="dyspne", presentation_name="Andnöd",
            safety_net_reply="Ring 112 om det blir värre.",
        )


async def test_other_durable_events_join_the_sends_row(
    chat: ChatService, as_: People, demo: DemoIds, db: Database, live: RecordedEvents
) -> None:
    """An automatic reply in the send's transaction is added to the row the statement wrote
    (one row per transaction), and a sweep publishes the message and the reply."""
    tid = await anna_thread(chat, as_, demo)
    chat.classifier = _SafetyNet()
    result = await chat.send(await as_("anna"), tid, text("Jag får svårt att andas"))
    assert result.safety_net is not None
    auto = result.safety_net.message
    rows = await _rows(db)
    assert rows[-1][0] == message_reference(result.message.id, tid)
    assert [e["event"] for e in rows[-1][1:]] == ["message"]
    live.sent.clear()
    await chat.events.sweep(db, stale_s=0)
    assert _of(live.sent, str(result.message.id)) and _of(live.sent, str(auto.id))


async def test_an_event_in_two_shapes_is_one_bus_message(
    chat: ChatService, as_: People, demo: DemoIds, live: RecordedEvents
) -> None:
    chat.followup = Followup(NoticeSettings())  # the answer ends the wait: thread_updated
    tid = await anna_thread(chat, as_, demo)
    live.bus_messages = 0
    live.sent.clear()
    await chat.send(await as_("sara"), tid, text("Svar"))
    # The message (staff and patient shapes) in one publish; thread_updated is one shape.
    assert live.bus_messages == 1
    assert [p.event for p in live.sent] == ["message", "message", "thread_updated"]


@pytest.mark.skipif(not (PG_URL and REDIS_URL), reason="needs PostgreSQL and Redis")
async def test_one_bus_message_per_event_reaches_both_sides_on_another_process(
    base_config, db_template
) -> None:
    """Two processes on one Redis (two apps here): a staff answer sent through A is one message
    on the channel, and B's patient and staff connections each get their own shape."""
    import redis.asyncio as redis

    from tests.conftest import RunningServer, start_server

    demo = db_template.demo
    runner_a, url_a = await start_server(base_config)
    runner_b, url_b = await start_server(base_config)
    a = RunningServer(url_a, demo, base_config, runner_a.app)
    b = RunningServer(url_b, demo, base_config, runner_b.app)
    bus = redis.Redis.from_url(REDIS_URL)
    listener = bus.pubsub(ignore_subscribe_messages=True)
    try:
        anna, sara = await b.login("anna"), await a.login("sara")
        tid = (await start_thread(anna, demo.patients["anna"], demo.care_contacts["anna"]))[
            "thread"
        ]["id"]
        anna_on_b, lars_on_b = await b.socket(anna), await b.socket(await b.login("lars"))
        await send(sara, tid, "Intern anteckning", "internal_note")
        await listener.subscribe(base_config.redis_channel)
        body = f"Svar {cid()}"
        answer = (await send(sara, tid, body))["message"]
        got = await anna_on_b.wait_for("message", lambda e: e["message"]["body"] == body)
        assert got["message"]["seq"] == answer["patient_seq"] == 2
        staff = await lars_on_b.wait_for("message", lambda e: e["message"]["body"] == body)
        assert staff["message"]["seq"] == answer["seq"] == 3
        carrying = []
        deadline = asyncio.get_running_loop().time() + 1.0
        while asyncio.get_running_loop().time() < deadline:
            m = await listener.get_message(timeout=0.1)  # None also for the subscription
            if m is not None and body in (raw := m["data"].decode()):
                carrying.append(json.loads(raw))
        assert [m["method"] for m in carrying] == ["nara_emit_parts"], carrying
        assert len(carrying[0]["parts"]) == 2
    finally:
        await listener.aclose()
        await bus.aclose()
        for s in (a, b):
            await s.close_clients()
        await runner_a.cleanup()
        await runner_b.cleanup()


class _Rollback(Exception):
    pass


async def test_the_sends_statement_reads_what_starting_a_wait_needs(
    chat: ChatService, as_: People, demo: DemoIds, db: Database
) -> None:
    """PostgreSQL: a patient message to a thread that owes no answer reads the unit's service
    level and the care contact's hours in the send's statement, as the follow-up's own reads
    (service_level, contact_hours) find them: the thread's contact, else the patient's contact
    with the owning team, else the shortest in the unit; nothing when a wait is running."""
    from chat.models import Message, Thread, utcnow
    from chat.notifications.followup import service_level

    chat.followup = Followup(NoticeSettings())
    tid = await anna_thread(chat, as_, demo)
    anna = demo.users["anna"]

    async def facts(change: Any = None) -> tuple[Any, Any]:
        got: list[Any] = []
        with pytest.raises(_Rollback):
            async with db.write() as store:
                if change is not None:
                    await change(store)
                    await store.session.flush()
                thread = await store.session.get(Thread, tid)
                assert thread is not None
                message = Message(
                    id=uuid.uuid4(), thread_id=tid, seq=0, author_id=anna, client_id=cid(),
                    kind=MessageKind.TEXT, body="x", created_at=utcnow(),
                )
                posted = await store.messages.post(message, wait=True)
                assert posted is not None
                row = await store.notifications.service_level(posted.scope.unit_id)
                hours, _ = await store.notifications.contact_hours(
                    thread.patient_id, thread.care_contact_id, thread.team_id
                )
                expected = (
                    None if row is None else row.opening_hours,
                    None if row is None else row.escalation,
                    hours,
                )
                await service_level(store, posted.scope.unit_id)  # parses
                got += [posted.wait, expected]
                raise _Rollback
        return got[0], got[1]

    wait, _ = await facts()
    assert wait is None  # Anna's first message started a wait
    await chat.send(await as_("sara"), tid, text("Svar"))  # answered: the next one starts one

    async def service_level_set(store: Any) -> None:
        sl = await store.notifications.service_level_for_update(demo.unit_id)
        sl.opening_hours = [{"day": "mon", "opens": "09:00", "closes": "12:00"}]
        sl.escalation = [{"target": "team", "after_minutes": 30}]

    async def no_contact(store: Any) -> None:
        (await store.session.get(Thread, tid)).care_contact_id = None

    async def other_team(store: Any) -> None:
        await no_contact(store)
        teams = await store.directory.teams([demo.unit_id])
        thread = await store.session.get(Thread, tid)
        thread.team_id = next(t.id for t in teams if t.key == "triage")

    cases = [None, service_level_set, no_contact, other_team]
    for change in cases:
        wait, expected = await facts(change)
        if db.is_sqlite:
            assert wait is None  # read by the follow-up itself
            continue
        assert wait is not None, change
        assert (wait.opening_hours, wait.escalation, wait.contact_hours) == expected, change
    if not db.is_sqlite:
        assert (await facts(service_level_set))[1][0] is not None
