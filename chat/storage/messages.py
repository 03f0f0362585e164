"""Messages: append-only, gap-free sequence per thread, idempotent on the client's id."""

from __future__ import annotations

import uuid
from typing import cast

from sqlalchemy import Table, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from chat.models import Message, MessageKind
from chat.storage.threads import ThreadRepository

_MESSAGES = cast(Table, Message.__table__)
_COLUMNS = [c.key for c in _MESSAGES.columns]


class MessageRepository:
    def __init__(self, session: AsyncSession, threads: ThreadRepository | None = None) -> None:
        self.s = session
        self.threads = threads or ThreadRepository(session)

    async def insert(self, message: Message) -> None:
        """One INSERT (no unit of work), so a duplicate client id fails here, inside the
        transaction. What the patient side may see gets its patient_seq: the one taken with
        the seq (ThreadRepository.take_seq), else the thread's next."""
        if message.kind != MessageKind.INTERNAL_NOTE and message.patient_seq is None:
            taken = self.threads.patient_seqs.pop((message.thread_id, message.seq), None)
            if taken is None:
                taken = await self.threads.next_patient_seq(message.thread_id)
            message.patient_seq = taken
        values = {k: v for k in _COLUMNS if (v := getattr(message, k)) is not None}
        await self.s.execute(insert(_MESSAGES).values(values))

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
        after_patient_seq: int | None = None,
        before_patient_seq: int | None = None,
    ) -> list[Message]:
        """Messages in ascending order: after a seq or patient_seq (catch-up) or the latest
        before one."""
        q = select(Message).where(Message.thread_id == thread_id)
        if not include_internal:
            q = q.where(Message.kind != MessageKind.INTERNAL_NOTE)
        if after_patient_seq is not None:
            q = q.where(Message.patient_seq > after_patient_seq)
            return list(await self.s.scalars(q.order_by(Message.seq.asc()).limit(limit)))
        if after_seq is not None:
            q = q.where(Message.seq > after_seq).order_by(Message.seq.asc()).limit(limit)
            return list(await self.s.scalars(q))
        if before_seq is not None:
            q = q.where(Message.seq < before_seq)
        if before_patient_seq is not None:
            q = q.where(Message.patient_seq < before_patient_seq)
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
