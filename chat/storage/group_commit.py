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
    """Batches of at most ``limit`` works in one transaction; ``limit`` 1: every work in a
    transaction of its own, in the caller's task (as :meth:`Database.write`)."""

    def __init__(self, db: Database, limit: int) -> None:
        self.db = db
        self.limit = max(1, limit)
        self._queue: deque[_Pending[T]] = deque()
        self._runner: asyncio.Task[None] | None = None
        self._running: list[_Pending[T]] = []

    async def write(self, work: Work[T], *, key: str = "") -> T:
        """``work``'s result once its transaction has committed (and its ``on_commit``
        callbacks have run), or its exception; it may be called more than once (after a
        rollback), so what it does outside the database belongs in ``Store.on_commit``."""
        if self.limit == 1:
            async with self.db.write() as store:
                return await work(store)
        pending = _Pending(work, key, asyncio.get_running_loop().create_future())
        self._queue.append(pending)
        if self._runner is None:
            self._runner = asyncio.create_task(self._drain())
        return await pending.answer

    async def _drain(self) -> None:
        try:
            while self._queue:
                batch = self._take()
                self._running = batch
                await self._run(batch)
                self._running = []
        except BaseException as exc:  # cancelled (shutdown), or a bug here: nobody waits forever
            for pending in [*self._running, *self._queue]:
                pending.fail(exc)
            self._running, self._queue = [], deque()
            if not isinstance(exc, Exception):
                raise
            log.exception("group commit failed")
        finally:
            self._runner = None

    def _take(self) -> list[_Pending[T]]:
        batch: list[_Pending[T]] = []
        while self._queue and len(batch) < self.limit:
            pending = self._queue.popleft()
            if not pending.answer.done():
                batch.append(pending)
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
