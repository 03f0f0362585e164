"""Threads (ärenden), their participants and read state."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from chat.access import ThreadScope
from chat.models import (
    Message,
    MessageKind,
    ReadState,
    RoutingCorrection,
    Team,
    Thread,
    ThreadParticipant,
)
from chat.storage.privacy import PrivacyRepository


class ThreadRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    def _dialect(self) -> str:
        return self.s.get_bind().dialect.name

    def add(self, thread: Thread) -> None:
        self.s.add(thread)

    async def get(self, thread_id: uuid.UUID) -> Thread | None:
        return await self.s.get(Thread, thread_id)

    async def scope(self, thread_id: uuid.UUID) -> ThreadScope | None:
        row = (
            await self.s.execute(
                select(Thread, Team.unit_id)
                .join(Team, Team.id == Thread.team_id)
                .where(Thread.id == thread_id)
            )
        ).first()
        if row is None:
            return None
        thread, unit_id = row
        participants = await self.participant_ids(thread.id)
        blocked, members, overrides = await PrivacyRepository(self.s).block_facts(
            thread.patient_id, unit_id, participants
        )
        return ThreadScope(
            thread_id=thread.id,
            patient_id=thread.patient_id,
            team_id=thread.team_id,
            unit_id=unit_id,
            status=thread.status,
            participant_ids=frozenset(participants),
            attachments_allowed=thread.attachments_allowed,
            patient_visible=thread.patient_visible,
            blocked=blocked,
            unit_member_ids=members,
            override_ids=overrides,
        )

    async def participant_ids(self, thread_id: uuid.UUID) -> list[uuid.UUID]:
        rows = await self.s.scalars(
            select(ThreadParticipant.user_id).where(ThreadParticipant.thread_id == thread_id)
        )
        return list(rows)

    async def add_participant(
        self, thread_id: uuid.UUID, user_id: uuid.UUID, added_by: uuid.UUID | None
    ) -> bool:
        """Add once; False when already there (the primary key decides, not a prior read)."""
        values = {"thread_id": thread_id, "user_id": user_id, "added_by": added_by}
        insert = pg_insert if self._dialect() == "postgresql" else sqlite_insert
        stmt = insert(ThreadParticipant).values(**values).on_conflict_do_nothing()
        result = await self.s.execute(stmt)
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def next_seq(
        self,
        thread_id: uuid.UUID,
        at: datetime | None = None,
        *,
        unless_status: str | None = None,
        **values: object,
    ) -> int | None:
        """Take the next sequence number; the row lock serialises writers of one thread.

        ``at`` and ``values`` update the thread in the same statement. With ``unless_status``
        nothing happens (None) when the thread has that status by now.
        """
        if at is not None:
            values["updated_at"] = at
        stmt = update(Thread).where(Thread.id == thread_id)
        if unless_status is not None:
            stmt = stmt.where(Thread.status != unless_status)
        seq = await self.s.scalar(
            stmt.values(last_seq=Thread.last_seq + 1, **values).returning(Thread.last_seq)
        )
        return int(seq) if seq is not None else None

    async def touch(self, thread_id: uuid.UUID, at: datetime, **values: object) -> None:
        await self.s.execute(
            update(Thread).where(Thread.id == thread_id).values(updated_at=at, **values)
        )

    async def list_visible(
        self,
        *,
        patient_ids: Sequence[uuid.UUID] = (),
        team_ids: Sequence[uuid.UUID] = (),
        user_id: uuid.UUID | None = None,
        status: str | None = None,
        limit: int = 200,
    ) -> list[Thread]:
        conditions = []
        if patient_ids:
            conditions.append(
                and_(Thread.patient_id.in_(set(patient_ids)), Thread.patient_visible.is_(True))
            )
        if team_ids:
            conditions.append(Thread.team_id.in_(set(team_ids)))
        if user_id is not None:
            participant = select(ThreadParticipant.thread_id).where(
                ThreadParticipant.user_id == user_id
            )
            conditions.append(Thread.id.in_(participant))
        if not conditions:
            return []
        q = select(Thread).where(or_(*conditions))
        if status:
            q = q.where(Thread.status == status)
        q = q.order_by(Thread.updated_at.desc()).limit(limit)
        return list(await self.s.scalars(q))

    async def read_seqs(
        self, user_id: uuid.UUID, thread_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, int]:
        if not thread_ids:
            return {}
        rows = await self.s.execute(
            select(ReadState.thread_id, ReadState.last_read_seq).where(
                ReadState.user_id == user_id, ReadState.thread_id.in_(set(thread_ids))
            )
        )
        return {t: int(seq) for t, seq in rows}

    async def unread_counts(
        self, user_id: uuid.UUID, thread_ids: Sequence[uuid.UUID], *, include_internal: bool
    ) -> dict[uuid.UUID, int]:
        """Messages by others after the user's read mark, per thread."""
        if not thread_ids:
            return {}
        read = (
            select(ReadState.thread_id, ReadState.last_read_seq)
            .where(ReadState.user_id == user_id)
            .subquery()
        )
        q = (
            select(Message.thread_id, func.count())
            .outerjoin(read, read.c.thread_id == Message.thread_id)
            .where(
                Message.thread_id.in_(set(thread_ids)),
                Message.seq > func.coalesce(read.c.last_read_seq, 0),
                or_(Message.author_id.is_(None), Message.author_id != user_id),
            )
            .group_by(Message.thread_id)
        )
        if not include_internal:
            q = q.where(Message.kind != MessageKind.INTERNAL_NOTE)
        rows = await self.s.execute(q)
        return {t: int(n) for t, n in rows}

    async def mark_read(
        self, thread_id: uuid.UUID, user_id: uuid.UUID, seq: int, at: datetime, report: bool = True
    ) -> int:
        """Move the read mark forward only; returns the mark now stored (if ``report``)."""
        insert = pg_insert if self._dialect() == "postgresql" else sqlite_insert
        table = ReadState.__table__
        stmt = insert(ReadState).values(
            thread_id=thread_id, user_id=user_id, last_read_seq=seq, updated_at=at
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["thread_id", "user_id"],
            set_={"last_read_seq": seq, "updated_at": at},
            where=table.c.last_read_seq < seq,
        )
        await self.s.execute(stmt)
        if not report:
            return seq
        stored = await self.s.scalar(
            select(ReadState.last_read_seq).where(
                and_(ReadState.thread_id == thread_id, ReadState.user_id == user_id)
            )
        )
        return int(stored or 0)

    async def read_marks(self, thread_id: uuid.UUID) -> list[tuple[uuid.UUID, int]]:
        rows = await self.s.execute(
            select(ReadState.user_id, ReadState.last_read_seq).where(
                ReadState.thread_id == thread_id
            )
        )
        return [(u, int(s)) for u, s in rows]

    def add_correction(self, correction: RoutingCorrection) -> None:
        self.s.add(correction)

    async def corrections(self) -> list[tuple[uuid.UUID, str]]:
        rows = await self.s.execute(
            select(RoutingCorrection.thread_id, RoutingCorrection.to_category).order_by(
                RoutingCorrection.id
            )
        )
        return [(t, c) for t, c in rows]
