"""The live-event outbox: events written with the transaction they announce (chat/events.py)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from chat.models import LiveOutbox

_TABLE = cast(Table, LiveOutbox.__table__)


class LiveOutboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def add(
        self, events: list[dict[str, Any]], at: datetime, message_id: uuid.UUID | None = None
    ) -> int:
        """``message_id``: the send's message, by which a resend claims the row (:meth:`claim`)."""
        row_id = await self.s.scalar(
            insert(_TABLE)
            .values(events=events, created_at=at, message_id=message_id)
            .returning(_TABLE.c.id)
        )
        assert row_id is not None
        return int(row_id)

    async def claim(self, message_id: uuid.UUID, at: datetime) -> tuple[int, list[Any]] | None:
        """The unpublished row of a send's message, taken for this transaction: it no longer
        names the message (no other resend finds it) and counts as written ``at`` (no sweep
        takes it as stale), so after the commit it is published and deleted like a send's own
        row, and swept should this process die first. None: no such row, or (PostgreSQL)
        another transaction holds it: a sweep publishing it, a resend claiming it, a flush
        deleting it (SKIP LOCKED: none of them is waited for)."""
        pick = select(_TABLE.c.id).where(_TABLE.c.message_id == message_id)
        if self.s.get_bind().dialect.name == "postgresql":
            pick = pick.with_for_update(skip_locked=True)
        row = (
            await self.s.execute(
                update(_TABLE)
                .where(_TABLE.c.id.in_(pick))
                .values(message_id=None, created_at=at)
                .returning(_TABLE.c.id, _TABLE.c.events)
            )
        ).first()
        return None if row is None else (int(row.id), list(row.events))

    async def replace(self, row_id: int, events: list[dict[str, Any]]) -> None:
        """Set the events of a row written earlier in this transaction."""
        await self.s.execute(update(_TABLE).where(_TABLE.c.id == row_id).values(events=events))

    async def delete(self, ids: Sequence[int]) -> None:
        if ids:
            await self.s.execute(delete(_TABLE).where(_TABLE.c.id.in_(list(ids))))

    async def stale(self, before: datetime, limit: int = 200) -> list[tuple[int, list[Any]]]:
        """Rows older than ``before``, locked for this transaction; on PostgreSQL rows another
        process is sweeping are skipped (SQLite has one writer at a time anyway)."""
        q = (
            select(_TABLE.c.id, _TABLE.c.events)
            .where(_TABLE.c.created_at < before)
            .order_by(_TABLE.c.id)
            .limit(limit)
        )
        if self.s.get_bind().dialect.name == "postgresql":
            q = q.with_for_update(skip_locked=True)
        return [(int(i), list(e)) for i, e in await self.s.execute(q)]
