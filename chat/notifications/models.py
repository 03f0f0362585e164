"""Tables of the notification outbox, preferences, presence, unit service levels and promises.

Only repositories in chat/storage use these for SQL (chat/storage/notifications.py).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from chat.models import Base, utcnow


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    PUSH = "push"


class NoticeReason(StrEnum):
    """What a notice is about; it picks the text (chat/notifications/texts.py)."""

    MESSAGE = "message"  # a staff answer, or a form sent to the patient
    MEETING = "meeting"  # an invitation to a booked video meeting
    MEETING_STARTED = "meeting_started"  # a video meeting for the user went live


# A meeting's start has a topic of its own: an invitation sent shortly before must not hold
# the start back by the coalescing window (which is per topic).
MEETING_START_TOPIC = "meeting-start:"


def meeting_start_topic(meeting_id: uuid.UUID) -> str:
    return f"{MEETING_START_TOPIC}{meeting_id}"


def started_meeting_id(topic: str) -> uuid.UUID | None:
    """The meeting of a start notice's topic, else None."""
    if not topic.startswith(MEETING_START_TOPIC):
        return None
    try:
        return uuid.UUID(topic.removeprefix(MEETING_START_TOPIC))
    except ValueError:
        return None


class NoticeState(StrEnum):
    PENDING = "pending"  # to deliver at or after not_before (retries stay pending)
    SENT = "sent"
    SKIPPED = "skipped"  # no longer needed: read meanwhile, address gone, channel off
    FAILED = "failed"  # gave up: a permanent error, or every attempt failed


class Notification(Base):
    """The transactional outbox: one row per notice and channel, written in the transaction
    of the message or invitation that causes it. It holds no address and no text:
    the worker reads the user's verified address when it delivers."""

    __tablename__ = "notification_outbox"
    __table_args__ = (
        # At most one pending notice per (user, topic, channel): a message that comes while
        # one waits (for quiet hours, the window, the user to leave) is absorbed by it.
        Index(
            "uq_notification_outbox_pending",
            "user_id",
            "topic",
            "channel",
            unique=True,
            sqlite_where=text("state = 'pending'"),
            postgresql_where=text("state = 'pending'"),
        ),
        Index("ix_notification_outbox_due", "state", "not_before"),
        Index("ix_notification_outbox_unit", "unit_id", "state"),
        Index("ix_notification_outbox_recent", "user_id", "topic", "channel", "sent_at"),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    # "thread:<id>", "meeting:<id>" (invited) or "meeting-start:<id>": what the notice is
    # about (coalescing and dedup key).
    topic: Mapped[str] = mapped_column(String(60))
    thread_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("threads.id"))
    # The thread's unit: whose administrators see the failures.
    unit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("care_units.id"))
    # The coalescing window the notice was created in: floor(epoch seconds / window length).
    window: Mapped[int] = mapped_column(BigInteger)
    channel: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(String(20))  # a NoticeReason
    # The newest message seq the notice covers: read up to it, and nothing is sent.
    seq: Mapped[int | None] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(10), default=NoticeState.PENDING)
    not_before: Mapped[datetime] = mapped_column()
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_until: Mapped[datetime | None] = mapped_column()
    claimed_by: Mapped[str | None] = mapped_column(String(40))
    # A stable error code ("smtp_550", "timeout", "http_503"): never an address or a text.
    last_error: Mapped[str | None] = mapped_column(String(60))
    last_error_at: Mapped[datetime | None] = mapped_column()
    note: Mapped[str | None] = mapped_column(String(30))  # why skipped or deferred last
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column()


class NotificationPreference(Base):
    """A user's channels, verified addresses and quiet hours (local time, Stockholm)."""

    __tablename__ = "notification_preferences"
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), primary_key=True)
    email: Mapped[str | None] = mapped_column(String(254))
    email_verified_at: Mapped[datetime | None] = mapped_column()
    email_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    phone: Mapped[str | None] = mapped_column(String(20))
    phone_verified_at: Mapped[datetime | None] = mapped_column()
    sms_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    push_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    quiet_start: Mapped[str | None] = mapped_column(String(5))  # "22:00"
    quiet_end: Mapped[str | None] = mapped_column(String(5))  # "07:00"
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class AddressVerification(Base):
    """A code sent to an address the user wants to use; only its hash is stored."""

    __tablename__ = "notification_verifications"
    __table_args__ = (Index("ix_notification_verifications_user", "user_id", "channel"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    channel: Mapped[str] = mapped_column(String(10))
    address: Mapped[str] = mapped_column(String(254))
    code_hash: Mapped[str] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()


class PushSubscription(Base):
    """A browser's Web Push subscription (PushSubscription.toJSON())."""

    __tablename__ = "push_subscriptions"
    __table_args__ = (Index("ix_push_subscriptions_user", "user_id"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    endpoint: Mapped[str] = mapped_column(Text, unique=True)
    p256dh: Mapped[str] = mapped_column(String(200))
    auth: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class UserPresence(Base):
    """When a user last had a live socket: no notices while they are in the client."""

    __tablename__ = "user_presence"
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), primary_key=True)
    last_seen_at: Mapped[datetime] = mapped_column()


class UnitServiceLevel(Base):
    """A unit's opening hours and escalation steps (absent: Mon–Fri 08–17, the default
    steps of chat/promise.py)."""

    __tablename__ = "unit_service_levels"
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_units.id"), primary_key=True)
    opening_hours: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    escalation: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ThreadPromise(Base):
    """What a thread owes the patient: waiting since the first unanswered patient message,
    due when (also in threads.response_due_at), and how far it has escalated."""

    __tablename__ = "thread_promises"
    __table_args__ = (Index("ix_thread_promises_next_check", "next_check_at"),)
    thread_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("threads.id"), primary_key=True)
    waiting_since: Mapped[datetime | None] = mapped_column()
    due_at: Mapped[datetime | None] = mapped_column()
    answered_at: Mapped[datetime | None] = mapped_column()
    escalation_step: Mapped[int] = mapped_column(Integer, default=0)
    escalated_at: Mapped[datetime | None] = mapped_column()
    # When the next escalation step falls due (NULL: nothing to do).
    next_check_at: Mapped[datetime | None] = mapped_column()
