"""The persistent domain model (SQLAlchemy 2). Only repositories in chat/storage use it for SQL."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC on every backend (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON, uuid.UUID: Uuid}


class UserKind(StrEnum):
    PATIENT = "patient"  # invånare: a patient with a login, possibly also a guardian
    STAFF = "staff"


class ThreadStatus(StrEnum):
    OPEN = "open"
    WAITING_FOR_PATIENT = "waiting_for_patient"
    CLOSED = "closed"


class MessageKind(StrEnum):
    TEXT = "text"
    INTERNAL_NOTE = "internal_note"
    SYSTEM = "system"


class AlertState(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"


class Organisation(Base):
    __tablename__ = "organisations"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))


class CareUnit(Base):
    __tablename__ = "care_units"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))


class Team(Base):
    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("unit_id", "key"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_units.id"), index=True)
    key: Mapped[str] = mapped_column(String(60))  # stable slug, used by routing tables
    name: Mapped[str] = mapped_column(String(200))
    is_triage: Mapped[bool] = mapped_column(Boolean, default=False)


class User(Base):
    __tablename__ = "users"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    username: Mapped[str] = mapped_column(String(120), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    display_name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StaffMember(Base):
    __tablename__ = "staff_members"
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), primary_key=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    profession: Mapped[str] = mapped_column(String(80))


class UnitMembership(Base):
    """Staff belong to units (optionally a team within it); ``is_admin`` = unit administrator."""

    __tablename__ = "unit_memberships"
    __table_args__ = (UniqueConstraint("staff_id", "unit_id", "team_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    staff_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("staff_members.user_id"), index=True)
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_units.id"), index=True)
    team_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("teams.id"), index=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)


class Patient(Base):
    __tablename__ = "patients"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    personnummer: Mapped[str] = mapped_column(String(13), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    birth_date: Mapped[date] = mapped_column(Date)
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), unique=True)
    # The vårdcentral the patient is listed at: routes threads started without a contact.
    unit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("care_units.id"))


class Guardianship(Base):
    """A guardian (ombud) acting for a child; valid while the child is under 13."""

    __tablename__ = "guardianships"
    __table_args__ = (UniqueConstraint("guardian_user_id", "patient_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    guardian_user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id"), index=True)


class CareContact(Base):
    """Fast vårdkontakt: a person, several people and/or a team, with the terms the patient sees."""

    __tablename__ = "care_contacts"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id"), index=True)
    team_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("teams.id"))
    coordinator_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff_members.user_id"))
    title: Mapped[str] = mapped_column(String(200))
    how_to_reach: Mapped[str] = mapped_column(Text, default="")
    when_to_reach: Mapped[str] = mapped_column(Text, default="")
    response_time_hours: Mapped[int] = mapped_column(Integer, default=48)
    communication_terms: Mapped[str] = mapped_column(Text, default="")


class CareContactMember(Base):
    __tablename__ = "care_contact_members"
    care_contact_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("care_contacts.id"), primary_key=True
    )
    staff_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("staff_members.user_id"), primary_key=True
    )


class Thread(Base):
    __tablename__ = "threads"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id"), index=True)
    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("teams.id"), index=True)
    care_contact_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("care_contacts.id"))
    assignee_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    subject: Mapped[str] = mapped_column(String(200))
    case_type: Mapped[str] = mapped_column(String(60), default="kontakt")
    status: Mapped[str] = mapped_column(String(30), default=ThreadStatus.OPEN)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    # The last patient_seq given out (messages the patient side may see).
    last_patient_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    attachments_allowed: Mapped[bool] = mapped_column(Boolean, default=True)
    # False for a staff consultation held without the patient.
    patient_visible: Mapped[bool] = mapped_column(Boolean, default=True)
    urgency: Mapped[str | None] = mapped_column(String(20))
    category: Mapped[str | None] = mapped_column(String(30))
    routing: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    flagged_acute: Mapped[bool] = mapped_column(Boolean, default=False)
    response_due_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ThreadParticipant(Base):
    """Users explicitly added to a thread (e.g. a municipal nurse from another organisation)."""

    __tablename__ = "thread_participants"
    thread_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("threads.id"), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), primary_key=True)
    added_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("thread_id", "seq", name="uq_messages_thread_seq"),
        # Idempotency: a client-chosen id is unique per author, enforced by the database.
        UniqueConstraint("author_id", "client_id", name="uq_messages_author_client_id"),
        Index("uq_messages_thread_patient_seq", "thread_id", "patient_seq", unique=True),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    thread_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("threads.id"))
    seq: Mapped[int] = mapped_column(BigInteger)
    # Gap-free per thread over what the patient side may see (None for internal notes): a
    # patient's client checks its history against this, so notes leave no gaps there.
    patient_seq: Mapped[int | None] = mapped_column(BigInteger)
    author_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    client_id: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    event: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReadState(Base):
    __tablename__ = "read_states"
    thread_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("threads.id"), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), primary_key=True)
    last_read_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Session(Base):
    __tablename__ = "sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()


class AccessLogEntry(Base):
    """Append-only record of staff reads of patient data (Patientdatalagen).

    Rows are chained per care unit: ``row_hash`` is SHA-256 over the row and ``prev_hash``
    (chat/audit.py), ``unit_seq`` numbers the unit's rows without gaps.
    """

    __tablename__ = "access_log"
    __table_args__ = (
        Index("ix_access_log_patient_at", "patient_id", "at"),
        Index("ix_access_log_unit_id", "unit_id", "id"),
        Index("uq_access_log_unit_seq", "unit_id", "unit_seq", unique=True),
    )
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    staff_user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id"))
    thread_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("threads.id"))
    action: Mapped[str] = mapped_column(String(40))
    remote_addr: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    # The care unit whose information was read (the thread's unit): whose log this row is in.
    unit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("care_units.id"))
    unit_seq: Mapped[int | None] = mapped_column(BigInteger)
    # Read under an emergency override of a spärr: shown to the unit's log review.
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    row_hash: Mapped[str | None] = mapped_column(String(64))


class AccessLogHead(Base):
    """The end of each unit's access-log chain; its row lock serialises writers of a unit."""

    __tablename__ = "access_log_heads"
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_units.id"), primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))


class AccessLogReview(Base):
    """A unit administrator's systematic follow-up of the access log (HSLF-FS 2016:40 4:9)."""

    __tablename__ = "access_log_reviews"
    __table_args__ = (Index("ix_access_log_reviews_unit_at", "unit_id", "at"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_units.id"))
    reviewer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    # The sample: the filter used (patient, staff, date range, flagged only) and what it held.
    sample: Mapped[dict[str, Any]] = mapped_column(JSON)
    row_count: Mapped[int] = mapped_column(Integer)
    flagged_ids: Mapped[list[int]] = mapped_column(JSON)
    findings: Mapped[str] = mapped_column(Text)


class PatientBlock(Base):
    """Spärr: the patient keeps one care unit's information from staff of other units."""

    __tablename__ = "patient_blocks"
    __table_args__ = (Index("ix_patient_blocks_patient_unit", "patient_id", "unit_id"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id"))
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_units.id"))
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    lifted_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    lifted_at: Mapped[datetime | None] = mapped_column()


class EmergencyAccess(Base):
    """Nödöppning: a staff member read blocked information, with a stated reason, for a while."""

    __tablename__ = "emergency_accesses"
    __table_args__ = (Index("ix_emergency_accesses_patient_unit", "patient_id", "unit_id"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    staff_user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id"))
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_units.id"))
    thread_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("threads.id"))
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()


class RoutingRule(Base):
    """A unit's routing table: which team answers which category (``triage`` for low confidence)."""

    __tablename__ = "routing_rules"
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_units.id"), primary_key=True)
    category: Mapped[str] = mapped_column(String(30), primary_key=True)
    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("teams.id"))


class RoutingCorrection(Base):
    """Staff moved a routed thread: kept as a labelled example for retraining."""

    __tablename__ = "routing_corrections"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    thread_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("threads.id"), index=True)
    staff_user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    from_category: Mapped[str | None] = mapped_column(String(30))
    to_category: Mapped[str] = mapped_column(String(30))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Attachment(Base):
    """An uploaded file: content lives in the blob store under ``sha256``, never under ``name``.

    ``message_id`` is NULL until a message binds it; unbound uploads are purged after a while.
    """

    __tablename__ = "attachments"
    __table_args__ = (
        Index("ix_attachments_message_id", "message_id"),
        Index("ix_attachments_created_at", "created_at"),
        # The purge asks "does any other row still use this blob?".
        Index("ix_attachments_sha256", "sha256"),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    thread_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("threads.id"))
    uploader_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    message_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("messages.id"))
    name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(10))
    mime: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    thumb_sha256: Mapped[str | None] = mapped_column(String(64))
    # Where in its message (0-based): files are shown in the order the sender listed them.
    position: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    bound_at: Mapped[datetime | None] = mapped_column()


class AcuteAlert(Base):
    """An acute patient message, raised to the staff of the unit and open until one of them
    acknowledges it. At most one open alert per thread: a new acute message renews it."""

    __tablename__ = "acute_alerts"
    __table_args__ = (
        Index("ix_acute_alerts_unit_state", "unit_id", "state"),
        Index("ix_acute_alerts_thread_state", "thread_id", "state"),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    thread_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("threads.id"))
    # The unit whose staff are alerted (the owning team's unit when the alert was raised).
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_units.id"))
    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id"))
    # The patient message that raised (or last renewed) the alert.
    message_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("messages.id"))
    presentation: Mapped[str | None] = mapped_column(String(60))
    presentation_name: Mapped[str | None] = mapped_column(String(200))
    red_flag_kind: Mapped[str | None] = mapped_column(String(60))
    reasons: Mapped[list[str] | None] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(20), default=AlertState.OPEN)
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column()
    acknowledged_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))


# -- video meetings (rules in signaling/meetings.py, SQL in chat/storage/meetings.py) --------


class MeetingStatus(StrEnum):
    SCHEDULED = "scheduled"
    LIVE = "live"
    ENDED = "ended"


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
    """A single-use guest link: only the token's hash is stored. ``rejoin_hash`` is the hash of
    the rejoin token the guest got when it used the link (back in after any restart)."""

    __tablename__ = "meeting_invites"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    meeting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("meetings.id"), index=True)
    guest_name: Mapped[str] = mapped_column(String(120))
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column()
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    rejoin_hash: Mapped[str | None] = mapped_column(String(64), index=True, unique=True)


class ExternalIdentity(Base):
    """An identity a login broker vouches for, bound to a login: a staff member's HSA-id
    (patients are found by the personnummer in ``patients``)."""

    __tablename__ = "external_identities"
    __table_args__ = (UniqueConstraint("kind", "value"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20))  # "hsa_id"
    value: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column()


class OidcPendingLogin(Base):
    """A started OpenID Connect login: used once (deleted when the browser comes back)."""

    __tablename__ = "oidc_pending_logins"
    state_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    browser_hash: Mapped[str] = mapped_column(String(64))  # the browser that started it
    nonce: Mapped[str] = mapped_column(String(100))
    code_verifier: Mapped[str] = mapped_column(String(128))
    redirect_uri: Mapped[str] = mapped_column(String(500))
    expires_at: Mapped[datetime] = mapped_column(index=True)


class LiveOutbox(Base):
    """Live events of one committed transaction not yet known to be published: written with
    the messages they announce, deleted after publishing; a row left by a process that died
    is published by the next sweep of any process (chat/events.py)."""

    __tablename__ = "live_outbox"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    events: Mapped[list[Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # The send's message (MessageRepository.post): a resend claims the row by it. No foreign
    # key: the row is short-lived and the send's statement should not check one.
    message_id: Mapped[uuid.UUID | None] = mapped_column(index=True, default=None)


class VideoRoom(Base):
    """A Janus room a process created, with its secret: whoever sweeps after a crash can
    destroy it (Janus lists private rooms to nobody and wants the secret to destroy)."""

    __tablename__ = "video_rooms"
    server: Mapped[str] = mapped_column(String(100), primary_key=True)
    room_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    meeting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("meetings.id"), index=True)
    secret: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
