"""Group commit of concurrent sends (issue 16): sends that arrive together share one
transaction, and each still answers as it would have alone (chat/storage/group_commit.py)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import event, func, select

from chat.errors import ErrorCode, NaraError
from chat.management import ThreadManagement
from chat.models import LiveOutbox, Message, MessageKind, Thread, ThreadStatus
from chat.service import Caller, ChatService, NewMessage
from chat.storage import Database
from chat.views import SendResult
from server.demo import DemoIds
from tests.service.conftest import People, Published, RecordedEvents, anna_thread, text


@dataclass
class Transactions:
    """What the database was sent, as seen from SQLAlchemy's events: commits, and for each
    committed transaction how many messages it inserted (per connection: on PostgreSQL
    transactions run side by side)."""

    commits: int = 0
    inserts_per_commit: list[int] = field(default_factory=list)
    inserts: dict[int, int] = field(default_factory=dict)  # open transactions, by connection

    def statement(self, conn: Any, sql: str) -> None:
        if "INSERT INTO messages" in sql:
            self.inserts[id(conn)] = self.inserts.get(id(conn), 0) + 1

    def committed(self, conn: Any) -> None:
        self.commits += 1
        self.inserts_per_commit.append(self.inserts.pop(id(conn), 0))

    def rolled_back(self, conn: Any) -> None:
        self.inserts.pop(id(conn), None)


@contextmanager
def watching(db: Database, live: RecordedEvents) -> Iterator[Transactions]:
    """Count transactions; each commit also leaves a marker among the recorded events, so a
    test can tell what was published before and after which commit."""
    seen = Transactions()
    engine = db.engine.sync_engine

    def on_statement(conn: Any, _cursor: Any, sql: str, *_a: Any) -> None:
        seen.statement(conn, sql)

    def on_commit(conn: Any) -> None:
        seen.committed(conn)
        live.sent.append(Published("COMMIT", {}, []))

    def on_rollback(conn: Any) -> None:
        seen.rolled_back(conn)

    listeners = [
        ("before_cursor_execute", on_statement),
        ("commit", on_commit),
        ("rollback", on_rollback),
    ]
    for name, fn in listeners:
        event.listen(engine, name, fn)
    try:
        yield seen
    finally:
        for name, fn in listeners:
            event.remove(engine, name, fn)


async def bertil_thread(chat: ChatService, people: People, demo: DemoIds) -> uuid.UUID:
    result = await chat.create_thread(
        await people("bertil"),
        patient_id=demo.patients["bertil"],
        subject="Blodtryck",
        first=text("Hej, mitt blodtryck är högt."),
        care_contact_id=demo.care_contacts["bertil"],
    )
    assert result.thread is not None
    return result.thread.id


async def stored(db: Database, thread_id: uuid.UUID) -> list[Message]:
    async with db.read() as store:
        return list(
            await store.session.scalars(
                select(Message).where(Message.thread_id == thread_id).order_by(Message.seq)
            )
        )


async def assert_whole(db: Database, thread_id: uuid.UUID) -> list[Message]:
    """Nothing half-stored: the thread's counters match its messages, both sequences are
    gap-free, every client_id is stored once, and there is no message without its thread
    update (or the other way round)."""
    rows = await stored(db, thread_id)
    async with db.read() as store:
        thread = await store.session.get(Thread, thread_id)
    assert thread is not None
    assert [m.seq for m in rows] == list(range(1, thread.last_seq + 1))
    visible = [m.patient_seq for m in rows if m.kind != MessageKind.INTERNAL_NOTE]
    assert visible == list(range(1, thread.last_patient_seq + 1))
    ids = [(m.author_id, m.client_id) for m in rows if m.client_id is not None]
    assert len(ids) == len(set(ids))
    return rows


async def outbox_rows(db: Database) -> int:
    async with db.read() as store:
        return int(await store.session.scalar(select(func.count()).select_from(LiveOutbox)) or 0)


def sends_announced(live: RecordedEvents) -> list[tuple[int, str]]:
    """Each sent message's id as announced, with how many commits came before it; each
    announced once (one event: one shape for staff, one for the patient side)."""
    out, commits, shapes = [], 0, set()
    for p in live.sent:
        if p.event == "COMMIT":
            commits += 1
        elif p.event == "message" and p.payload["message"]["client_id"]:
            shape = (p.payload["message"]["id"], tuple(p.audiences))
            assert shape not in shapes, shape
            shapes.add(shape)
            out.append((commits, p.payload["message"]["id"]))
    return out


async def together(*sends: tuple[ChatService, Caller, uuid.UUID, NewMessage]) -> list[Any]:
    """The sends at once (each as its own request would), results or exceptions in order."""
    return await asyncio.gather(
        *(chat.send(caller, thread_id, new) for chat, caller, thread_id, new in sends),
        return_exceptions=True,
    )


async def test_concurrent_sends_to_several_threads_share_one_transaction(
    chat: ChatService, as_: People, demo: DemoIds, db: Database, live: RecordedEvents
) -> None:
    t1, t2 = await anna_thread(chat, as_, demo), await anna_thread(chat, as_, demo)
    t3 = await bertil_thread(chat, as_, demo)
    anna, bertil, sara, lars = [await as_(u) for u in ("anna", "bertil", "sara", "lars")]
    plan = [
        (anna, t1), (sara, t1), (anna, t2), (lars, t2), (bertil, t3), (sara, t3),
        (sara, t1), (lars, t3),
    ]
    news = [text(f"Meddelande {i}") for i in range(len(plan))]
    live.sent.clear()
    with watching(db, live) as seen:
        results = await together(*((chat, c, t, n) for (c, t), n in zip(plan, news, strict=True)))
    assert seen.commits == 1 and seen.inserts_per_commit == [len(plan)]
    assert all(isinstance(r, SendResult) and not r.duplicate for r in results)
    # Per thread, in the order they were sent: seq 1 is each thread's first message.
    for thread_id in (t1, t2, t3):
        rows = await assert_whole(db, thread_id)
        mine = [(r, c) for r, (c, t) in zip(results, plan, strict=True) if t == thread_id]
        assert [m.id for m in rows[1:]] == [r.message.id for r, _ in mine]
        for (result, caller), row in zip(mine, rows[1:], strict=True):
            # Each side's ack counts its own way (the patient side: patient_seq).
            assert result.message.seq == (row.seq if caller.actor.is_staff else row.patient_seq)
    # Every message announced once, and only after the commit.
    announced = sends_announced(live)
    assert {commits for commits, _ in announced} == {1}
    assert {m for _, m in announced} == {str(r.message.id) for r in results}


async def test_a_refused_send_in_a_batch_gets_its_own_answer_and_the_others_land(
    chat: ChatService,
    management: ThreadManagement,
    as_: People,
    demo: DemoIds,
    db: Database,
    live: RecordedEvents,
) -> None:
    t1, closed = await anna_thread(chat, as_, demo), await anna_thread(chat, as_, demo)
    t3 = await bertil_thread(chat, as_, demo)
    anna, bertil, sara, fia = [await as_(u) for u in ("anna", "bertil", "sara", "fia")]
    await management.set_status(sara, closed, ThreadStatus.CLOSED)
    # What the refusals answer alone (no batch): the same sends, one at a time.
    alone = []
    for who, thread_id in ((anna, closed), (fia, t1)):
        with pytest.raises(NaraError) as err:
            await chat.send(who, thread_id, text("Ensam"))
        alone.append(err.value.to_dict())
    closed_before = await stored(db, closed)

    live.sent.clear()
    with watching(db, live) as seen:
        results = await together(
            (chat, anna, t1, text("Landar 1")),
            (chat, anna, closed, text("Stängd tråd")),
            (chat, sara, t1, text("Landar 2")),
            (chat, fia, t1, text("Inte min tråd")),
            (chat, bertil, t3, text("Landar 3")),
            (chat, sara, t3, text("Landar 4")),
        )
    ok = [r for r in results if isinstance(r, SendResult)]
    refused = [r for r in results if isinstance(r, NaraError)]
    assert len(ok) == 4 and [r.to_dict() for r in refused] == alone
    assert refused[0].code == ErrorCode.THREAD_CLOSED
    # Two refusals: at most the batches before, between and after them committed, not one
    # transaction per send.
    assert seen.commits <= 3 and sum(seen.inserts_per_commit) == 4
    assert [m.body for m in (await assert_whole(db, t1))[1:]] == ["Landar 1", "Landar 2"]
    assert [m.body for m in (await assert_whole(db, t3))[1:]] == ["Landar 3", "Landar 4"]
    assert [m.id for m in await assert_whole(db, closed)] == [m.id for m in closed_before]
    assert {m for _, m in sends_announced(live)} == {str(r.message.id) for r in ok}


async def test_a_duplicate_client_id_in_a_batch_and_across_batches_answers_duplicate(
    chat: ChatService, as_: People, demo: DemoIds, db: Database, live: RecordedEvents
) -> None:
    t1, t2 = await anna_thread(chat, as_, demo), await bertil_thread(chat, as_, demo)
    anna, bertil, sara = [await as_(u) for u in ("anna", "bertil", "sara")]
    twice, other = text("Två gånger i samma batch"), text("Bertils")
    mismatch = NewMessage(client_id=twice.client_id, body="Samma id, annan text")
    results = await together(
        (chat, anna, t1, twice),
        (chat, sara, t1, text("Sara")),
        (chat, anna, t1, twice),
        (chat, bertil, t2, other),
        (chat, anna, t1, mismatch),
    )
    first, _sara, again, _bertil, refused = results
    assert isinstance(first, SendResult) and isinstance(again, SendResult)
    assert (first.duplicate, again.duplicate) == (False, True)
    assert again.message.id == first.message.id and again.message.seq == first.message.seq
    assert isinstance(refused, NaraError) and refused.code == ErrorCode.IDEMPOTENCY_MISMATCH
    rows = await assert_whole(db, t1)
    assert [m.body for m in rows[1:]] == ["Två gånger i samma batch", "Sara"]
    # The resend's echo goes to the sender's own connections only, as without batching.
    echoes = [
        p for p in live.of("message")
        if p.payload["message"]["id"] == str(first.message.id)
        and p.audiences == [f"user:{anna.actor.user_id}"]
    ]
    assert len(echoes) == 1
    # In a later batch: a duplicate again.
    later = await together((chat, anna, t1, twice), (chat, bertil, t2, other))
    assert all(isinstance(r, SendResult) and r.duplicate for r in later)
    assert len(await assert_whole(db, t1)) == 3 and len(await assert_whole(db, t2)) == 2


@contextmanager
def failing_insert(db: Database, *, nth: int = 0, marker: str = "") -> Iterator[list[str]]:
    """Fault injection: the message INSERT fails in the database (a statement that cannot
    run, so on PostgreSQL the transaction is aborted as by a deadlock), once for the ``nth``
    one (counting from 1), or every time for a message whose text holds ``marker``."""
    failed: list[str] = []
    count = 0

    def rewrite(_c: Any, _cur: Any, sql: str, params: Any, *_a: Any) -> tuple[str, Any]:
        nonlocal count
        if "INSERT INTO messages" not in sql:
            return sql, params
        count += 1
        if count == nth or (marker and marker in str(params)):
            failed.append(sql)
            return "SELECT no_such_column FROM no_such_table", ()
        return sql, params

    engine = db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", rewrite, retval=True)
    try:
        yield failed
    finally:
        event.remove(engine, "before_cursor_execute", rewrite)


async def test_a_fault_in_the_middle_of_a_batch_leaves_nothing_half_stored(
    chat: ChatService, as_: People, demo: DemoIds, db: Database, live: RecordedEvents
) -> None:
    t1, t2 = await anna_thread(chat, as_, demo), await bertil_thread(chat, as_, demo)
    anna, bertil, sara = [await as_(u) for u in ("anna", "bertil", "sara")]
    outbox_before = await outbox_rows(db)
    sends = [
        (anna, t1, text("a1")), (bertil, t2, text("b1")), (sara, t1, text("s1")),
        (sara, t2, text("s2", kind="internal_note")), (anna, t1, text("a2")),
        (bertil, t2, text("b2")),
    ]
    # Once, on the third message of the batch (two are written in it by then): every send
    # lands, each once.
    live.sent.clear()
    with failing_insert(db, nth=3) as failed, watching(db, live) as seen:
        results = await together(*((chat, c, t, n) for c, t, n in sends))
    assert len(failed) == 1
    assert all(isinstance(r, SendResult) and not r.duplicate for r in results)
    assert seen.commits >= 2 and sum(seen.inserts_per_commit) == len(sends)
    for thread_id in (t1, t2):
        await assert_whole(db, thread_id)
    announced = sends_announced(live)
    assert {m for _, m in announced} == {str(r.message.id) for r in results}

    # Every time, for one message: it gets an error, the others land, nothing of it is left.
    live.sent.clear()
    with failing_insert(db, marker="TRASIG") as failed:
        results = await together(
            (chat, anna, t1, text("a3")), (chat, sara, t1, text("TRASIG")),
            (chat, bertil, t2, text("b3")), (chat, sara, t1, text("s3")),
        )
    assert len(failed) == 2  # in the batch, then alone
    assert [type(r) for r in results].count(SendResult) == 3
    assert not isinstance(results[1], SendResult | NaraError)  # the database's own error
    bodies = [m.body for m in await assert_whole(db, t1)]
    assert "TRASIG" not in bodies and bodies[-3:] == ["a2", "a3", "s3"]
    assert [m.body for m in await assert_whole(db, t2)][-1] == "b3"
    announced_ids = {m for _, m in sends_announced(live)}
    assert announced_ids == {str(r.message.id) for r in results if isinstance(r, SendResult)}
    # Each committed send's outbox row, none of a rolled back one (published rows are deleted
    # later, by the outbox loop this test does not run).
    assert await outbox_rows(db) == outbox_before + len(sends) + 3


async def test_a_failed_commit_runs_every_send_of_the_batch_alone(
    chat: ChatService, as_: People, demo: DemoIds, db: Database, live: RecordedEvents
) -> None:
    t1, t2 = await anna_thread(chat, as_, demo), await bertil_thread(chat, as_, demo)
    anna, bertil, sara = [await as_(u) for u in ("anna", "bertil", "sara")]
    seen = Transactions()
    broke: list[int] = []

    def on_statement(conn: Any, _cursor: Any, sql: str, *_a: Any) -> None:
        seen.statement(conn, sql)

    def on_commit(conn: Any) -> None:
        inserts = seen.inserts.get(id(conn), 0)
        if inserts > 1 and not broke:  # the batch's commit, once
            broke.append(inserts)
            seen.rolled_back(conn)
            raise RuntimeError("injected: the commit failed")
        seen.committed(conn)

    engine = db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", on_statement)
    event.listen(engine, "commit", on_commit)
    try:
        results = await together(
            (chat, anna, t1, text("a1")), (chat, sara, t1, text("s1")),
            (chat, bertil, t2, text("b1")),
        )
    finally:
        event.remove(engine, "before_cursor_execute", on_statement)
        event.remove(engine, "commit", on_commit)
    assert broke == [3]
    assert all(isinstance(r, SendResult) and not r.duplicate for r in results)
    assert seen.inserts_per_commit == [1, 1, 1]  # then each alone, one after another
    assert [m.body for m in (await assert_whole(db, t1))[1:]] == ["a1", "s1"]
    assert [m.body for m in (await assert_whole(db, t2))[1:]] == ["b1"]


async def test_send_batch_one_gives_every_send_its_own_transaction(
    db: Database, as_: People, demo: DemoIds, live: RecordedEvents
) -> None:
    chat = ChatService(db, live=live, send_batch=1)
    thread_id = await anna_thread(chat, as_, demo)
    anna, sara = await as_("anna"), await as_("sara")
    with watching(db, live) as seen:
        results = await together(
            (chat, anna, thread_id, text("1")), (chat, sara, thread_id, text("2")),
            (chat, anna, thread_id, text("3")),
        )
    assert all(isinstance(r, SendResult) for r in results)
    assert seen.inserts_per_commit == [1, 1, 1]
    await assert_whole(db, thread_id)


async def test_a_batch_not_published_after_its_commit_is_swept_whole(
    chat: ChatService, as_: People, demo: DemoIds, db: Database, live: RecordedEvents
) -> None:
    """The process dies between a batch's one commit and its one publish: every send's
    outbox row stays, and the sweep publishes each of the batch's messages once, in order."""
    thread_id = await anna_thread(chat, as_, demo)
    anna, sara = await as_("anna"), await as_("sara")
    await chat.events.flush(db)
    before = await outbox_rows(db)

    def crash(_events: Any) -> None:
        raise RuntimeError("died after the commit")

    chat.events.before_publish = crash
    live.sent.clear()
    with watching(db, live) as seen:
        results = await together(
            *((chat, anna if i % 2 else sara, thread_id, text(f"M {i}")) for i in range(6))
        )
    chat.events.before_publish = None
    assert all(isinstance(r, SendResult) for r in results)
    assert max(seen.inserts_per_commit) > 1  # a batch
    assert sends_announced(live) == []  # nothing went out
    await chat.events.flush(db)  # nothing was published: nothing to forget
    assert await outbox_rows(db) == before + 6
    live.sent.clear()
    await chat.events.sweep(db, stale_s=0)
    assert await outbox_rows(db) == 0
    rows = await stored(db, thread_id)
    staff_side = [
        p.payload["message"]["id"]
        for p in live.of("message")
        if not any(a.startswith("patient:") for a in p.audiences)
    ]
    assert staff_side == [str(m.id) for m in rows[1:]]
