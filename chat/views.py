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


class MessageView(BaseModel):
    id: uuid.UUID
    thread_id: uuid.UUID
    seq: int
    kind: str
    body: str
    author: PersonView | None
    client_id: str | None
    event: dict[str, Any] | None = None
    attachments: list[dict[str, Any]] = []
    created_at: datetime


class RoutingView(BaseModel):
    category: str
    urgency: str
    confidence: float
    reasons: list[str]
    needs_triage: bool
    red_flag_kind: str | None = None


class ThreadView(BaseModel):
    id: uuid.UUID
    subject: str
    case_type: str
    status: str
    patient: PersonView
    team: dict[str, Any]
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


class CareContactView(BaseModel):
    id: uuid.UUID
    patient_id: uuid.UUID
    title: str
    team: dict[str, Any] | None
    coordinator: PersonView | None
    members: list[PersonView]
    how_to_reach: str
    when_to_reach: str
    response_time_hours: int
    communication_terms: str


class SendResult(BaseModel):
    message: MessageView
    duplicate: bool = False
    thread: ThreadView | None = None
    emergency: dict[str, Any] | None = None


class AccessLogView(BaseModel):
    id: int
    staff_user_id: uuid.UUID
    patient_id: uuid.UUID
    thread_id: uuid.UUID | None
    action: str
    remote_addr: str | None
    at: datetime
