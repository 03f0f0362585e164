"""Turn stored rows into the views the API shows."""

from __future__ import annotations

import uuid
from typing import Any

from chat.access import Actor
from chat.models import Message, Patient, Team, Thread, User
from chat.storage import Store
from chat.views import MessageView, PersonView, RoutingView, ThreadView


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
    attachments: list[dict[str, Any]] | None = None,
) -> MessageView:
    return MessageView(
        id=m.id,
        thread_id=m.thread_id,
        seq=m.seq,
        kind=m.kind,
        body=m.body,
        author=authors.get(m.author_id) if m.author_id else None,
        client_id=m.client_id,
        event=m.event,
        attachments=attachments or [],
        created_at=m.created_at,
    )


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
) -> ThreadView:
    cache = {} if cache is None else cache
    patient = cache.get(t.patient_id) or await store.directory.patient(t.patient_id)
    team = cache.get(t.team_id) or await store.directory.team(t.team_id)
    assert patient is not None and team is not None
    cache[t.patient_id], cache[t.team_id] = patient, team
    assignee = None
    if t.assignee_id:
        assignee = (await people(store, {t.assignee_id})).get(t.assignee_id)
    routing = RoutingView(**t.routing) if staff and t.routing else None
    return ThreadView(
        id=t.id,
        subject=t.subject,
        case_type=t.case_type,
        status=t.status,
        patient=patient_person(patient),
        team=team_dict(team),
        assignee=assignee,
        last_seq=t.last_seq,
        unread=unread,
        read_seq=read_seq,
        attachments_allowed=t.attachments_allowed,
        patient_visible=t.patient_visible,
        urgency=t.urgency,
        category=t.category if staff else None,
        flagged_acute=t.flagged_acute,
        routing=routing,
        response_due_at=t.response_due_at,
        created_at=t.created_at,
        updated_at=t.updated_at,
    )


def team_dict(team: Team) -> dict[str, Any]:
    return {"id": str(team.id), "key": team.key, "name": team.name, "unit_id": str(team.unit_id)}


def user_person(u: User, profession: str | None = None) -> PersonView:
    return PersonView(id=u.id, name=u.display_name, kind=u.kind, profession=profession)
