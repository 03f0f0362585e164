"""Request bodies and queries of case types, consultations and standard answers."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, Field, StringConstraints

from chat.case_types.forms import Key
from chat.case_types.templates import Definition
from server.api.schemas import Body, ClientId, MessageIn, Strict, Subject

Answers = Annotated[dict[Key, Any], Field(max_length=30)]
Search = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]


class NewCaseType(Strict):
    key: Key
    template_key: Key | None = None  # copy a national template (definition then optional)
    definition: Definition | None = None
    team_id: uuid.UUID | None = None


class CaseTypeEdit(Strict):
    definition: Definition
    team_id: uuid.UUID | None = None


class ActiveRequest(Strict):
    active: bool


class StartCaseType(Strict):
    patient_id: uuid.UUID
    client_id: ClientId
    answers: Answers


class SendCaseType(Strict):
    patient_id: uuid.UUID
    client_id: ClientId
    team_id: uuid.UUID | None = None
    meeting_id: uuid.UUID | None = None
    planned_at: AwareDatetime | None = None
    note: Annotated[str, StringConstraints(max_length=2000)] = ""


class AnswerRequest(Strict):
    client_id: ClientId
    answers: Answers


class StaffQuery(Strict):
    q: Search | None = None
    profession: Search | None = None
    unit_id: uuid.UUID | None = None


class PatientQuery(Strict):
    q: Search


class InboxQuery(Strict):
    q: Search | None = None
    case_type: Annotated[str, StringConstraints(max_length=60)] | None = None
    status: Literal["open", "waiting_for_patient", "closed"] | None = None


class ConsultationRequest(Strict):
    user_ids: list[uuid.UUID] = Field(min_length=1, max_length=10)
    subject: Subject
    message: MessageIn


class StandardAnswerIn(Strict):
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
    body: Body


class PhoneHours(Strict):
    text: Annotated[str, StringConstraints(max_length=500)]
