"""The live-event outbox: events written with the transaction they announce (chat/events.py)."""

from __future__ import annotations

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

    async def add(self, events: list[dict[str, Any]], at: datetime) -> int:
        row_id = await self.s.scalar(
            insert(_TABLE).values(events=events, created_at=at).returning(_TABLE.c.id)
        )
        assert row_id is not None
        return int(row_id)

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
