"""Persistent meetings: what must survive a restart (who may join, invites, status).

Live state (who is connected, the waiting room, Janus handles) is in signaling/live.py.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from chat.models import Base, utcnow


class MeetingStatus(StrEnum):
    SCHEDULED = "scheduled"
    LIVE = "live"
    ENDED = "ended"


class Role(StrEnum):
    HOST = "host"  # a clinician who admits, removes, mutes and ends
    STAFF = "staff"  # another profession, admitted directly
    PATIENT = "patient"  # the patient, a guardian or a relative: waits to be admitted
    GUEST = "guest"  # interpreter, municipal nurse of another organisation: by link, waits


WAITS = frozenset({Role.PATIENT, Role.GUEST})


class Meeting(Base):
    __tablename__ = "meetings"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    thread_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("threads.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(20), default=MeetingStatus.SCHEDULED)
    scheduled_at: Mapped[datetime | None] = mapped_column()
    max_participants: Mapped[int] = mapped_column(Integer, default=8)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column()


class MeetingMember(Base):
    """People invited by account (standalone meetings, extra professions)."""

    __tablename__ = "meeting_members"
    meeting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("meetings.id"), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(10))


class MeetingInvite(Base):
    """A single-use guest link: only the token's hash is stored."""

    __tablename__ = "meeting_invites"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    meeting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("meetings.id"), index=True)
    guest_name: Mapped[str] = mapped_column(String(120))
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column()
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
