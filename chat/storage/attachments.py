"""Attachments: uploads, binding to a message, and what the purge may remove."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import case, delete, func, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from chat.models import Attachment, Message


class AttachmentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    def add(self, rows: Iterable[Attachment]) -> None:
        self.s.add_all(rows)

    async def flush(self) -> None:
        await self.s.flush()

    async def get(self, attachment_id: uuid.UUID) -> Attachment | None:
        return await self.s.get(Attachment, attachment_id)

    async def message_kind(self, message_id: uuid.UUID) -> str | None:
        return await self.s.scalar(select(Message.kind).where(Message.id == message_id))

    async def bind(
        self,
        ids: Sequence[uuid.UUID],
        *,
        message_id: uuid.UUID,
        uploader_id: uuid.UUID,
        thread_id: uuid.UUID,
        at: datetime,
    ) -> int:
        """Bind unbound uploads of this uploader in this thread; returns how many were bound.

        One conditional UPDATE, so two messages racing for the same upload cannot both win:
        the loser sees fewer rows than it asked for. ``position`` keeps the order of ``ids``.
        """
        order = case({a: i for i, a in enumerate(ids)}, value=Attachment.id)
        result = await self.s.execute(
            update(Attachment)
            .where(
                Attachment.id.in_(list(ids)),
                Attachment.message_id.is_(None),
                Attachment.uploader_id == uploader_id,
                Attachment.thread_id == thread_id,
            )
            .values(message_id=message_id, bound_at=at, position=order)
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def for_messages(self, message_ids: Sequence[uuid.UUID]) -> list[Attachment]:
        if not message_ids:
            return []
        rows = await self.s.scalars(
            select(Attachment)
            .where(Attachment.message_id.in_(list(message_ids)))
            .order_by(Attachment.message_id, Attachment.position, Attachment.id)
        )
        return list(rows)

    async def stale_unbound(self, before: datetime, limit: int = 500) -> list[uuid.UUID]:
        rows = await self.s.scalars(
            select(Attachment.id)
            .where(Attachment.message_id.is_(None), Attachment.created_at < before)
            .order_by(Attachment.created_at)
            .limit(limit)
        )
        return list(rows)

    async def delete_unbound(self, ids: Sequence[uuid.UUID]) -> list[tuple[str, str | None]]:
        """Delete those still unbound (a message may have bound one meanwhile); their blobs."""
        if not ids:
            return []
        result = await self.s.execute(
            delete(Attachment)
            .where(Attachment.id.in_(list(ids)), Attachment.message_id.is_(None))
            .returning(Attachment.sha256, Attachment.thumb_sha256)
            .execution_options(synchronize_session=False)
        )
        return [(sha, thumb) for sha, thumb in result]

    async def blob_in_use(self, sha256: str) -> bool:
        """Content is shared (deduplicated): a blob stays while any row names it."""
        count = await self.s.scalar(
            select(func.count())
            .select_from(Attachment)
            .where(or_(Attachment.sha256 == sha256, Attachment.thumb_sha256 == sha256))
        )
        return bool(count)

    async def lock_blobs(self, keys: Iterable[str]) -> None:
        """Serialise upload and purge per blob until commit (PostgreSQL advisory locks).

        Without it a purge could delete a blob that a concurrent upload has just reused.
        SQLite needs nothing: its writers are already serialised by the database's write lock.
        """
        if self.s.get_bind().dialect.name != "postgresql":
            return
        for key in sorted(set(keys)):  # a fixed order: no deadlocks between two requests
            await self.s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": int(key[:15], 16)})
