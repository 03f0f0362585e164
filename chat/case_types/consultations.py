"""Staff finding each other and their patients: the staff directory, patient search (for
starting a thread), consultations (a staff-only thread linked to a patient's thread, across
units and organisations) and search in the inbox. Every patient shown goes to the log."""

from __future__ import annotations

import re
import uuid
from typing import Any

from sqlalchemy.exc import IntegrityError

from chat import access, audit
from chat.access import Actor
from chat.case_types.models import Consultation
from chat.case_types.views import ConsultationView, PatientHit, StaffEntry
from chat.errors import ErrorCode, NaraError
from chat.events import thread_audiences
from chat.models import Message, MessageKind, Thread, ThreadStatus, UserKind
from chat.personnummer import normalize
from chat.presenters import author_of, message_view, thread_view
from chat.service import Caller, ChatService, blocked_stub, today
from chat.storage import Store
from chat.storage.case_types import CaseTypeRepository
from chat.views import ThreadView

MAX_CONSULTED = 10
_DIGITS = re.compile(r"^[\d\s+-]{10,13}$")


def repo(store: Store) -> CaseTypeRepository:
    return CaseTypeRepository(store.session)


class StaffDirectory:
    def __init__(self, chat: ChatService) -> None:
        self.chat = chat
        self.db = chat.db

    async def staff(
        self,
        actor: Actor,
        text: str | None,
        profession: str | None,
        unit_id: uuid.UUID | None,
    ) -> list[StaffEntry]:
        """Colleagues by name, profession or unit, in every organisation (no patient data)."""
        access.require_staff(actor)
        async with self.db.read() as store:
            rows = await repo(store).search_staff(text, profession, unit_id)
        return [
            StaffEntry(
                id=u.id,
                name=u.display_name,
                profession=p,
                unit_id=c.id,
                unit_name=c.name,
                organisation_name=o.name,
            )
            for u, p, c, o in rows
        ]

    async def patients(self, caller: Caller, text: str) -> list[PatientHit]:
        """Patients the caller has a care relation with, by name or personnummer."""
        a = caller.actor
        access.require_staff(a)
        pnr = _personnummer(text)
        if pnr is None and len(text.strip()) < 2:
            raise NaraError(ErrorCode.VALIDATION_FAILED, "write at least two letters")
        async with self.db.write() as store:
            rows = await repo(store).search_patients(
                unit_ids=sorted(a.unit_ids),
                team_ids=sorted(a.team_ids),
                user_id=a.user_id,
                text=text.strip(),
                personnummer=pnr,
            )
            fallback = min(a.unit_ids, key=str) if a.unit_ids else None
            shown = []
            for p in rows:
                unit = p.unit_id or fallback
                if unit is not None:
                    shown.append(audit.Access(p.id, unit, "patients.search"))
            await audit.record(store, a, caller.remote_addr, shown, self.chat.clock())
        return [PatientHit(id=p.id, name=p.name, birth_date=p.birth_date.isoformat()) for p in rows]

    async def search_threads(
        self,
        caller: Caller,
        *,
        text: str | None,
        case_type: str | None,
        status: str | None,
    ) -> list[ThreadView]:
        """The staff inbox, filtered; logged like the thread list (one row per patient and
        unit shown). Threads a spärr keeps the caller out of are left out of a search."""
        a = caller.actor
        access.require_staff(a)
        async with self.db.write() as store:
            rows = await repo(store).search_threads(
                team_ids=sorted(a.team_ids),
                user_id=a.user_id,
                text=(text or "").strip() or None,
                case_type=case_type,
                status=status,
            )
            views: list[ThreadView] = []
            shown: dict[tuple[uuid.UUID, uuid.UUID], audit.Access] = {}
            cache: dict[Any, Any] = {}
            for t in rows:
                scope = await store.threads.scope(t.id)
                if scope is None or not access.can_view(a, scope):
                    continue
                views.append(await thread_view(store, t, staff=True, cache=cache, actor=a))
                flagged = access.under_override(a, scope)
                key = (t.patient_id, scope.unit_id)
                if key not in shown or flagged:
                    shown[key] = audit.Access(
                        t.patient_id, scope.unit_id, "threads.search", flagged=flagged
                    )
            await audit.record(store, a, caller.remote_addr, shown.values(), self.chat.clock())
        return views


class Consultations:
    def __init__(self, chat: ChatService) -> None:
        self.chat = chat
        self.db = chat.db

    async def open(
        self,
        caller: Caller,
        source_thread_id: uuid.UUID,
        *,
        user_ids: list[uuid.UUID],
        subject: str,
        body: str,
        client_id: str,
    ) -> ConsultationView:
        """A staff-only thread about the same patient, owned by the source thread's team,
        with the consulted colleagues (and the asker, if outside that team) taking part."""
        a = caller.actor
        now = self.chat.clock()
        try:
            async with self.db.write() as store:
                source = access.require_consult(a, await store.threads.scope(source_thread_id))
                await _check_colleagues(store, a, user_ids)
                thread = Thread(
                    id=uuid.uuid4(),
                    patient_id=source.patient_id,
                    team_id=source.team_id,
                    created_by=a.user_id,
                    subject=subject,
                    case_type="konsultation",
                    status=ThreadStatus.OPEN,
                    last_seq=0,
                    patient_visible=False,
                    attachments_allowed=True,
                    created_at=now,
                    updated_at=now,
                )
                store.threads.add(thread)
                await store.directory.flush()
                people = list(dict.fromkeys(user_ids))
                if source.team_id not in a.team_ids:
                    people.append(a.user_id)
                for uid in people:
                    await store.threads.add_participant(thread.id, uid, a.user_id)
                repo(store).add(
                    Consultation(
                        thread_id=thread.id,
                        source_thread_id=source_thread_id,
                        created_by=a.user_id,
                        created_at=now,
                    )
                )
                message = await _first_message(store, a, thread.id, body, client_id, now)
                scope = await store.threads.scope(thread.id)
                assert scope is not None
                view = await self.chat.thread_view_for(store, a, thread.id)
                await self.chat.log_read(store, caller, scope, "consultation.create")
                payload = {"message": message.model_dump(mode="json")}
                self.chat.events.publish(
                    store, "message", payload, thread_audiences(scope, internal=True)
                )
                self.chat.announce_thread(store, scope)
        except IntegrityError:
            return await self._replay(caller, source_thread_id, subject, body, client_id)
        return ConsultationView(thread=view, source_thread_id=source_thread_id)

    async def _replay(
        self, caller: Caller, source_thread_id: uuid.UUID, subject: str, body: str,
        client_id: str,
    ) -> ConsultationView:
        """The client id was used before: the stored consultation if it is the same request."""
        a = caller.actor
        async with self.db.write() as store:
            access.require_consult(a, await store.threads.scope(source_thread_id))
            existing = await store.messages.by_client_id(a.user_id, client_id)
            if existing is None:
                raise NaraError(ErrorCode.CONFLICT, "the consultation could not be stored; retry")
            thread = await store.threads.get(existing.thread_id)
            same = (
                thread is not None and thread.subject == subject and existing.body == body
                and existing.thread_id in await repo(store).consultations_of(source_thread_id)
            )
            if not same:
                raise NaraError(
                    ErrorCode.IDEMPOTENCY_MISMATCH,
                    "this client_id was already used for a different message",
                )
            scope = access.require_view(a, await store.threads.scope(existing.thread_id))
            view = await self.chat.thread_view_for(store, a, existing.thread_id)
            await self.chat.log_read(store, caller, scope, "thread.read")
        return ConsultationView(thread=view, source_thread_id=source_thread_id, duplicate=True)

    async def of_thread(self, caller: Caller, thread_id: uuid.UUID) -> list[ThreadView]:
        """Consultations opened from a thread that the caller takes part in or owns."""
        a = caller.actor
        async with self.db.read() as store:
            access.require_consult(a, await store.threads.scope(thread_id))
            out = []
            for cid in await repo(store).consultations_of(thread_id):
                scope = await store.threads.scope(cid)
                if scope is None or not access.can_view(a, scope):
                    continue
                view = await self.chat.thread_view_for(store, a, cid)
                out.append(view if not access.sees_blocked_stub(a, scope) else blocked_stub(view))
            return out


async def _check_colleagues(store: Store, actor: Actor, user_ids: list[uuid.UUID]) -> None:
    if not 1 <= len(set(user_ids)) <= MAX_CONSULTED:
        raise NaraError(
            ErrorCode.VALIDATION_FAILED, f"consult between 1 and {MAX_CONSULTED} colleagues"
        )
    users = await store.directory.users(user_ids)
    for uid in user_ids:
        u = users.get(uid)
        if u is None or u.kind != UserKind.STAFF or not u.active or uid == actor.user_id:
            raise NaraError(
                ErrorCode.VALIDATION_FAILED,
                "consult active colleagues other than yourself",
                reason="not_staff",
            )


async def _first_message(
    store: Store, actor: Actor, thread_id: uuid.UUID, body: str, client_id: str, now: Any
) -> Any:
    seq = await store.threads.next_seq(thread_id, now)
    assert seq is not None
    m = Message(
        id=uuid.uuid4(),
        thread_id=thread_id,
        seq=seq,
        author_id=actor.user_id,
        client_id=client_id,
        kind=MessageKind.TEXT,
        body=body,
        event={"type": "consultation"},
        created_at=now,
    )
    await store.messages.insert(m)
    await store.threads.mark_read(thread_id, actor.user_id, seq, now, report=False)
    return message_view(m, {actor.user_id: author_of(actor)})


def _personnummer(text: str) -> str | None:
    if not _DIGITS.match(text.strip()):
        return None
    try:
        return normalize(text.strip(), today=today())
    except NaraError:
        return None
