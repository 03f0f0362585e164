"""SQL for video meetings, invite links and guests' rejoin tokens."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from chat.models import (
    Meeting,
    MeetingInvite,
    MeetingMember,
    MeetingStatus,
    Thread,
    VideoRoom,
)


class MeetingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def add(self, meeting: Meeting) -> None:
        self.s.add(meeting)
        await self.s.flush()

    async def get(self, meeting_id: uuid.UUID) -> Meeting | None:
        return await self.s.get(Meeting, meeting_id)

    async def for_thread(self, thread_id: uuid.UUID) -> list[Meeting]:
        rows = await self.s.scalars(
            select(Meeting).where(Meeting.thread_id == thread_id).order_by(Meeting.created_at)
        )
        return list(rows)

    async def active_for(
        self,
        user_id: uuid.UUID,
        patient_ids: frozenset[uuid.UUID],
        team_ids: frozenset[uuid.UUID],
        since: datetime,
    ) -> list[Meeting]:
        """Not ended, started or booked since ``since``: as a member, for the patient side of
        a thread the patient sees, or for the team that owns the thread (newest first)."""
        conds = [Meeting.id.in_(select(MeetingMember.meeting_id).where(
            MeetingMember.user_id == user_id
        ))]
        if patient_ids:
            conds.append(Meeting.thread_id.in_(select(Thread.id).where(
                Thread.patient_id.in_(patient_ids), Thread.patient_visible.is_(True)
            )))
        if team_ids:
            conds.append(Meeting.thread_id.in_(
                select(Thread.id).where(Thread.team_id.in_(team_ids))
            ))
        rows = await self.s.scalars(
            select(Meeting)
            .where(
                Meeting.status != MeetingStatus.ENDED,
                or_(Meeting.created_at > since, Meeting.scheduled_at > since),
                or_(*conds),
            )
            .order_by(Meeting.created_at.desc())
            .limit(20)
        )
        return list(rows)

    async def member_ids(self, meeting_id: uuid.UUID) -> list[uuid.UUID]:
        rows = await self.s.scalars(
            select(MeetingMember.user_id).where(MeetingMember.meeting_id == meeting_id)
        )
        return list(rows)

    async def set_status(
        self, meeting_id: uuid.UUID, status: str, ended_at: datetime | None = None
    ) -> None:
        values: dict[str, object] = {"status": status}
        if ended_at is not None:
            values["ended_at"] = ended_at
        await self.s.execute(update(Meeting).where(Meeting.id == meeting_id).values(**values))

    async def mark_live(self, meeting_id: uuid.UUID) -> bool:
        """Scheduled → live; an ended meeting stays ended (a late join cannot revive it)."""
        result = await self.s.execute(
            update(Meeting)
            .where(Meeting.id == meeting_id, Meeting.status == MeetingStatus.SCHEDULED)
            .values(status=MeetingStatus.LIVE)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def member_role(self, meeting_id: uuid.UUID, user_id: uuid.UUID) -> str | None:
        return await self.s.scalar(
            select(MeetingMember.role).where(
                MeetingMember.meeting_id == meeting_id, MeetingMember.user_id == user_id
            )
        )

    async def patient_members(self, meeting_id: uuid.UUID) -> list[uuid.UUID]:
        """User ids invited with the patient role (whose data a joining staff member sees)."""
        rows = await self.s.scalars(
            select(MeetingMember.user_id).where(
                MeetingMember.meeting_id == meeting_id, MeetingMember.role == "patient"
            )
        )
        return list(rows)

    async def add_member(self, meeting_id: uuid.UUID, user_id: uuid.UUID, role: str) -> None:
        existing = await self.s.get(MeetingMember, (meeting_id, user_id))
        if existing is None:
            self.s.add(MeetingMember(meeting_id=meeting_id, user_id=user_id, role=role))
        else:
            existing.role = role
        await self.s.flush()

    def add_invite(self, invite: MeetingInvite) -> None:
        self.s.add(invite)

    async def use_invite(self, token_hash: str, now: datetime) -> MeetingInvite | None:
        """Consume a link once: the conditional UPDATE decides, so two tabs cannot both win."""
        result = await self.s.execute(
            update(MeetingInvite)
            .where(
                MeetingInvite.token_hash == token_hash,
                MeetingInvite.used_at.is_(None),
                MeetingInvite.revoked.is_(False),
                MeetingInvite.expires_at > now,
            )
            .values(used_at=now)
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            return None
        return await self.s.get(MeetingInvite, token_hash)

    async def set_rejoin(self, token_hash: str, rejoin_hash: str) -> None:
        await self.s.execute(
            update(MeetingInvite)
            .where(MeetingInvite.token_hash == token_hash)
            .values(rejoin_hash=rejoin_hash)
        )

    async def invite_for_rejoin(self, rejoin_hash: str) -> MeetingInvite | None:
        """The used link a guest's rejoin token belongs to, unless a host revoked it."""
        return await self.s.scalar(
            select(MeetingInvite).where(
                MeetingInvite.rejoin_hash == rejoin_hash, MeetingInvite.revoked.is_(False)
            )
        )

    async def add_room(self, room: VideoRoom) -> None:
        self.s.add(room)
        await self.s.flush()

    async def remove_room(self, server: str, room_id: int) -> None:
        await self.s.execute(
            delete(VideoRoom).where(VideoRoom.server == server, VideoRoom.room_id == room_id)
        )

    async def rooms(self) -> list[VideoRoom]:
        return list(await self.s.scalars(select(VideoRoom).order_by(VideoRoom.created_at)))
