"""Tables of case types (ärendetyper), their answers, invånarärenden, consultations and
standard answers. Registered on chat.models.Base; only chat/storage/case_types.py queries them."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from chat.models import Base, utcnow


class Audience(StrEnum):
    """Which patients may start a case type themselves."""

    LISTED = "listed"  # every patient listed at the unit
    CARE_CONTACT = "care_contact"  # only those with a fixed care contact at the unit
    SENT_ONLY = "sent_only"  # nobody: staff send it (invånarärende)


class RequestState(StrEnum):
    SENT = "sent"
    ANSWERED = "answered"
    CANCELLED = "cancelled"


class CaseType(Base):
    """A unit's case type; what it asks lives in its versions (a thread keeps its version)."""

    __tablename__ = "case_types"
    __table_args__ = (UniqueConstraint("unit_id", "key", name="uq_case_types_unit_key"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_units.id"))
    key: Mapped[str] = mapped_column(String(60))
    template_key: Mapped[str | None] = mapped_column(String(60))
    current_version: Mapped[int] = mapped_column(Integer, default=1)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class CaseTypeVersion(Base):
    """One immutable version of a case type: its texts, rules and form."""

    __tablename__ = "case_type_versions"
    __table_args__ = (
        UniqueConstraint("case_type_id", "version", name="uq_case_type_versions_version"),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    case_type_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_types.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    audience: Mapped[str] = mapped_column(String(20))
    # The receiving team; None: the patient's care contact, else routing (nlp/).
    team_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("teams.id"))
    response_time_hours: Mapped[int] = mapped_column(Integer)
    attachments_allowed: Mapped[bool] = mapped_column(Boolean, default=False)
    fields: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CaseAnswer(Base):
    """The structured answers of a thread's form, with the version they answer."""

    __tablename__ = "case_answers"
    thread_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("threads.id"), primary_key=True)
    version_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_type_versions.id"))
    message_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("messages.id"))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    answered_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)


class CaseRequest(Base):
    """Invånarärende: staff sent a case type to a patient (or a guardian for a child)."""

    __tablename__ = "case_requests"
    __table_args__ = (Index("ix_case_requests_state_remind", "state", "remind_at"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    thread_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("threads.id"), unique=True)
    version_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_type_versions.id"))
    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id"), index=True)
    sent_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    # A video meeting of the patient this prepares (signaling owns the meetings table).
    meeting_id: Mapped[uuid.UUID | None] = mapped_column()
    planned_at: Mapped[datetime | None] = mapped_column()
    state: Mapped[str] = mapped_column(String(20), default=RequestState.SENT)
    remind_at: Mapped[datetime | None] = mapped_column()
    reminded_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column()


class Consultation(Base):
    """A staff-only thread opened from a patient's thread (konsultation)."""

    __tablename__ = "consultations"
    thread_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("threads.id"), primary_key=True)
    source_thread_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("threads.id"), index=True)
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StandardAnswer(Base):
    """Standardsvar: a unit's reusable answer text with placeholders."""

    __tablename__ = "standard_answers"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_units.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class UnitPhoneHours(Base):
    """The unit's telephone hours, for the {telefontider} placeholder."""

    __tablename__ = "unit_phone_hours"
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_units.id"), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
