"""Turn stored rows into the views the API shows."""

from __future__ import annotations

import uuid
from typing import Any

from chat import access
from chat.access import Actor, ThreadScope
from chat.models import AcuteAlert, Message, Patient, Team, Thread
from chat.storage import Store
from chat.views import (
    AlertView,
    AttachmentView,
    MessageView,
    PersonView,
    RoutingView,
    TeamView,
    ThreadView,
)


async def people(store: Store, ids: set[uuid.UUID]) -> dict[uuid.UUID, PersonView]:
    users = await store.directory.users(list(ids))
    professions = await store.directory.staff_professions(list(ids))
    return {
        uid: PersonView(id=uid, name=u.display_name, kind=u.kind, profession=professions.get(uid))
        for uid, u in users.items()
    }


def author_of(actor: Actor) -> PersonView:
    """The sender as shown with a message, without a database round trip."""
    return PersonView(
        id=actor.user_id, name=actor.display_name, kind=actor.kind, profession=actor.profession
    )


def message_view(
    m: Message,
    authors: dict[uuid.UUID, PersonView],
    attachments: list[AttachmentView] | None = None,
) -> MessageView:
    return MessageView(
        id=m.id,
        thread_id=m.thread_id,
        seq=m.seq,
        patient_seq=m.patient_seq,
        kind=m.kind,
        body=m.body,
        author=authors.get(m.author_id) if m.author_id else None,
        client_id=m.client_id,
        event=m.event,
        attachments=attachments or [],
        created_at=m.created_at,
    )


def seen_by(actor: Actor, view: MessageView) -> MessageView:
    """The patient side counts by its own gap-free sequence: its ``seq`` is the patient_seq,
    so nothing it is shown reveals that internal notes exist (chat/events.py does the same
    for live events)."""
    if access.sees_internal(actor):
        return view
    return view.model_copy(update={"seq": view.patient_seq or 0})


async def message_views(store: Store, rows: list[Message]) -> list[MessageView]:
    authors = await people(store, {m.author_id for m in rows if m.author_id})
    return [message_view(m, authors) for m in rows]


def patient_person(p: Patient) -> PersonView:
    return PersonView(id=p.id, name=p.name, kind="patient")


async def thread_view(
    store: Store,
    t: Thread,
    *,
    staff: bool,
    unread: int = 0,
    read_seq: int = 0,
    cache: dict[Any, Any] | None = None,
    actor: Actor | None = None,
) -> ThreadView:
    cache = {} if cache is None else cache
    patient = cache.get(t.patient_id) or await store.directory.patient(t.patient_id)
    team = cache.get(t.team_id) or await store.directory.team(t.team_id)
    assert patient is not None and team is not None
    cache[t.patient_id], cache[t.team_id] = patient, team
    assignee = None
    if t.assignee_id:
        assignee = (await people(store, {t.assignee_id})).get(t.assignee_id)
    escalation_step = 0
    if staff and t.response_due_at is not None:
        key = ("promise", t.id)
        promise = cache[key] if key in cache else await store.notifications.promise(t.id)
        if promise is not None and promise.waiting_since is not None:
            escalation_step = promise.escalation_step
    return build_thread_view(
        t,
        patient_person(patient),
        team,
        assignee,
        escalation_step,
        staff=staff,
        unread=unread,
        read_seq=read_seq,
        actor=actor,
    )


def thread_view_of(facts: Any, *, staff: bool, actor: Actor) -> ThreadView:
    """The view from ThreadRepository.view_facts (one statement), as :func:`thread_view`."""
    assignee = None
    if facts.assignee_id and facts.assignee_name is not None:
        assignee = PersonView(
            id=facts.assignee_id,
            name=facts.assignee_name,
            kind=facts.assignee_kind,
            profession=facts.assignee_profession,
        )
    escalation_step = 0
    if staff and facts.response_due_at is not None and facts.promise_waiting:
        escalation_step = facts.escalation_step
    team = TeamView(
        id=facts.team_id, key=facts.team_key, name=facts.team_name, unit_id=facts.unit_id
    )
    return build_thread_view(
        facts,
        PersonView(id=facts.patient_id, name=facts.patient_name, kind="patient"),
        team,
        assignee,
        escalation_step,
        staff=staff,
        unread=int(facts.unread or 0),
        read_seq=int(facts.read_seq or 0),
        actor=actor,
    )


def build_thread_view(
    t: Any,
    patient: PersonView,
    team: Team | TeamView,
    assignee: PersonView | None,
    escalation_step: int,
    *,
    staff: bool,
    unread: int,
    read_seq: int,
    actor: Actor | None,
) -> ThreadView:
    """``t``: a Thread, or a row with its columns."""
    routing = RoutingView(**t.routing) if staff and t.routing else None
    return ThreadView(
        id=t.id,
        subject=t.subject,
        case_type=t.case_type,
        status=t.status,
        patient=patient,
        team=team if isinstance(team, TeamView) else team_view(team),
        assignee=assignee,
        last_seq=t.last_seq if staff else (t.last_patient_seq or 0),
        unread=unread,
        read_seq=read_seq,
        attachments_allowed=t.attachments_allowed,
        patient_visible=t.patient_visible,
        urgency=t.urgency,
        category=t.category if staff else None,
        flagged_acute=t.flagged_acute,
        routing=routing,
        response_due_at=t.response_due_at,
        escalation_step=escalation_step,
        created_at=t.created_at,
        updated_at=t.updated_at,
        allowed_actions=_actions(actor, t, team.unit_id) if actor is not None else [],
    )


def _actions(actor: Actor, t: Any, unit_id: uuid.UUID) -> list[str]:
    """The thread is already known to be visible to the actor: staff outside the owning team
    see it as a participant (a spärr is handled by the caller)."""
    outside = actor.is_staff and t.team_id not in actor.team_ids
    scope = ThreadScope(
        thread_id=t.id,
        patient_id=t.patient_id,
        team_id=t.team_id,
        unit_id=unit_id,
        status=t.status,
        participant_ids=frozenset({actor.user_id}) if outside else frozenset(),
        attachments_allowed=t.attachments_allowed,
        patient_visible=t.patient_visible,
    )
    return access.thread_actions(actor, scope)


def team_view(team: Team) -> TeamView:
    return TeamView(id=team.id, key=team.key, name=team.name, unit_id=team.unit_id)


def team_dict(team: Team) -> dict[str, Any]:
    return {"id": str(team.id), "key": team.key, "name": team.name, "unit_id": str(team.unit_id)}


async def alert_views(store: Store, rows: list[AcuteAlert]) -> list[AlertView]:
    patients: dict[uuid.UUID, Patient] = {}
    for a in rows:
        if a.patient_id not in patients:
            p = await store.directory.patient(a.patient_id)
            assert p is not None
            patients[a.patient_id] = p
    who = await people(store, {a.acknowledged_by for a in rows if a.acknowledged_by})
    return [
        AlertView(
            id=a.id,
            thread_id=a.thread_id,
            unit_id=a.unit_id,
            patient=patient_person(patients[a.patient_id]),
            presentation=a.presentation,
            presentation_name=a.presentation_name,
            red_flag_kind=a.red_flag_kind,
            reasons=list(a.reasons or []),
            state=a.state,
            raised_at=a.raised_at,
            acknowledged_at=a.acknowledged_at,
            acknowledged_by=who.get(a.acknowledged_by) if a.acknowledged_by else None,
        )
        for a in rows
    ]
