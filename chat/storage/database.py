"""Engine, sessions and transactions for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from chat.storage.access_log import AccessLogRepository
from chat.storage.alerts import AlertRepository
from chat.storage.attachments import AttachmentRepository
from chat.storage.directory import DirectoryRepository
from chat.storage.identities import IdentityRepository
from chat.storage.live_outbox import LiveOutboxRepository
from chat.storage.meetings import MeetingRepository
from chat.storage.messages import MessageRepository
from chat.storage.notifications import NotificationRepository
from chat.storage.privacy import PrivacyRepository
from chat.storage.sessions import SessionRepository
from chat.storage.threads import ThreadRepository

log = logging.getLogger("nara.storage")
Hook = Callable[[], Awaitable[None]]
T = TypeVar("T")
# A unit of work inside a write transaction; it may run again after a rollback, so whatever
# it does outside the database waits for ``Store.on_commit``.
Work = Callable[["Store"], Awaitable[T]]


class PartFailed(Exception):
    """:meth:`Database.write_each`: the work at ``index`` raised (its exception is the
    ``__cause__``); the whole transaction was rolled back."""

    def __init__(self, index: int) -> None:
        super().__init__(f"unit of work {index} failed")
        self.index = index


class Store:
    """The repositories bound to one session (one unit of work)."""

    def __init__(self, session: AsyncSession, shared: dict[object, Any] | None = None) -> None:
        self.session = session
        self._before_commit: list[Hook] = []
        self._after_commit: list[Hook] = []
        # Per-unit-of-work state of the services (e.g. the live events queued so far).
        self.scratch: dict[object, Any] = {}
        # State of the whole transaction, shared by the stores of one
        # :meth:`Database.write_each` (the same as a fresh dict for one unit of work): e.g. the
        # live events of all its sends, published together after the one commit.
        self.shared: dict[object, Any] = {} if shared is None else shared
        self.live_outbox = LiveOutboxRepository(session)
        self.directory = DirectoryRepository(session)
        self.threads = ThreadRepository(session)
        self.messages = MessageRepository(session, self.threads)
        self.sessions = SessionRepository(session)
        self.access_log = AccessLogRepository(session)
        self.attachments = AttachmentRepository(session)
        self.alerts = AlertRepository(session)
        self.privacy = PrivacyRepository(session)
        self.notifications = NotificationRepository(session)
        self.identities = IdentityRepository(session)
        self.meetings = MeetingRepository(session)

    def on_commit(self, callback: Hook) -> None:
        """Run ``callback`` once the transaction has committed (never after a rollback);
        what it tells clients can then always be read back. Zulip: send_event_on_commit."""
        self._after_commit.append(callback)

    def before_commit(self, callback: Hook) -> None:
        """Run ``callback`` as the last step inside the transaction."""
        self._before_commit.append(callback)

    async def _finish(self) -> None:
        while self._before_commit:
            await self._before_commit.pop(0)()

    async def _committed(self) -> None:
        for callback in self._after_commit:
            try:
                await callback()
            except Exception:  # committed is committed: the caller's answer stands
                log.exception("after-commit callback failed")
        self._after_commit.clear()


class Database:
    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        kwargs: dict[str, Any] = {"echo": echo}
        if not self.is_sqlite:
            # No ping per checkout (a round trip each): a connection PostgreSQL dropped fails
            # once and is replaced (SQLAlchemy invalidates the pool on a disconnect error).
            kwargs.update(pool_size=20, max_overflow=20, pool_pre_ping=False, pool_recycle=1800)
        self.engine: AsyncEngine = create_async_engine(url, **kwargs)
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        # PostgreSQL: reads outside a transaction (no BEGIN and ROLLBACK round trips).
        self._lookups = (
            self._sessions
            if self.is_sqlite
            else async_sessionmaker(
                self.engine.execution_options(isolation_level="AUTOCOMMIT"),
                expire_on_commit=False,
            )
        )
        # SQLite has one writer at a time; queue writers here instead of failing with "locked".
        self._write_lock = asyncio.Lock() if self.is_sqlite else None

    async def dispose(self) -> None:
        await self.engine.dispose()

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Store]:
        """Reads only; ``on_commit`` callbacks run when the block ends without an error."""
        async with self._sessions() as session:
            store = Store(session)
            yield store
        await store._committed()

    @asynccontextmanager
    async def lookup(self) -> AsyncIterator[Store]:
        """A read that needs no snapshot across its statements (a session's actor): on
        PostgreSQL in autocommit mode, saving the BEGIN and ROLLBACK round trips. Under READ
        COMMITTED each statement of a transaction sees its own snapshot anyway, so what it
        reads is the same; nothing may be written or locked here. SQLite: :meth:`read`."""
        async with self._lookups() as session:
            store = Store(session)
            yield store
        await store._committed()

    @asynccontextmanager
    async def write(self) -> AsyncIterator[Store]:
        """One transaction: committed when the block ends, rolled back on any exception; the
        ``on_commit`` callbacks run after the commit (and after SQLite's writer lock)."""
        async with self._transaction() as session:
            store = Store(session)
            yield store
            await store._finish()
        await store._committed()

    async def write_each(self, works: Sequence[Work[T]]) -> list[T]:
        """Several units of work in one transaction (group commit, chat/storage/group_commit.py),
        one after another, each on a Store of its own: its own hooks and scratch, the session
        shared, and so is :attr:`Store.shared`. Between them the session is flushed and lets go
        of its objects, so each work sees the ones before it as if they had committed (and no
        object loaded before it). After the one commit each work's ``on_commit`` callbacks
        run, in order. The first exception rolls all of them back; raised from a work it comes
        as :class:`PartFailed` (which one), from the commit as it is."""
        stores: list[Store] = []
        results: list[T] = []
        shared: dict[object, Any] = {}
        async with self._transaction() as session:
            for index, work in enumerate(works):
                store = Store(session, shared)
                try:
                    results.append(await work(store))
                    await store._finish()
                    await session.flush()
                except Exception as exc:
                    raise PartFailed(index) from exc
                session.expunge_all()
                stores.append(store)
        for store in stores:
            await store._committed()
        return results

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[AsyncSession]:
        if self._write_lock is None:
            async with self._sessions() as session, session.begin():
                yield session
        else:
            async with self._write_lock, self._sessions() as session, session.begin():
                yield session


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
