"""The chat rules: threads, messages, read state. Knows nothing of HTTP or Socket.IO."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError

from chat import access
from chat.access import Actor, ThreadScope
from chat.errors import ErrorCode, NaraError, not_found
from chat.events import LiveEvents, NoLiveEvents, thread_audiences, unit_room
from chat.models import Message, MessageKind, Team, Thread, ThreadStatus, utcnow
from chat.presenters import author_of, message_view, message_views, people, thread_view
from chat.routing import TRIAGE_KEY, Classification, MessageClassifier
from chat.storage import Database, Store
from chat.views import MessageView, SendResult, ThreadView

STOCKHOLM = ZoneInfo("Europe/Stockholm")
URGENCY_HOURS = {"akut": 0, "bradskande": 8, "snart": 72, "rutin": 24 * 7}


@dataclass(frozen=True)
class Caller:
    """Who asks, and from where (the address goes to the access log)."""

    actor: Actor
    remote_addr: str | None = None


@dataclass(frozen=True)
class NewMessage:
    client_id: str
    body: str
    kind: str = MessageKind.TEXT
    attachment_ids: tuple[uuid.UUID, ...] = ()
    # Motfråga: staff ask the patient for files; attachments are turned on for the thread.
    request_files: bool = False


def today() -> date:
    return datetime.now(STOCKHOLM).date()


class ChatService:
    def __init__(
        self,
        db: Database,
        live: LiveEvents | None = None,
        classifier: MessageClassifier | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.live: LiveEvents = live or NoLiveEvents()
        self.classifier = classifier
        self.clock = clock
        # Hooks run inside the send transaction (attachments bind here) and after commit.
        self.attachment_binder: AttachmentBinder | None = None

    # -- reading ---------------------------------------------------------------------------

    async def actor(self, user_id: uuid.UUID) -> Actor | None:
        async with self.db.read() as store:
            return await store.directory.load_actor(user_id, today())

    async def list_threads(self, caller: Caller, status: str | None = None) -> list[ThreadView]:
        a = caller.actor
        async with self.db.read() as store:
            rows = await store.threads.list_visible(
                patient_ids=() if a.is_staff else sorted(a.patient_ids),
                team_ids=sorted(a.team_ids),
                user_id=a.user_id if a.is_staff else None,
                status=status,
            )
            ids = [t.id for t in rows]
            unread = await store.threads.unread_counts(a.user_id, ids, include_internal=a.is_staff)
            marks = await store.threads.read_seqs(a.user_id, ids)
            cache: dict[Any, Any] = {}
            return [
                await thread_view(
                    store,
                    t,
                    staff=a.is_staff,
                    unread=unread.get(t.id, 0),
                    read_seq=marks.get(t.id, 0),
                    cache=cache,
                )
                for t in rows
            ]

    async def get_thread(self, caller: Caller, thread_id: uuid.UUID) -> ThreadView:
        async with self.db.write() as store:
            scope = access.require_view(caller.actor, await store.threads.scope(thread_id))
            self._log_read(store, caller, scope, "thread.read")
            return await self._thread_view(store, caller.actor, thread_id)

    async def history(
        self,
        caller: Caller,
        thread_id: uuid.UUID,
        *,
        after_seq: int | None = None,
        before_seq: int | None = None,
        limit: int = 50,
    ) -> list[MessageView]:
        async with self.db.write() as store:
            scope = access.require_view(caller.actor, await store.threads.scope(thread_id))
            self._log_read(store, caller, scope, "messages.read")
            rows = await store.messages.page(
                thread_id,
                include_internal=access.sees_internal(caller.actor),
                after_seq=after_seq,
                before_seq=before_seq,
                limit=limit,
            )
            views = await message_views(store, rows)
            if self.attachment_binder:
                await self.attachment_binder.decorate(store, views)
            return views

    async def read_marks(self, caller: Caller, thread_id: uuid.UUID) -> list[dict[str, Any]]:
        async with self.db.read() as store:
            access.require_view(caller.actor, await store.threads.scope(thread_id))
            marks = await store.threads.read_marks(thread_id)
            who = await people(store, {u for u, _ in marks})
            return [
                {"user": who[u].model_dump(mode="json"), "seq": s} for u, s in marks if u in who
            ]

    async def unread_total(self, caller: Caller) -> dict[str, Any]:
        threads = await self.list_threads(caller)
        per = {str(t.id): t.unread for t in threads if t.unread}
        return {"total": sum(per.values()), "threads": per}

    # -- writing ---------------------------------------------------------------------------

    async def create_thread(
        self,
        caller: Caller,
        *,
        patient_id: uuid.UUID,
        subject: str,
        first: NewMessage,
        care_contact_id: uuid.UUID | None = None,
        team_id: uuid.UUID | None = None,
        case_type: str = "kontakt",
        patient_visible: bool = True,
    ) -> SendResult:
        a = caller.actor
        async with self.db.write() as store:
            if a.is_staff:
                if team_id is None or team_id not in a.team_ids:
                    raise not_found("team")
                if await store.directory.patient(patient_id) is None:
                    raise not_found("patient")
            else:
                access.require_patient_scope(a, patient_id)
                patient_visible = True
            now = self.clock()
            thread = Thread(
                id=uuid.uuid4(),
                patient_id=patient_id,
                created_by=a.user_id,
                subject=subject,
                case_type=case_type,
                status=ThreadStatus.OPEN,
                last_seq=0,
                patient_visible=patient_visible,
                created_at=now,
                updated_at=now,
            )
            decision = await self._place(store, thread, first, care_contact_id, team_id, a)
            store.threads.add(thread)
            await store.directory.flush()
            result = await self._append(store, caller, thread.id, first, now)
            emergency = await self._emergency(store, thread, decision, now)
            scope = await store.threads.scope(thread.id)
            view = await self._thread_view(store, a, thread.id)
        assert scope is not None
        await self._after_send(scope, result, emergency, decision, announce=True)
        return SendResult(message=result, thread=view, emergency=emergency)

    async def send(self, caller: Caller, thread_id: uuid.UUID, new: NewMessage) -> SendResult:
        # Authorise outside the write transaction: SQLite has one writer at a time, so the
        # write holds only what must be atomic (a closed thread is re-checked there).
        async with self.db.read() as store:
            scope = access.require_post(
                caller.actor, await store.threads.scope(thread_id), new.kind
            )
        try:
            async with self.db.write() as store:
                now = self.clock()
                view = await self._append(store, caller, thread_id, new, now)
                decision, emergency = await self._screen(store, caller, scope, new, now)
                # The hot path skips the thread view; an emergency changes the thread.
                thread = None
                if emergency is not None:
                    thread = await self._thread_view(store, caller.actor, thread_id)
        except IntegrityError:
            return await self._replay(caller, thread_id, new)
        await self._after_send(scope, view, emergency, decision, announce=emergency is not None)
        return SendResult(message=view, thread=thread, emergency=emergency)

    async def mark_read(self, caller: Caller, thread_id: uuid.UUID, seq: int) -> int:
        async with self.db.write() as store:
            scope = access.require_view(caller.actor, await store.threads.scope(thread_id))
            thread = await store.threads.get(thread_id)
            assert thread is not None
            stored = await store.threads.mark_read(
                thread_id, caller.actor.user_id, min(seq, thread.last_seq), self.clock()
            )
        payload = {"thread_id": str(thread_id), "user_id": str(caller.actor.user_id), "seq": stored}
        await self.live.publish("read", payload, thread_audiences(scope, internal=False))
        return stored

    async def typing(self, caller: Caller, thread_id: uuid.UUID, internal: bool) -> None:
        async with self.db.read() as store:
            scope = access.require_view(caller.actor, await store.threads.scope(thread_id))
        internal = internal and caller.actor.is_staff
        payload = {
            "thread_id": str(thread_id),
            "user_id": str(caller.actor.user_id),
            "name": caller.actor.display_name,
            "internal": internal,
        }
        await self.live.publish("typing", payload, thread_audiences(scope, internal=internal))

    # -- internals -------------------------------------------------------------------------

    async def _append(
        self, store: Store, caller: Caller, thread_id: uuid.UUID, new: NewMessage, now: datetime
    ) -> MessageView:
        changes: dict[str, Any] = _file_request_changes(caller.actor, new)
        if not caller.actor.is_staff:
            changes["status"] = ThreadStatus.OPEN
        closed = None if caller.actor.is_staff else ThreadStatus.CLOSED
        seq = await store.threads.next_seq(thread_id, now, unless_status=closed, **changes)
        if seq is None:
            raise NaraError(ErrorCode.THREAD_CLOSED, "the thread is closed; start a new one")
        message = Message(
            id=uuid.uuid4(),
            thread_id=thread_id,
            seq=seq,
            author_id=caller.actor.user_id,
            client_id=new.client_id,
            kind=new.kind,
            body=new.body,
            event={"type": "file_request"} if new.request_files else None,
            created_at=now,
        )
        await store.messages.insert(message)
        await store.threads.mark_read(thread_id, caller.actor.user_id, seq, now, report=False)
        attachments: list[dict[str, Any]] = []
        if new.attachment_ids:
            if self.attachment_binder is None:
                raise NaraError(ErrorCode.VALIDATION_FAILED, "attachments are not enabled")
            attachments = await self.attachment_binder.bind(store, caller, message, new)
        return message_view(message, {caller.actor.user_id: author_of(caller.actor)}, attachments)

    async def _replay(self, caller: Caller, thread_id: uuid.UUID, new: NewMessage) -> SendResult:
        """The client id was used before: answer with what was stored the first time."""
        async with self.db.read() as store:
            existing = await store.messages.by_client_id(caller.actor.user_id, new.client_id)
            if existing is None:
                raise NaraError(ErrorCode.CONFLICT, "the message could not be stored; retry")
            if existing.thread_id != thread_id or existing.body != new.body:
                raise NaraError(
                    ErrorCode.IDEMPOTENCY_MISMATCH,
                    "this client_id was already used for a different message",
                )
            views = await message_views(store, [existing])
            if self.attachment_binder:
                await self.attachment_binder.decorate(store, views)
            thread = await self._thread_view(store, caller.actor, thread_id)
        return SendResult(message=views[0], duplicate=True, thread=thread)

    async def _after_send(
        self,
        scope: ThreadScope,
        message: MessageView,
        emergency: dict[str, Any] | None,
        decision: Classification | None,
        *,
        announce: bool,
    ) -> None:
        """Only after commit: what clients are told can always be read back."""
        internal = message.kind == MessageKind.INTERNAL_NOTE
        payload = {"message": message.model_dump(mode="json")}
        await self.live.publish("message", payload, thread_audiences(scope, internal=internal))
        if emergency is not None:
            auto = emergency["message"]
            await self.live.publish(
                "message", {"message": auto}, thread_audiences(scope, internal=False)
            )
            alert = {
                "thread_id": str(scope.thread_id),
                "red_flag_kind": decision.red_flag_kind if decision else None,
                "reasons": list(decision.reasons) if decision else [],
            }
            await self.live.publish("acute_alert", alert, [unit_room(scope.unit_id)])
        if announce:
            await self.publish_thread(scope)

    async def publish_thread(self, scope: ThreadScope) -> None:
        payload = {"thread_id": str(scope.thread_id)}
        await self.live.publish("thread_updated", payload, thread_audiences(scope, internal=False))

    async def _thread_view(self, store: Store, a: Actor, thread_id: uuid.UUID) -> ThreadView:
        thread = await store.threads.get(thread_id)
        assert thread is not None
        unread = await store.threads.unread_counts(
            a.user_id, [thread_id], include_internal=a.is_staff
        )
        marks = await store.threads.read_seqs(a.user_id, [thread_id])
        return await thread_view(
            store,
            thread,
            staff=a.is_staff,
            unread=unread.get(thread_id, 0),
            read_seq=marks.get(thread_id, 0),
        )

    def _log_read(self, store: Store, caller: Caller, scope: ThreadScope, action: str) -> None:
        if caller.actor.is_staff:
            store.access_log.append(
                staff_user_id=caller.actor.user_id,
                patient_id=scope.patient_id,
                thread_id=scope.thread_id,
                action=action,
                remote_addr=caller.remote_addr,
                at=self.clock(),
            )

    async def _place(
        self,
        store: Store,
        thread: Thread,
        first: NewMessage,
        care_contact_id: uuid.UUID | None,
        team_id: uuid.UUID | None,
        a: Actor,
    ) -> Classification | None:
        """Choose the owning team: the staff's choice, the care contact's team, or routing."""
        due_hours: int | None = None
        if team_id is not None:
            thread.team_id = team_id
        elif care_contact_id is not None:
            contact = await store.directory.care_contact(care_contact_id)
            if contact is None or contact.patient_id != thread.patient_id or not contact.team_id:
                raise not_found("care contact")
            thread.team_id, thread.care_contact_id = contact.team_id, contact.id
            thread.assignee_id = contact.coordinator_id
            due_hours = contact.response_time_hours
        table, teams = await self._routing_context(store, thread.patient_id)
        decision = None
        if self.classifier is not None and not a.is_staff and first.kind == MessageKind.TEXT:
            keys = {cat: teams[tid].key for cat, tid in table.items() if tid in teams}
            decision = self.classifier.classify(first.body, keys)
        if thread.team_id is None:
            thread.team_id = _pick_team(table, teams, decision)
        if decision is not None:
            thread.routing = decision.stored()
            thread.urgency, thread.category = decision.urgency, decision.category
            thread.flagged_acute = decision.acute
            urgency_hours = URGENCY_HOURS.get(decision.urgency)
            if urgency_hours is not None:
                due_hours = urgency_hours if due_hours is None else min(due_hours, urgency_hours)
        if due_hours is not None:
            thread.response_due_at = thread.created_at + timedelta(hours=due_hours)
        return decision

    async def _routing_context(
        self, store: Store, patient_id: uuid.UUID
    ) -> tuple[dict[str, uuid.UUID], dict[uuid.UUID, Team]]:
        """The routing table and teams of the unit the patient is listed at."""
        patient = await store.directory.patient(patient_id)
        if patient is None or patient.unit_id is None:
            return {}, {}
        table = await store.directory.routing_table(patient.unit_id)
        return table, {t.id: t for t in await store.directory.teams([patient.unit_id])}

    async def _screen(
        self, store: Store, caller: Caller, scope: ThreadScope, new: NewMessage, now: datetime
    ) -> tuple[Classification | None, dict[str, Any] | None]:
        """Every patient message is checked for emergencies, not only the first."""
        if caller.actor.is_staff or self.classifier is None or new.kind != MessageKind.TEXT:
            return None, None
        decision = self.classifier.classify(new.body, {})
        if not decision.acute:
            return decision, None
        thread = await store.threads.get(scope.thread_id)
        assert thread is not None
        thread.flagged_acute, thread.urgency = True, decision.urgency
        return decision, await self._emergency(store, thread, decision, now)

    async def _emergency(
        self, store: Store, thread: Thread, decision: Classification | None, now: datetime
    ) -> dict[str, Any] | None:
        """Acute: an automatic reply in the same request, stored in the thread."""
        if decision is None or not decision.acute or not decision.emergency_reply:
            return None
        seq = await store.threads.next_seq(thread.id)
        assert seq is not None
        event = {"type": "emergency", "red_flag_kind": decision.red_flag_kind}
        auto = Message(
            id=uuid.uuid4(),
            thread_id=thread.id,
            seq=seq,
            author_id=None,
            client_id=None,
            kind=MessageKind.SYSTEM,
            body=decision.emergency_reply,
            event=event,
            created_at=now,
        )
        await store.messages.insert(auto)
        view = message_view(auto, {})
        return {
            "reply": decision.emergency_reply,
            "red_flag_kind": decision.red_flag_kind,
            "message": view.model_dump(mode="json"),
        }


def _file_request_changes(actor: Actor, new: NewMessage) -> dict[str, Any]:
    """A counter-question asking for files: staff only, visible to the patient."""
    if not new.request_files:
        return {}
    if not actor.is_staff:
        raise NaraError(ErrorCode.FORBIDDEN, "only staff may ask for files")
    if new.kind != MessageKind.TEXT:
        raise NaraError(ErrorCode.VALIDATION_FAILED, "a file request must reach the patient")
    return {"attachments_allowed": True, "status": ThreadStatus.WAITING_FOR_PATIENT}


def _pick_team(
    table: dict[str, uuid.UUID], teams: dict[uuid.UUID, Team], decision: Classification | None
) -> uuid.UUID:
    if decision is not None and not decision.needs_triage and decision.category in table:
        return table[decision.category]
    if TRIAGE_KEY in table:
        return table[TRIAGE_KEY]
    triage = [t.id for t in teams.values() if t.is_triage]
    if triage:
        return triage[0]
    raise NaraError(
        ErrorCode.VALIDATION_FAILED,
        "choose a care contact: no team of the patient's care unit can take this",
    )


class AttachmentBinder:
    """Set by the server when attachments are enabled (see chat/attachments)."""

    async def bind(
        self, store: Store, caller: Caller, message: Message, new: NewMessage
    ) -> list[dict[str, Any]]:
        raise NotImplementedError

    async def decorate(self, store: Store, views: list[MessageView]) -> None:
        raise NotImplementedError
