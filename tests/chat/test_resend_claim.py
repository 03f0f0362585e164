"""A resend whose send died between commit and publish publishes the send's outbox row to
every member at once (the row is claimed: a sweep or another resend never publishes it too);
after a published send it is echoed to the sender only, as before (chat/events.py)."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import select

from chat.events import Publisher, patient_room
from chat.models import LiveOutbox, utcnow
from chat.service import ChatService, NewMessage
from chat.storage import Database
from server.config import Config
from server.demo import DemoIds
from server.keys import CHAT, DB
from server.migrate import alembic_config
from tests.conftest import RunningServer
from tests.service.conftest import People, RecordedEvents, anna_thread, live, text
from tests.support.clients import ApiClient, SocketClient
from tests.support.flows import cid, send, start_thread

if TYPE_CHECKING:
    from tests.conftest import Database as TestDatabase

LOST = "publiceras-aldrig"
__all__ = ["live"]  # fixtures


@pytest.fixture
def base_config(base_config: Config) -> Config:
    # No sweep during these tests: only a resend's claim can deliver a lost publish in time.
    return dataclasses.replace(base_config, live_outbox_stale_s=600)


def _drop(events: list[dict[str, Any]]) -> None:
    """Fault: the process died after the commit, before publishing (its rows stay)."""
    if any(LOST in str(e["payload"].get("message", {}).get("body", "")) for e in events):
        raise ConnectionError("injected: died between commit and publish")


@contextmanager
def publish_lost(publisher: Publisher) -> Iterator[None]:
    before, publisher.before_publish = publisher.before_publish, _drop
    try:
        yield
    finally:
        publisher.before_publish = before


def _copies(sock: SocketClient, client_id: str) -> int:
    return sum(m["client_id"] == client_id for m in sock.messages())


async def _row_of(db: Database, message_id: str) -> list[Any]:
    async with db.read() as store:
        q = select(LiveOutbox.id).where(LiveOutbox.message_id == uuid.UUID(message_id))
        return list(await store.session.scalars(q))


async def _members(
    server: RunningServer,
) -> tuple[ApiClient, ApiClient, str, SocketClient, SocketClient]:
    """Anna's thread; Anna (patient) and Sara (staff, the sender) each with a live socket."""
    demo = server.demo
    anna, sara = await server.login("anna"), await server.login("sara")
    first = await start_thread(anna, demo.patients["anna"], demo.care_contacts["anna"])
    return anna, sara, first["thread"]["id"], await server.socket(anna), await server.socket(sara)


async def test_a_resend_publishes_what_a_dead_send_left_to_every_member_once(
    server: RunningServer,
) -> None:
    chat, db = server.app[CHAT], server.app[DB]
    _anna, sara, thread_id, anna_live, sara_laptop = await _members(server)
    client_id, body = cid(), f"Svar {LOST}"
    with publish_lost(chat.events):
        sent = await send(sara, thread_id, body, client_id=client_id)
    await asyncio.sleep(0.3)
    assert _copies(anna_live, client_id) == 0  # the fault held: nothing went out
    assert len(await _row_of(db, sent["message"]["id"])) == 1

    status, again = await sara.post(
        f"/api/v1/threads/{thread_id}/messages", {"client_id": client_id, "body": body}
    )
    assert status == 201 and again["duplicate"] is True
    # The sweep is 600 s away: only the claim can deliver this, and promptly.
    got = await anna_live.wait_for(
        "message", lambda e: e["message"]["client_id"] == client_id, timeout_s=2
    )
    assert got["message"]["id"] == sent["message"]["id"]
    assert got["message"]["seq"] == sent["message"]["patient_seq"]  # the patient's shape
    await sara_laptop.wait_for("message", lambda e: e["message"]["client_id"] == client_id)
    await anna_live.wait_for("thread_updated", lambda e: e["thread_id"] == thread_id, timeout_s=2)
    assert await _row_of(db, sent["message"]["id"]) == []  # claimed: no longer by the message

    await chat.events.flush(db)  # what the outbox loop does every 0.2 s
    assert await chat.events.sweep(db, stale_s=0) == 0  # nothing left for a sweep
    await asyncio.sleep(0.5)
    # Once each; the sender's other socket too (it is in the team's room: no echo besides).
    assert (_copies(anna_live, client_id), _copies(sara_laptop, client_id)) == (1, 1)


async def test_a_resend_after_a_published_send_reaches_the_others_once(
    server: RunningServer,
) -> None:
    """The send published (its row perhaps not yet deleted): the resend echoes to the
    sender's own sockets, as before, and nobody else gets the message again."""
    chat, db = server.app[CHAT], server.app[DB]
    _anna, sara, thread_id, anna_live, sara_laptop = await _members(server)
    client_id, body = cid(), "Svar som gick ut"
    await send(sara, thread_id, body, client_id=client_id)
    await anna_live.wait_for("message", lambda e: e["message"]["client_id"] == client_id)
    for _ in range(2):  # at once (row published, not yet deleted) and after the flush
        status, again = await sara.post(
            f"/api/v1/threads/{thread_id}/messages", {"client_id": client_id, "body": body}
        )
        assert status == 201 and again["duplicate"] is True
        await chat.events.flush(db)
    await asyncio.sleep(0.5)
    assert _copies(anna_live, client_id) == 1
    assert _copies(sara_laptop, client_id) == 3  # the send and an echo per resend, as before


# -- service level, both backends -------------------------------------------------------------


@dataclasses.dataclass
class Clock:
    """The service's clock, moved on by hand: a send's row becomes stale for the sweep."""

    offset: timedelta = timedelta()

    def __call__(self) -> datetime:
        return utcnow() + self.offset


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def service(db: Database, live: RecordedEvents, clock: Clock) -> ChatService:
    return ChatService(db, live=live, clock=clock)


def _to_patient(live: RecordedEvents, demo: DemoIds, message_id: uuid.UUID) -> int:
    """How often the message went to the patient side (the member who is not the sender)."""
    room = [patient_room(demo.patients["anna"])]
    return sum(
        p.event == "message"
        and p.payload["message"]["id"] == str(message_id)
        and p.audiences == room
        for p in live.sent
    )


async def _lost_send(
    service: ChatService, people: People, demo: DemoIds
) -> tuple[uuid.UUID, NewMessage, uuid.UUID]:
    """Sara answers Anna; the publish is lost. Returns the thread, the send, its message."""
    thread_id = await anna_thread(service, people, demo)
    new = text(f"Svar {LOST}")
    with publish_lost(service.events):
        result = await service.send(await people("sara"), thread_id, new)
    return thread_id, new, result.message.id


async def test_racing_resends_and_a_sweep_publish_the_row_once(
    db: Database, service: ChatService, live: RecordedEvents, clock: Clock, demo: DemoIds
) -> None:
    people = People(service, demo)
    thread_id, new, message_id = await _lost_send(service, people, demo)
    sara = await people("sara")
    assert _to_patient(live, demo, message_id) == 0
    clock.offset = timedelta(seconds=10)  # the send's row is stale for a 3 s sweep
    first, second, _swept = await asyncio.gather(
        service.send(sara, thread_id, new),
        service.send(sara, thread_id, new),
        service.events.sweep(db, stale_s=3),
    )
    assert first.duplicate and second.duplicate
    assert _to_patient(live, demo, message_id) == 1
    await service.events.flush(db)
    clock.offset = timedelta(seconds=20)
    await service.events.sweep(db, stale_s=3)
    await service.send(sara, thread_id, new)  # the row is gone: an echo to Sara only
    assert _to_patient(live, demo, message_id) == 1


class _Held(RecordedEvents):
    """A publish that takes its time: held until the test lets it go."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()
        self.waiting = asyncio.Event()

    async def publish_parts(self, event: str, parts: Sequence[Any]) -> None:
        self.waiting.set()
        await self.gate.wait()
        await super().publish_parts(event, parts)


async def test_a_resend_while_the_send_publishes_does_not_publish_again(
    db: Database, demo: DemoIds
) -> None:
    """This process's own publish of the row is under way (then done, the row not yet
    deleted): the resend leaves the row to it. Each send alone (NARA_SEND_BATCH=1): a group
    commit would queue the resend behind the publish."""
    live = _Held()
    service = ChatService(db, live=live, send_batch=1)
    people = People(service, demo)
    live.gate.set()
    thread_id = await anna_thread(service, people, demo)
    live.gate.clear()
    live.waiting.clear()
    sara, new = await people("sara"), text("Svar")
    sending = asyncio.create_task(service.send(sara, thread_id, new))
    await asyncio.wait_for(live.waiting.wait(), 5)
    again = await asyncio.wait_for(service.send(sara, thread_id, new), 5)  # not held
    live.gate.set()
    first = await sending
    assert again.duplicate and again.message.id == first.message.id
    assert _to_patient(live, demo, first.message.id) == 1
    await service.send(sara, thread_id, new)  # published, not yet deleted
    assert _to_patient(live, demo, first.message.id) == 1


async def test_a_resend_while_the_sends_row_is_being_deleted_does_not_publish_it_again(
    db: Database, service: ChatService, live: RecordedEvents, demo: DemoIds
) -> None:
    """The flush of the send's published row starts while the resend's claim runs (on
    SQLite its DELETE then waits for the resend's commit): until the DELETE has committed the
    row is still this process's, so the resend publishes nothing again."""
    people = People(service, demo)
    thread_id = await anna_thread(service, people, demo)
    sara, new = await people("sara"), text("Svar")
    first = await service.send(sara, thread_id, new)  # published, its row not yet deleted
    flushing: list[asyncio.Task[None]] = []

    def flush_now(_conn: Any, _cursor: Any, sql: str, *_a: Any) -> None:
        if sql.startswith("UPDATE live_outbox") and not flushing:
            flushing.append(asyncio.get_running_loop().create_task(service.events.flush(db)))

    sa.event.listen(db.engine.sync_engine, "before_cursor_execute", flush_now)
    try:
        again = await service.send(sara, thread_id, new)
    finally:
        sa.event.remove(db.engine.sync_engine, "before_cursor_execute", flush_now)
    await asyncio.wait_for(flushing[0], 5)
    assert again.duplicate and _to_patient(live, demo, first.message.id) == 1


class _Rollback(Exception):
    pass


async def _claim(db: Database, message_id: uuid.UUID) -> tuple[int, list[Any]] | None:
    async with db.write() as store:
        return await store.live_outbox.claim(message_id, utcnow())


async def test_a_claim_and_a_sweep_never_take_the_same_row(
    db: Database, service: ChatService, demo: DemoIds
) -> None:
    """The repository's rule: a claimed row no longer names its message and counts as new,
    so neither a second claim nor a sweep takes it. On PostgreSQL, with the transactions
    side by side: a row a sweep holds is not claimed, and a claimed row is not swept, each
    without waiting for the other (SKIP LOCKED)."""
    _thread, _new, message_id = await _lost_send(service, People(service, demo), demo)
    later = utcnow() + timedelta(seconds=10)
    if not db.is_sqlite:
        with pytest.raises(_Rollback):
            async with db.write() as sweeping:
                held = await sweeping.live_outbox.stale(later)
                assert held
                assert await asyncio.wait_for(_claim(db, message_id), 5) is None
                raise _Rollback  # the sweep failed: the row stays, still the message's
        with pytest.raises(_Rollback):
            async with db.write() as claiming:
                claimed = await claiming.live_outbox.claim(message_id, utcnow())
                assert claimed is not None
                async with db.write() as sweeping:
                    rows = await asyncio.wait_for(sweeping.live_outbox.stale(later), 5)
                    assert claimed[0] not in [row_id for row_id, _ in rows]
                raise _Rollback
    claimed = await _claim(db, message_id)
    assert claimed is not None and claimed[1][0]["message_id"] == str(message_id)
    assert await _claim(db, message_id) is None  # claimed once
    async with db.write() as sweeping:
        stale = await sweeping.live_outbox.stale(utcnow() - timedelta(seconds=3))
    assert claimed[0] not in [row_id for row_id, _ in stale]  # re-dated by the claim


# -- the migration -----------------------------------------------------------------------------


def _outbox_shape(conn: sa.Connection) -> tuple[set[str], set[str]]:
    inspector = sa.inspect(conn)
    columns = {c["name"] for c in inspector.get_columns("live_outbox")}
    indexes = {str(i["name"]) for i in inspector.get_indexes("live_outbox")}
    return columns, indexes


async def _shape(url: str) -> tuple[set[str], set[str]]:
    """The live_outbox table's columns and indexes as the database has them."""
    db = Database(url)
    try:
        async with db.engine.connect() as conn:
            return await conn.run_sync(_outbox_shape)
    finally:
        await db.dispose()


async def test_the_outbox_message_column_downgrades_and_upgrades(database: TestDatabase) -> None:
    cfg = alembic_config(database.url)
    columns, indexes = await _shape(database.url)
    assert "message_id" in columns and "ix_live_outbox_message_id" in indexes
    await asyncio.to_thread(command.downgrade, cfg, "0010_oidc")
    columns, indexes = await _shape(database.url)
    assert "message_id" not in columns and "ix_live_outbox_message_id" not in indexes
    assert {"id", "events", "created_at"} <= columns and "ix_live_outbox_created_at" in indexes
    await asyncio.to_thread(command.upgrade, cfg, "head")
    columns, indexes = await _shape(database.url)
    assert "message_id" in columns and "ix_live_outbox_message_id" in indexes
