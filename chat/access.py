"""Who may see and do what: the one place every REST endpoint and socket event goes through.

Rules (Patientdatalagen): a patient sees their own threads, a guardian also those of the
children under 13 they act for; staff see threads owned by teams they belong to and threads
they were added to; nobody but staff ever sees internal notes. A thread one may not see is
answered exactly like one that does not exist.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from chat.errors import ErrorCode, NaraError, not_found
from chat.models import MessageKind, ThreadStatus, UserKind


@dataclass(frozen=True)
class Actor:
    """The authenticated user, with the scope the rules need (loaded once per request)."""

    user_id: uuid.UUID
    kind: str
    display_name: str
    # patients and guardians
    patient_ids: frozenset[uuid.UUID] = frozenset()  # own record + children under 13
    own_patient_id: uuid.UUID | None = None
    # staff
    organisation_id: uuid.UUID | None = None
    profession: str | None = None
    team_ids: frozenset[uuid.UUID] = frozenset()
    unit_ids: frozenset[uuid.UUID] = frozenset()
    admin_unit_ids: frozenset[uuid.UUID] = field(default_factory=frozenset)

    @property
    def is_staff(self) -> bool:
        return self.kind == UserKind.STAFF


@dataclass(frozen=True)
class ThreadScope:
    """The facts about a thread that access decisions need."""

    thread_id: uuid.UUID
    patient_id: uuid.UUID
    team_id: uuid.UUID
    unit_id: uuid.UUID
    status: str
    participant_ids: frozenset[uuid.UUID]
    attachments_allowed: bool = True
    patient_visible: bool = True


def can_view(actor: Actor, scope: ThreadScope) -> bool:
    if actor.is_staff:
        return scope.team_id in actor.team_ids or actor.user_id in scope.participant_ids
    return scope.patient_visible and scope.patient_id in actor.patient_ids


def require_view(actor: Actor, scope: ThreadScope | None) -> ThreadScope:
    if scope is None or not can_view(actor, scope):
        raise not_found("thread")
    return scope


def require_post(actor: Actor, scope: ThreadScope | None, kind: str) -> ThreadScope:
    scope = require_view(actor, scope)
    if kind == MessageKind.SYSTEM:
        raise NaraError(ErrorCode.FORBIDDEN, "system messages are written by the server")
    if kind == MessageKind.INTERNAL_NOTE and not actor.is_staff:
        raise NaraError(ErrorCode.FORBIDDEN, "only staff may write internal notes")
    if scope.status == ThreadStatus.CLOSED and not actor.is_staff:
        raise NaraError(ErrorCode.THREAD_CLOSED, "the thread is closed; start a new one")
    return scope


def require_manage(actor: Actor, scope: ThreadScope | None) -> ThreadScope:
    """Assign, transfer, close, add people: staff of the owning team."""
    scope = require_view(actor, scope)
    if not actor.is_staff or scope.team_id not in actor.team_ids:
        raise NaraError(ErrorCode.FORBIDDEN, "only the owning team may manage the thread")
    return scope


def require_attach(actor: Actor, scope: ThreadScope) -> None:
    if not actor.is_staff and not scope.attachments_allowed:
        raise NaraError(ErrorCode.ATTACHMENTS_DISABLED, "attachments are turned off here")


def sees_internal(actor: Actor) -> bool:
    return actor.is_staff


def require_patient_scope(actor: Actor, patient_id: uuid.UUID) -> None:
    """A patient or guardian acting for ``patient_id``."""
    if actor.is_staff or patient_id not in actor.patient_ids:
        raise not_found("patient")


def require_unit_admin(actor: Actor, unit_id: uuid.UUID) -> None:
    if unit_id not in actor.admin_unit_ids:
        raise not_found("unit")


def require_staff(actor: Actor) -> None:
    if not actor.is_staff:
        raise NaraError(ErrorCode.FORBIDDEN, "staff only")
