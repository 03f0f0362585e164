"""What the API shows of the domain: pydantic models shared by REST, Socket.IO and OpenAPI."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel


class PersonView(BaseModel):
    id: uuid.UUID
    name: str
    kind: str
    profession: str | None = None


class TeamView(BaseModel):
    id: uuid.UUID
    key: str
    name: str
    unit_id: uuid.UUID


class AttachmentView(BaseModel):
    """A file of a message (chat/attachments/records.py); only ids in its URLs."""

    id: uuid.UUID
    name: str
    mime: str
    kind: str
    size: int
    width: int | None
    height: int | None
    url: str
    thumbnail_url: str | None


class MessageView(BaseModel):
    id: uuid.UUID
    thread_id: uuid.UUID
    seq: int
    # Gap-free over what the patient side sees (None for internal notes): a patient's client
    # checks that its history is complete against this, not against seq.
    patient_seq: int | None = None
    kind: str
    body: str
    author: PersonView | None
    client_id: str | None
    event: dict[str, Any] | None = None
    attachments: list[AttachmentView] = []
    created_at: datetime


class ReadMarkView(BaseModel):
    """How far one participant has read a thread (read receipts)."""

    user: PersonView
    seq: int


class RoutingView(BaseModel):
    category: str
    urgency: str
    confidence: float
    reasons: list[str]
    needs_triage: bool
    red_flag_kind: str | None = None
    presentation: str | None = None
    presentation_name: str | None = None
    safety_net_reply: str | None = None


class ThreadView(BaseModel):
    id: uuid.UUID
    subject: str
    case_type: str
    status: str
    patient: PersonView
    team: TeamView
    assignee: PersonView | None
    last_seq: int
    unread: int = 0
    read_seq: int = 0
    attachments_allowed: bool
    patient_visible: bool
    urgency: str | None
    category: str | None
    flagged_acute: bool
    routing: RoutingView | None = None
    response_due_at: datetime | None
    created_at: datetime
    updated_at: datetime
    # Staff only: escalation steps taken since the due time passed (chat/escalation.py).
    escalation_step: int = 0
    # Spärr: the patient keeps this unit's information from the caller's unit; only that it
    # exists is shown (emergency access: POST /threads/{id}/emergency-access).
    blocked: bool = False
    # What the caller may do here (chat/access.py thread_actions): the client shows only these.
    allowed_actions: list[str] = []


class CareContactView(BaseModel):
    id: uuid.UUID
    patient_id: uuid.UUID
    title: str
    team: TeamView | None
    coordinator: PersonView | None
    members: list[PersonView]
    how_to_reach: str
    when_to_reach: str
    response_time_hours: int
    communication_terms: str


class EmergencyView(BaseModel):
    """An acute message: "call 112" at once, and the system message that says so."""

    reply: str
    red_flag_kind: str | None = None
    message: MessageView


class SafetyNetView(BaseModel):
    """A serious message short of acute: the stored advice ("if it gets worse, call 112")."""

    reply: str
    presentation: str | None = None
    presentation_name: str | None = None
    message: MessageView


class SendResult(BaseModel):
    message: MessageView
    duplicate: bool = False
    thread: ThreadView | None = None
    emergency: EmergencyView | None = None
    safety_net: SafetyNetView | None = None


class AccessLogView(BaseModel):
    """One access-log row as a unit administrator sees it."""

    id: int
    staff_user_id: uuid.UUID
    patient_id: uuid.UUID
    thread_id: uuid.UUID | None
    action: str
    remote_addr: str | None
    at: datetime
    unit_id: uuid.UUID | None = None
    unit_seq: int | None = None
    staff: PersonView | None = None
    patient_name: str | None = None
    flagged: bool = False  # read through an emergency override of a spärr
    reason: str | None = None
    reviewed: bool = False  # flagged rows: covered by a recorded log review


class AccessLogPage(BaseModel):
    entries: list[AccessLogView]
    # Pass as before_id for the next (older) page; None when this was the last page.
    next_before_id: int | None = None


class LogReviewView(BaseModel):
    id: uuid.UUID
    unit_id: uuid.UUID
    reviewer: PersonView | None
    at: datetime
    sample: dict[str, Any]
    row_count: int
    flagged_ids: list[int]
    findings: str


class LogReviewList(BaseModel):
    reviews: list[LogReviewView]
    # Emergency overrides of the unit, newest first, each marked whether a review covers it.
    flagged: list[AccessLogView]


class PatientLogEntry(BaseModel):
    """The patient's own log extract (PDL 8 kap. 5 §): who read, where, when."""

    at: datetime
    unit_id: uuid.UUID | None
    unit_name: str
    staff_name: str
    profession: str | None
    action: str
    emergency: bool = False


class PatientLogPage(BaseModel):
    entries: list[PatientLogEntry]
    next_before_id: int | None = None


class BlockView(BaseModel):
    """A care unit that holds the patient's information, and whether it is blocked (spärr)."""

    unit_id: uuid.UUID
    unit_name: str
    blocked: bool
    since: datetime | None = None


class AlertView(BaseModel):
    """An acute alert as the unit's staff see it: whom it is about, never the personnummer."""

    id: uuid.UUID
    thread_id: uuid.UUID
    unit_id: uuid.UUID
    patient: PersonView
    presentation: str | None
    presentation_name: str | None
    red_flag_kind: str | None
    reasons: list[str]
    state: str
    raised_at: datetime
    acknowledged_at: datetime | None = None
    acknowledged_by: PersonView | None = None
