"""Messages: append-only, gap-free sequence per thread, idempotent on the client's id."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from chat.models import Message, MessageKind


class MessageRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def insert(self, message: Message) -> None:
        """Insert and flush so a duplicate client id fails here, inside the transaction."""
        self.s.add(message)
        await self.s.flush()

    async def by_client_id(self, author_id: uuid.UUID, client_id: str) -> Message | None:
        return await self.s.scalar(
            select(Message).where(Message.author_id == author_id, Message.client_id == client_id)
        )

    async def get(self, message_id: uuid.UUID) -> Message | None:
        return await self.s.get(Message, message_id)

    async def page(
        self,
        thread_id: uuid.UUID,
        *,
        include_internal: bool,
        after_seq: int | None = None,
        before_seq: int | None = None,
        limit: int = 50,
    ) -> list[Message]:
        """Messages in ascending order: after a seq (catch-up) or the latest before a seq."""
        q = select(Message).where(Message.thread_id == thread_id)
        if not include_internal:
            q = q.where(Message.kind != MessageKind.INTERNAL_NOTE)
        if after_seq is not None:
            q = q.where(Message.seq > after_seq).order_by(Message.seq.asc()).limit(limit)
            return list(await self.s.scalars(q))
        if before_seq is not None:
            q = q.where(Message.seq < before_seq)
        rows = list(await self.s.scalars(q.order_by(Message.seq.desc()).limit(limit)))
        rows.reverse()
        return rows

    async def first_text(self, thread_id: uuid.UUID) -> Message | None:
        return await self.s.scalar(
            select(Message)
            .where(Message.thread_id == thread_id, Message.kind == MessageKind.TEXT)
            .order_by(Message.seq)
            .limit(1)
        )
