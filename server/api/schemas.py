"""Request bodies and query strings. Unknown fields are refused, lengths are bounded."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from chat.views import PersonView, ThreadView
from nlp.taxonomy import CATEGORIES

ClientId = Annotated[
    str, StringConstraints(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_\-:.]+$")
]
Body = Annotated[str, StringConstraints(min_length=1, max_length=10_000)]
Subject = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
# Sequence numbers are 64-bit in the database; clients (JavaScript) are exact up to 2**53.
MAX_SEQ = 2**53
Seq = Annotated[int, Field(ge=0, le=MAX_SEQ)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class LoginRequest(Strict):
    username: Annotated[str, StringConstraints(min_length=1, max_length=120)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=1024)]


class LoginResponse(BaseModel):
    token: str
    expires_at: datetime
    user: PersonView


class MeResponse(BaseModel):
    user: PersonView
    patients: list[PersonView] = []
    team_ids: list[uuid.UUID] = []
    unit_ids: list[uuid.UUID] = []
    admin_unit_ids: list[uuid.UUID] = []


class MessageIn(Strict):
    client_id: ClientId
    body: Body
    kind: Literal["text", "internal_note"] = "text"
    attachment_ids: list[uuid.UUID] = Field(default_factory=list, max_length=5)
    request_files: bool = False  # staff only: a counter-question asking the patient for files


class CreateThreadRequest(Strict):
    patient_id: uuid.UUID
    subject: Subject
    message: MessageIn
    care_contact_id: uuid.UUID | None = None
    team_id: uuid.UUID | None = None
    case_type: Literal[
        "kontakt", "infor_besok", "fornya_recept", "lakemedelsgenomgang", "konsultation"
    ] = "kontakt"
    patient_visible: bool = True


class ThreadListQuery(Strict):
    status: Literal["open", "waiting_for_patient", "closed"] | None = None


class HistoryQuery(Strict):
    after_seq: Seq | None = None
    after_patient_seq: Seq | None = None  # the patient side's catch-up (MessageView.patient_seq)
    before_seq: Annotated[int, Field(ge=1, le=MAX_SEQ)] | None = None
    limit: Annotated[int, Field(ge=1, le=200)] = 50


class ReadRequest(Strict):
    seq: Seq


class ReadResponse(BaseModel):
    thread_id: uuid.UUID
    seq: int


class AssignRequest(Strict):
    assignee_id: uuid.UUID | None


def _known_category(value: str) -> str:
    if value not in CATEGORIES:
        raise ValueError(f"unknown category; one of {', '.join(CATEGORIES)}")
    return value


# The routing taxonomy is nlp's; the API accepts exactly its categories.
Category = Annotated[
    str, AfterValidator(_known_category), Field(json_schema_extra={"enum": list(CATEGORIES)})
]


class TransferRequest(Strict):
    team_id: uuid.UUID
    category: Category | None = None


class StatusRequest(Strict):
    status: Literal["open", "waiting_for_patient", "closed"]


class AttachmentsSettingRequest(Strict):
    allowed: bool


class ParticipantRequest(Strict):
    user_id: uuid.UUID


class RoutingTableRequest(Strict):
    rules: dict[Annotated[str, StringConstraints(pattern=r"^[a-z_]{3,30}$")], uuid.UUID] = Field(
        max_length=20
    )


class UnreadResponse(BaseModel):
    total: int
    threads: dict[str, int]


class ThreadList(BaseModel):
    threads: list[ThreadView]
