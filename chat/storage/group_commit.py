"""Group commit: writes that arrive while one is in flight go together in one transaction.

A caller hands :meth:`GroupCommit.write` a unit of work; it runs at once when nothing else of
this group is in flight, else with the others that arrived meanwhile (up to ``limit``) as the
next batch, one after another in one transaction (:meth:`Database.write_each`): one
``BEGIN``/``COMMIT`` for all of them, and on SQLite one turn of the writer lock. There is no
waiting for company: at light load every batch is one write, exactly :meth:`Database.write`.

Each caller gets its own result or its own exception. A batch in which a work raises is
rolled back (no savepoints: nothing is paid for isolation while all goes well) and its works
run again: the failed one alone, as :meth:`Database.write` would have run it, so a refusal or
a duplicate answers exactly as without batching; the ones before and after it again together
(each of those batches treated the same way). A failed commit runs every work alone. Nothing
is committed twice: a work's writes count only with the transaction that committed them, and
its ``on_commit`` callbacks run only after that commit.

Works run in arrival order, ordered by their ``key`` within a batch (stably: works of one key
keep their order). Callers whose writes lock rows give the row's key (a send: its thread), so
that batches of several processes lock in one order and do not deadlock each other; a deadlock
that still happens fails the batch, which then runs as above.

Up to ``in_flight`` batches run at once, each on its own connection (PostgreSQL: while one
waits for a round trip, another's statements run), but never two with works of one key: a
key's works wait while a batch holding that key is in flight, so a thread's sends still take
their seqs, commit and publish in arrival order.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from dataclasses import dataclass
from typing import Generic, TypeVar

from chat.storage.database import Database, PartFailed, Work

log = logging.getLogger("nara.storage")
T = TypeVar("T")


@dataclass
class _Pending(Generic[T]):
    work: Work[T]
    key: str
    answer: asyncio.Future[T]

    def give(self, result: T) -> None:
        if not self.answer.done():  # done: the caller gave up (cancelled) meanwhile
            self.answer.set_result(result)

    def fail(self, error: BaseException) -> None:
        if self.answer.done():
            return
        if isinstance(error, asyncio.CancelledError):
            self.answer.cancel()
        else:
            self.answer.set_exception(error)


class GroupCommit(Generic[T]):
    """Batches of at most ``limit`` works in one transaction, at most ``in_flight`` batches at
    once; ``limit`` 1: every work in a transaction of its own, in the caller's task (as
    :meth:`Database.write`)."""

    def __init__(self, db: Database, limit: int, in_flight: int = 1) -> None:
        self.db = db
        self.limit = max(1, limit)
        self.in_flight = max(1, in_flight)
        self._queue: deque[_Pending[T]] = deque()
        self._runners: set[asyncio.Task[None]] = set()
        self._starting: asyncio.Task[None] | None = None  # spawned, batch not yet taken
        self._busy: set[str] = set()  # the keys of the batches in flight

    async def write(self, work: Work[T], *, key: str = "") -> T:
        """``work``'s result once its transaction has committed (and its ``on_commit``
        callbacks have run), or its exception; it may be called more than once (after a
        rollback), so what it does outside the database belongs in ``Store.on_commit``."""
        if self.limit == 1:
            async with self.db.write() as store:
                return await work(store)
        pending = _Pending(work, key, asyncio.get_running_loop().create_future())
        self._queue.append(pending)
        self._start(arrived=pending)
        return await pending.answer

    def _start(self, arrived: _Pending[T] | None = None) -> None:
        """A runner for the next batch, if a slot is free and a queued work's key is not in
        flight (on a send, only the one that ``arrived`` needs looking at: the queue was looked
        at when it last changed). It takes its batch when it first runs: what arrived meanwhile
        goes with it."""
        if self._starting or len(self._runners) >= self.in_flight:
            return
        waiting = (arrived,) if arrived is not None else self._queue
        if all(p.key in self._busy for p in waiting):
            return
        task = asyncio.create_task(self._drain())
        task.add_done_callback(self._ended)
        self._starting = task
        self._runners.add(task)

    def _ended(self, task: asyncio.Task[None]) -> None:
        self._runners.discard(task)
        if self._starting is task:  # cancelled before it ran (shutdown): nobody waits forever
            self._starting = None
            for pending in self._queue:
                pending.fail(asyncio.CancelledError())
            self._queue = deque()
        self._start()

    async def _drain(self) -> None:
        keys: set[str] = set()
        batch: list[_Pending[T]] = []
        try:
            self._starting = None
            batch = self._take()
            keys = {p.key for p in batch}
            self._busy |= keys
            self._start()  # works of other keys may go at once, beside this batch
            await self._run(batch)
        except BaseException as exc:  # cancelled (shutdown), or a bug here: nobody waits forever
            for pending in [*batch, *self._queue]:
                pending.fail(exc)
            self._queue = deque()
            if not isinstance(exc, Exception):
                raise
            log.exception("group commit failed")
        finally:
            self._busy -= keys

    def _take(self) -> list[_Pending[T]]:
        """The next batch in arrival order, skipping (and keeping queued, in order) the works
        whose key a batch in flight holds; works whose caller gave up are dropped."""
        batch: list[_Pending[T]] = []
        kept: deque[_Pending[T]] = deque()
        while self._queue:
            pending = self._queue.popleft()
            if pending.answer.done():
                continue
            if len(batch) < self.limit and pending.key not in self._busy:
                batch.append(pending)
            else:
                kept.append(pending)
        self._queue = kept
        return sorted(batch, key=lambda p: p.key)

    async def _run(self, batch: list[_Pending[T]]) -> None:
        """Every work of ``batch`` to its answer, in order (not those whose caller gave up)."""
        batch = [p for p in batch if not p.answer.done()]
        if not batch:
            return
        if len(batch) == 1:
            await self._alone(batch[0])
            return
        try:
            results = await self.db.write_each([p.work for p in batch])
        except PartFailed as failed:
            index = failed.index
            if index:
                await self._run(batch[:index])
            await self._alone(batch[index])
            if index + 1 < len(batch):
                await self._run(batch[index + 1 :])
            return
        except Exception:  # the commit: nothing to blame on one work
            for pending in batch:
                await self._alone(pending)
            return
        for pending, result in zip(batch, results, strict=True):
            pending.give(result)

    async def _alone(self, pending: _Pending[T]) -> None:
        if pending.answer.done():
            return
        try:
            async with self.db.write() as store:
                result = await pending.work(store)
        except Exception as exc:
            pending.fail(exc)
        else:
            pending.give(result)
