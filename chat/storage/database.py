"""Engine, sessions and transactions for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

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
from chat.storage.messages import MessageRepository
from chat.storage.notifications import NotificationRepository
from chat.storage.privacy import PrivacyRepository
from chat.storage.sessions import SessionRepository
from chat.storage.threads import ThreadRepository


class Store:
    """The repositories bound to one session (one unit of work)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.directory = DirectoryRepository(session)
        self.threads = ThreadRepository(session)
        self.messages = MessageRepository(session)
        self.sessions = SessionRepository(session)
        self.access_log = AccessLogRepository(session)
        self.attachments = AttachmentRepository(session)
        self.alerts = AlertRepository(session)
        self.privacy = PrivacyRepository(session)
        self.notifications = NotificationRepository(session)


class Database:
    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        kwargs: dict[str, Any] = {"echo": echo}
        if not self.is_sqlite:
            kwargs.update(pool_size=20, max_overflow=20, pool_pre_ping=True)
        self.engine: AsyncEngine = create_async_engine(url, **kwargs)
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        # SQLite has one writer at a time; queue writers here instead of failing with "locked".
        self._write_lock = asyncio.Lock() if self.is_sqlite else None

    async def dispose(self) -> None:
        await self.engine.dispose()

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Store]:
        async with self._sessions() as session:
            yield Store(session)

    @asynccontextmanager
    async def write(self) -> AsyncIterator[Store]:
        """One transaction: committed when the block ends, rolled back on any exception."""
        if self._write_lock is None:
            async with self._sessions() as session, session.begin():
                yield Store(session)
            return
        async with self._write_lock, self._sessions() as session, session.begin():
            yield Store(session)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
