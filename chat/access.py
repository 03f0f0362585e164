"""Who may see and do what: the one place every REST endpoint and socket event goes through.

Rules (Patientdatalagen): a patient sees their own threads, a guardian also those of the
children under 13 they act for; staff see threads owned by teams they belong to and threads
they were added to; nobody but staff ever sees internal notes. A thread one may not see is
answered exactly like one that does not exist.

Also here: staff need a care relation to start a thread for a patient; threads move only
within their care unit; a unit administrator reads only the own unit's access log; a spärr
keeps a unit's threads from staff of other units unless they state an emergency reason.
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
    # Spärr: the patient keeps this unit's information from other units. Then the facts
    # below are loaded: participants who are staff of the unit, and staff with an open
    # emergency override.
    blocked: bool = False
    unit_member_ids: frozenset[uuid.UUID] = frozenset()
    override_ids: frozenset[uuid.UUID] = frozenset()


def can_view(actor: Actor, scope: ThreadScope) -> bool:
    if actor.is_staff:
        if scope.team_id in actor.team_ids:
            return True
        return actor.user_id in scope.participant_ids and not blocked_for(actor, scope)
    return scope.patient_visible and scope.patient_id in actor.patient_ids


def blocked_for(actor: Actor, scope: ThreadScope) -> bool:
    """Staff outside the thread's unit, when the patient has blocked that unit's information
    and the actor has no open emergency override."""
    return (
        scope.blocked
        and actor.is_staff
        and scope.unit_id not in actor.unit_ids
        and scope.team_id not in actor.team_ids
        and actor.user_id not in scope.override_ids
    )


def under_override(actor: Actor, scope: ThreadScope) -> bool:
    """Reading blocked information through an emergency override: flagged in the log."""
    return (
        scope.blocked
        and actor.is_staff
        and scope.unit_id not in actor.unit_ids
        and scope.team_id not in actor.team_ids
        and actor.user_id in scope.override_ids
    )


def sees_blocked_stub(actor: Actor, scope: ThreadScope) -> bool:
    """A participant kept out by a spärr sees that the thread exists, not what it holds."""
    return actor.user_id in scope.participant_ids and blocked_for(actor, scope)


def hidden_participants(scope: ThreadScope) -> frozenset[uuid.UUID]:
    """Participants a spärr keeps out: no live events reach them."""
    if not scope.blocked:
        return frozenset()
    return scope.participant_ids - scope.unit_member_ids - scope.override_ids


def blocked_error() -> NaraError:
    return NaraError(
        ErrorCode.FORBIDDEN,
        "the patient has blocked this information from your care unit; emergency access "
        "needs a stated reason",
        reason="blocked",
    )


def require_view(actor: Actor, scope: ThreadScope | None) -> ThreadScope:
    if scope is None:
        raise not_found("thread")
    if can_view(actor, scope):
        return scope
    if sees_blocked_stub(actor, scope):
        raise blocked_error()
    raise not_found("thread")


def require_emergency_access(actor: Actor, scope: ThreadScope | None, reason: str) -> ThreadScope:
    """Nödöppning: only someone the spärr keeps out, and only with a stated reason."""
    if scope is None or not (sees_blocked_stub(actor, scope) or can_view(actor, scope)):
        raise not_found("thread")
    if not sees_blocked_stub(actor, scope):
        raise NaraError(ErrorCode.CONFLICT, "nothing is blocked for you here")
    if len(reason.strip()) < 10:
        raise NaraError(ErrorCode.VALIDATION_FAILED, "state the reason for emergency access")
    return scope


@dataclass(frozen=True)
class CareRelation:
    """What ties staff to a patient: the unit the patient is listed at, the teams that hold
    the patient's threads or care contacts, and people added to a thread or contact."""

    patient_id: uuid.UUID
    listed_unit_id: uuid.UUID | None
    team_ids: frozenset[uuid.UUID] = frozenset()
    people_ids: frozenset[uuid.UUID] = frozenset()


def has_care_relation(actor: Actor, relation: CareRelation) -> bool:
    return actor.is_staff and (
        (relation.listed_unit_id is not None and relation.listed_unit_id in actor.unit_ids)
        or bool(relation.team_ids & actor.team_ids)
        or actor.user_id in relation.people_ids
    )


def require_care_relation(actor: Actor, relation: CareRelation | None) -> CareRelation:
    """Staff may start a thread for a patient only with a care relation; without one the
    patient answers exactly like one that does not exist."""
    if relation is None or not has_care_relation(actor, relation):
        raise not_found("patient")
    return relation


def require_transfer_target(scope: ThreadScope, team_unit_id: uuid.UUID | None) -> None:
    """A thread moves only between teams of its own care unit (a missing team looks the same
    as a team of another unit)."""
    if team_unit_id is None or team_unit_id != scope.unit_id:
        raise NaraError(
            ErrorCode.VALIDATION_FAILED,
            "a thread can only move to another team of its own care unit; to involve "
            "another unit, add its staff to the thread",
            reason="other_unit",
        )


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


def log_scope(actor: Actor, unit_id: uuid.UUID) -> list[uuid.UUID]:
    """Whose access log a unit administrator reads: that of the unit in the path, which must
    be one they administer. The rows are filtered to it, so a patient of another unit and an
    id that does not exist both answer with no rows (no existence oracle)."""
    require_unit_admin(actor, unit_id)
    return [unit_id]


def require_patient_side(actor: Actor, patient_id: uuid.UUID) -> None:
    """The patient, or a guardian of a child under 13: own log extract, spärr."""
    require_patient_scope(actor, patient_id)


def can_handle_alert(actor: Actor, unit_id: uuid.UUID) -> bool:
    """Acute alerts go to every staff member of the unit, whichever team owns the thread."""
    return actor.is_staff and unit_id in actor.unit_ids


def require_alert(actor: Actor, unit_id: uuid.UUID | None) -> uuid.UUID:
    """An alert of another unit answers exactly like one that does not exist."""
    if unit_id is None or not can_handle_alert(actor, unit_id):
        raise not_found("alert")
    return unit_id


def require_staff(actor: Actor) -> None:
    if not actor.is_staff:
        raise NaraError(ErrorCode.FORBIDDEN, "staff only")


# -- case types, consultations, the actions a thread offers (issue 12) ----------------------


def require_unit_staff(actor: Actor, unit_id: uuid.UUID) -> None:
    """Staff of the unit read its case types and standard answers."""
    if not actor.is_staff or unit_id not in actor.unit_ids:
        raise not_found("unit")


def may_start_case_type(
    actor: Actor,
    patient_id: uuid.UUID,
    *,
    audience: str,
    case_unit_id: uuid.UUID,
    listed_unit_id: uuid.UUID | None,
    contact_unit_ids: frozenset[uuid.UUID],
) -> bool:
    """The patient side starts a case type of the unit the patient is listed at ("listed"),
    or of a unit where they have a fixed care contact ("care_contact"); "sent_only" types
    reach patients only when staff send them."""
    if actor.is_staff or patient_id not in actor.patient_ids:
        return False
    if audience == "listed":
        return case_unit_id == listed_unit_id or case_unit_id in contact_unit_ids
    if audience == "care_contact":
        return case_unit_id in contact_unit_ids
    return False


def require_consult(actor: Actor, scope: ThreadScope | None) -> ThreadScope:
    """Anyone on the care side who sees a thread may consult a colleague about it."""
    scope = require_view(actor, scope)
    if not actor.is_staff:
        raise not_found("thread")
    return scope


def require_answer_request(actor: Actor, patient_id: uuid.UUID) -> None:
    """An invånarärende is answered by the patient, or a guardian for a child under 13."""
    require_patient_scope(actor, patient_id)


def thread_actions(actor: Actor, scope: ThreadScope) -> list[str]:
    """What the caller may do in a thread, derived from the rules above: the client shows
    only these, and the server refuses the rest whatever a client shows."""
    if not can_view(actor, scope):
        return []
    actions = ["read"]
    if not actor.is_staff:
        if scope.status != ThreadStatus.CLOSED:
            actions.append("reply")
            if scope.attachments_allowed:
                actions.append("attach")
        return actions
    actions += ["reply", "internal_note", "attach", "consult"]
    if scope.patient_visible:
        actions += ["reply_patient", "request_files"]
    if scope.team_id in actor.team_ids:
        actions += ["assign", "transfer", "set_status", "add_participant", "attachments_setting"]
    return actions
