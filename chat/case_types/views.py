"""What the API shows of case types, requests, consultations and standard answers."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from chat.case_types.forms import FieldDef
from chat.case_types.models import CaseType, CaseTypeVersion
from chat.views import PersonView, SendResult, ThreadView


class CaseTypeView(BaseModel):
    id: uuid.UUID
    unit_id: uuid.UUID
    key: str
    template_key: str | None
    version: int
    active: bool
    name: str
    description: str
    audience: str
    team_id: uuid.UUID | None
    response_time_hours: int
    attachments_allowed: bool
    fields: list[FieldDef]
    unit_name: str | None = None


class TemplateView(BaseModel):
    key: str
    name: str
    description: str
    audience: str
    response_time_hours: int
    attachments_allowed: bool
    fields: list[FieldDef]


class AnswerItem(BaseModel):
    key: str
    type: str
    label: str
    answer: str | None
    value: Any = None


class CaseFormView(BaseModel):
    """A thread's form: the version it was started with, and the answers (if any)."""

    thread_id: uuid.UUID
    case_type: CaseTypeView
    request_id: uuid.UUID | None = None
    request_state: str | None = None
    answered_at: datetime | None = None
    items: list[AnswerItem] = []


class CaseRequestView(BaseModel):
    """An invånarärende as the patient side (and staff) see it in a list."""

    id: uuid.UUID
    thread_id: uuid.UUID
    patient: PersonView
    case_type_id: uuid.UUID
    name: str
    version: int
    state: str
    meeting_id: uuid.UUID | None
    planned_at: datetime | None
    created_at: datetime
    answered_at: datetime | None


class StartResult(SendResult):
    form: CaseFormView | None = None


class StaffEntry(BaseModel):
    id: uuid.UUID
    name: str
    profession: str
    unit_id: uuid.UUID
    unit_name: str
    organisation_name: str


class PatientHit(BaseModel):
    id: uuid.UUID
    name: str
    birth_date: str


class ConsultationView(BaseModel):
    thread: ThreadView
    source_thread_id: uuid.UUID
    # A resend with the same client id answers the consultation stored the first time.
    duplicate: bool = False


class StandardAnswerView(BaseModel):
    id: uuid.UUID
    unit_id: uuid.UUID
    title: str
    body: str
    # With a thread: the text with its placeholders filled in, ready to edit and send.
    filled: str | None = None
    updated_at: datetime


def case_type_view(c: CaseType, v: CaseTypeVersion, unit_name: str | None = None) -> CaseTypeView:
    return CaseTypeView(
        id=c.id,
        unit_id=c.unit_id,
        key=c.key,
        template_key=c.template_key,
        version=v.version,
        active=c.active,
        name=v.name,
        description=v.description,
        audience=v.audience,
        team_id=v.team_id,
        response_time_hours=v.response_time_hours,
        attachments_allowed=v.attachments_allowed,
        fields=[FieldDef.model_validate(f) for f in v.fields],
        unit_name=unit_name,
    )
