"""Several group-commit batches in flight at once (PostgreSQL): batches of different keys run
side by side on their own connections, one key's works never do (chat/storage/group_commit.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import text

from chat.service import ChatService
from chat.storage import Database
from chat.storage.database import Store
from chat.storage.group_commit import GroupCommit


class Journal:
    """What the works did, in order: ("start", name) when a work's statement has run inside
    its transaction, ("done", name) when its caller got the committed answer."""

    def __init__(self) -> None:
        self.entries: list[tuple[str, str]] = []

    def work(
        self, name: str, gate: asyncio.Event | None = None
    ) -> Callable[[Store], Awaitable[str]]:
        async def run(store: Store) -> str:
            backend = await store.session.scalar(text("SELECT pg_backend_pid()"))
            self.entries.append(("start", name))
            if gate is not None:
                await gate.wait()
            return f"{name}@{backend}"

        return run


async def settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0.01)


@pytest.fixture
def postgres(db: Database) -> Database:
    if db.is_sqlite:
        pytest.skip("SQLite has one writer: one batch at a time")
    return db


async def test_a_batch_of_another_key_runs_beside_one_in_flight(postgres: Database) -> None:
    group: GroupCommit[str] = GroupCommit(postgres, limit=32, in_flight=2)
    journal, gate = Journal(), asyncio.Event()
    first = asyncio.create_task(group.write(journal.work("a1", gate), key="t1"))
    await settle()
    assert journal.entries == [("start", "a1")]
    beside = asyncio.create_task(group.write(journal.work("b1"), key="t2"))
    after = asyncio.create_task(group.write(journal.work("a2"), key="t1"))
    b_answer = await asyncio.wait_for(beside, 10)
    # t2 committed while t1's batch still waits; t1's second work has not started.
    assert not first.done() and not after.done()
    assert journal.entries == [("start", "a1"), ("start", "b1")]
    gate.set()
    a1_answer, a2_answer = await asyncio.wait_for(asyncio.gather(first, after), 10)
    assert journal.entries == [("start", "a1"), ("start", "b1"), ("start", "a2")]
    # Each batch on its own connection while both were open.
    assert a1_answer.split("@")[1] != b_answer.split("@")[1]
    assert a2_answer.startswith("a2@")


async def test_no_more_batches_than_in_flight(postgres: Database) -> None:
    group: GroupCommit[str] = GroupCommit(postgres, limit=32, in_flight=2)
    journal, gate = Journal(), asyncio.Event()
    tasks = [asyncio.create_task(group.write(journal.work("a", gate), key="t1"))]
    await settle()
    tasks.append(asyncio.create_task(group.write(journal.work("b", gate), key="t2")))
    await settle()
    tasks.append(asyncio.create_task(group.write(journal.work("c"), key="t3")))
    await settle()
    assert journal.entries == [("start", "a"), ("start", "b")]
    gate.set()
    answers = await asyncio.wait_for(asyncio.gather(*tasks), 10)
    assert [a.split("@")[0] for a in answers] == ["a", "b", "c"]
    assert journal.entries[2] == ("start", "c")


async def test_one_keys_works_keep_their_order_across_batches(postgres: Database) -> None:
    """Works of one key arriving while its batch is in flight wait, in arrival order, and
    go together in the next batch."""
    group: GroupCommit[str] = GroupCommit(postgres, limit=32, in_flight=4)
    journal, gate = Journal(), asyncio.Event()
    tasks = [asyncio.create_task(group.write(journal.work("k0", gate), key="t1"))]
    await settle()
    tasks += [asyncio.create_task(group.write(journal.work(f"k{i}"), key="t1"))
              for i in range(1, 6)]
    await settle()
    assert journal.entries == [("start", "k0")]
    gate.set()
    await asyncio.wait_for(asyncio.gather(*tasks), 10)
    assert [name for _, name in journal.entries] == [f"k{i}" for i in range(6)]


async def test_sqlite_chat_service_keeps_one_batch_in_flight(db: Database) -> None:
    chat = ChatService(db, send_batches_in_flight=4)
    assert chat._sends.in_flight == (1 if db.is_sqlite else 4)
