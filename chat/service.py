"""The chat rules: threads, messages, read state. Knows nothing of HTTP or Socket.IO."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError

from chat import access, audit
from chat.access import Actor, ThreadScope
from chat.errors import ErrorCode, NaraError, not_found
from chat.events import (
    LiveEvents,
    NoLiveEvents,
    Publisher,
    message_reference,
    patient_room,
    shaped,
    staff_audiences,
    thread_audiences,
    unit_room,
    user_room,
)
from chat.models import (
    AcuteAlert,
    AlertState,
    Message,
    MessageKind,
    Team,
    Thread,
    ThreadStatus,
    utcnow,
)
from chat.presenters import (
    alert_views,
    author_of,
    message_view,
    message_views,
    people,
    seen_by,
    thread_view,
    thread_view_of,
)
from chat.promise import URGENCY_HOURS
from chat.routing import TRIAGE_KEY, URGENT, Classification, MessageClassifier, more_urgent
from chat.storage import Database, Store
from chat.storage.group_commit import GroupCommit
from chat.storage.messages import Posted
from chat.views import (
    AttachmentView,
    EmergencyView,
    MessageView,
    ReadMarkView,
    SafetyNetView,
    SendResult,
    ThreadView,
)

if TYPE_CHECKING:
    from chat.notifications.followup import Followup

STOCKHOLM = ZoneInfo("Europe/Stockholm")
SEND_BATCH = 32  # the most sends in one transaction (server/config.py: NARA_SEND_BATCH)


@dataclass(frozen=True)
class Caller:
    """Who asks, and from where (the address goes to the access log). ``origin``: the live
    connection the request came on, if any (an opaque id of the server's); a send's answer
    carries the message, so that connection does not also get it as a live event."""

    actor: Actor
    remote_addr: str | None = None
    origin: str | None = None


@dataclass(frozen=True)
class NewMessage:
    client_id: str
    body: str
    kind: str = MessageKind.TEXT
    attachment_ids: tuple[uuid.UUID, ...] = ()
    # Motfråga: staff ask the patient for files; attachments are turned on for the thread.
    request_files: bool = False


@dataclass
class Screening:
    """What a patient message set off: automatic replies, an alert, a re-triaged thread."""

    emergency: EmergencyView | None = None  # the 112 reply (acute)
    safety_net: SafetyNetView | None = None  # "if it gets worse, call 112" (brådskande)
    alert: dict[str, Any] | None = None  # the unit's acute alert (AlertView as JSON)
    # Urgency, due time or reasons of the thread moved, or replies were added to it.
    changed: bool = False
    replies: list[dict[str, Any]] = field(default_factory=list)


# Stores what belongs with a new thread, inside its transaction (ChatService.create_thread).
ThreadHook = Callable[[Store, uuid.UUID, MessageView], Awaitable[None]]


def today() -> date:
    return datetime.now(STOCKHOLM).date()


class ChatService:
    def __init__(
        self,
        db: Database,
        live: LiveEvents | None = None,
        classifier: MessageClassifier | None = None,
        clock: Callable[[], datetime] = utcnow,
        attachment_binder: AttachmentBinder | None = None,
        send_batch: int = SEND_BATCH,
        send_batches_in_flight: int = 1,
    ) -> None:
        self.db = db
        # Sends written together while others are in flight (NARA_SEND_BATCH; 1: each alone),
        # several batches at once on PostgreSQL (NARA_SEND_BATCHES_IN_FLIGHT); SQLite has one
        # writer, so one batch at a time there groups more and waits no longer.
        in_flight = 1 if db.is_sqlite else send_batches_in_flight
        self._sends: GroupCommit[SendResult] = GroupCommit(db, send_batch, in_flight)
        self.live: LiveEvents = live or NoLiveEvents()
        self.classifier = classifier
        self.clock = clock
        # Every live event of chat/ goes through here: queued in the transaction, sent after.
        self.events = Publisher(self.live, clock)
        self.events.rebuild = self._rebuild_events
        # Binds uploads inside the send transaction; without one, attachment ids are refused.
        self.attachment_binder = attachment_binder
        # Notices into the outbox and the thread's promise (chat/notifications/followup.py).
        self.followup: Followup | None = None

    # -- reading ---------------------------------------------------------------------------

    async def actor(self, user_id: uuid.UUID) -> Actor | None:
        async with self.db.read() as store:
            return await store.directory.load_actor(user_id, today())

    async def list_threads(
        self, caller: Caller, status: str | None = None, *, log: bool = True
    ) -> list[ThreadView]:
        """Staff see patient names and subjects here: one access-log row per patient (and
        unit) shown. Threads a spärr keeps the caller out of are shown as blocked stubs."""
        a = caller.actor
        logged = log and a.is_staff
        async with self.db.write() if logged else self.db.read() as store:
            rows = await store.threads.list_visible(
                patient_ids=() if a.is_staff else sorted(a.patient_ids),
                team_ids=sorted(a.team_ids),
                user_id=a.user_id if a.is_staff else None,
                status=status,
            )
            ids = [t.id for t in rows]
            unread = await store.threads.unread_counts(a.user_id, ids, include_internal=a.is_staff)
            marks = await self._read_seqs(store, a, ids)
            cache: dict[Any, Any] = {}
            if a.is_staff:  # escalation steps, for the inbox: one query, not one per thread
                promises = await store.notifications.promises(ids)
                cache.update({("promise", i): promises.get(i) for i in ids})
            views = []
            shown: dict[tuple[uuid.UUID, uuid.UUID], audit.Access] = {}
            for t in rows:
                view = await thread_view(
                    store,
                    t,
                    staff=a.is_staff,
                    unread=unread.get(t.id, 0),
                    read_seq=marks.get(t.id, 0),
                    cache=cache,
                    actor=a,
                )
                flagged = False
                if a.is_staff and t.team_id not in a.team_ids:
                    scope = await store.threads.scope(t.id)
                    assert scope is not None
                    if access.sees_blocked_stub(a, scope):
                        view = blocked_stub(view)
                    flagged = access.under_override(a, scope)
                views.append(view)
                unit_id = view.team.unit_id
                key = (t.patient_id, unit_id)
                if key not in shown or flagged:
                    shown[key] = audit.Access(
                        t.patient_id, unit_id, "threads.list", flagged=flagged
                    )
            if logged:
                await audit.record(
                    store, a, caller.remote_addr, shown.values(), self.clock()
                )
            return views

    async def get_thread(self, caller: Caller, thread_id: uuid.UUID) -> ThreadView:
        async with self.db.write() as store:
            scope = access.require_view(caller.actor, await store.threads.scope(thread_id))
            view = await self.thread_view_for(store, caller.actor, thread_id)
            await self.log_read(store, caller, scope, "thread.read")
            return view

    async def history(
        self,
        caller: Caller,
        thread_id: uuid.UUID,
        *,
        after_seq: int | None = None,
        before_seq: int | None = None,
        limit: int = 50,
        after_patient_seq: int | None = None,
    ) -> list[MessageView]:
        """The patient side counts by its own gap-free sequence (internal notes leave no gaps
        there): its ``after_seq``/``before_seq`` are patient_seqs, as ``after_patient_seq``."""
        staff = access.sees_internal(caller.actor)
        before_patient_seq = None
        if not staff:
            after_patient_seq = after_seq if after_patient_seq is None else after_patient_seq
            after_seq, before_patient_seq, before_seq = None, before_seq, None
        async with self.db.write() as store:
            scope = access.require_view(caller.actor, await store.threads.scope(thread_id))
            rows = await store.messages.page(
                thread_id,
                include_internal=staff,
                after_seq=after_seq,
                before_seq=before_seq,
                limit=limit,
                after_patient_seq=after_patient_seq,
                before_patient_seq=before_patient_seq,
            )
            views = [seen_by(caller.actor, v) for v in await message_views(store, rows)]
            if self.attachment_binder:
                await self.attachment_binder.decorate(store, views)
            await self.log_read(store, caller, scope, "messages.read")
            return views

    async def read_marks(self, caller: Caller, thread_id: uuid.UUID) -> list[ReadMarkView]:
        async with self.db.read() as store:
            access.require_view(caller.actor, await store.threads.scope(thread_id))
            marks = await store.threads.read_marks(thread_id)
            if not caller.actor.is_staff:
                at = await store.threads.patient_positions(thread_id, [s for _, s in marks])
                marks = [(u, at[s]) for u, s in marks]
            who = await people(store, {u for u, _ in marks})
            return [ReadMarkView(user=who[u], seq=s) for u, s in marks if u in who]

    async def unread_total(self, caller: Caller) -> dict[str, Any]:
        threads = await self.list_threads(caller, log=False)  # counts per id: no patient data
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
        then: ThreadHook | None = None,
    ) -> SendResult:
        """``then`` stores what belongs with the new thread (a case type's answers, an
        invånarärende) in the same transaction: all of it is stored, or none."""
        try:
            return await self._create_thread(
                caller, patient_id, subject, first, care_contact_id, team_id, case_type,
                patient_visible, then,
            )
        except IntegrityError:
            return await self._replay_thread(caller, patient_id, subject, first)

    async def _create_thread(
        self,
        caller: Caller,
        patient_id: uuid.UUID,
        subject: str,
        first: NewMessage,
        care_contact_id: uuid.UUID | None,
        team_id: uuid.UUID | None,
        case_type: str,
        patient_visible: bool,
        then: ThreadHook | None,
    ) -> SendResult:
        a = caller.actor
        async with self.db.write() as store:
            if a.is_staff:
                if team_id is None or team_id not in a.team_ids:
                    raise not_found("team")
                access.require_care_relation(a, await store.privacy.care_relation(patient_id))
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
            scope = await store.threads.scope(thread.id)
            assert scope is not None
            screening = await self._respond(store, scope, decision, result, now)
            if self.followup is not None:
                await self.followup.after_message(store, a, scope, result, now)
            if then is not None:
                await then(store, thread.id, result)
            view = await self.thread_view_for(store, a, thread.id)
            await self.log_read(store, caller, scope, "thread.create")
            self._announce(store, scope, result, screening, announce=True)
        return SendResult(
            message=seen_by(a, result),
            thread=view,
            emergency=screening.emergency,
            safety_net=screening.safety_net,
        )

    async def send(self, caller: Caller, thread_id: uuid.UUID, new: NewMessage) -> SendResult:
        """One transaction: store, authorise, queue the live events (sent after the commit).
        Sends that arrive while another is being written share the next transaction (group
        commit: one BEGIN/COMMIT for all; a send that fails runs again alone, so it answers
        as it would have alone: chat/storage/group_commit.py)."""
        try:
            return await self._sends.write(
                lambda store: self._send_in(store, caller, thread_id, new), key=str(thread_id)
            )
        except IntegrityError:
            return await self._replay(caller, thread_id, new)

    async def _send_in(
        self, store: Store, caller: Caller, thread_id: uuid.UUID, new: NewMessage
    ) -> SendResult:
        now = self.clock()
        view, posted = await self._post(store, caller, thread_id, new, now)
        scope = posted.scope
        screening = await self._screen(store, caller, scope, new, view, now)
        if self.followup is not None and await self.followup.after_message(
            store, caller.actor, scope, view, now, retriaged=screening.changed, known=posted
        ):
            screening.changed = True
        # The hot path skips the thread view; re-triage or a reply changes the thread.
        thread = None
        if screening.changed:
            thread = await self.thread_view_for(store, caller.actor, thread_id)
        self._announce(
            store, scope, view, screening, announce=screening.changed, referenced=True,
            skip=caller.origin,
        )
        return SendResult(
            message=seen_by(caller.actor, view),
            thread=thread,
            emergency=screening.emergency,
            safety_net=screening.safety_net,
        )

    async def _post(
        self, store: Store, caller: Caller, thread_id: uuid.UUID, new: NewMessage, now: datetime
    ) -> tuple[MessageView, Posted]:
        """The send's writes and its access check: the message, the seqs and the sender's read
        mark go in with the statement that reads the thread's scope (MessageRepository.post);
        a refusal raises and rolls all of it back. The checks answer as they did when they
        came before the writes: the thread's visibility first (require_post), then a closed
        thread, then a file request from the patient side."""
        a = caller.actor
        refused: NaraError | None = None
        try:
            changes: dict[str, Any] = _file_request_changes(a, new)
        except NaraError as err:
            refused, changes = err, {}
        if not a.is_staff:
            changes["status"] = ThreadStatus.OPEN
        message = Message(
            id=uuid.uuid4(),
            thread_id=thread_id,
            seq=0,
            author_id=a.user_id,
            client_id=new.client_id,
            kind=new.kind,
            body=new.body,
            event={"type": "file_request"} if new.request_files else None,
            created_at=now,
        )
        # The transaction's live_outbox row goes in with the message: a reference to it, from
        # which a sweep rebuilds the live events should this process die after the commit.
        outbox = [message_reference(message.id, thread_id)]
        posted = await store.messages.post(
            message,
            status=changes.get("status"),
            allow_attachments=bool(changes.get("attachments_allowed")),
            unless_status=None if a.is_staff else ThreadStatus.CLOSED,
            channels=self.followup.settings.channels if self.followup else frozenset(),
            outbox=outbox,
            wait=not a.is_staff and new.kind == MessageKind.TEXT,
            # A staff answer keeps the thread's promise in the same statement (PostgreSQL);
            # Followup.after_message then writes nothing more for it.
            answer=a.is_staff and new.kind == MessageKind.TEXT and self.followup is not None,
        )
        scope = posted.scope if posted is not None else await store.threads.scope(thread_id)
        access.require_post(a, scope, new.kind)
        if posted is None:
            raise NaraError(ErrorCode.THREAD_CLOSED, "the thread is closed; start a new one")
        if refused is not None:
            raise refused
        assert posted.outbox_id is not None
        self.events.written(store, posted.outbox_id, outbox)
        attachments: list[AttachmentView] = []
        if new.attachment_ids:
            if self.attachment_binder is None:
                raise NaraError(ErrorCode.VALIDATION_FAILED, "attachments are not enabled")
            attachments = await self.attachment_binder.bind(store, caller, message, new)
        return message_view(message, {a.user_id: author_of(a)}, attachments), posted

    async def mark_read(self, caller: Caller, thread_id: uuid.UUID, seq: int) -> int:
        """Read marks are stored by seq; the patient side gives and gets its patient_seq."""
        patient_side = not caller.actor.is_staff
        async with self.db.write() as store:
            scope = access.require_view(caller.actor, await store.threads.scope(thread_id))
            thread = await store.threads.get(thread_id)
            assert thread is not None
            if patient_side:
                seq = await store.threads.seq_of_patient_position(thread_id, seq)
            stored = await store.threads.mark_read(
                thread_id, caller.actor.user_id, min(seq, thread.last_seq), self.clock()
            )
            at = stored
            if patient_side or scope.patient_visible:
                at = (await store.threads.patient_positions(thread_id, [stored]))[stored]
            for rooms, mark in (
                (staff_audiences(scope), stored),
                ([patient_room(scope.patient_id)] if scope.patient_visible else [], at),
            ):
                payload = {"thread_id": str(thread_id), "user_id": str(caller.actor.user_id)}
                self.events.publish(store, "read", {**payload, "seq": mark}, rooms, durable=False)
        return at if patient_side else stored

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
            rooms = thread_audiences(scope, internal=internal)
            self.events.publish(store, "typing", payload, rooms, durable=False)

    # -- internals -------------------------------------------------------------------------

    async def _append(
        self, store: Store, caller: Caller, thread_id: uuid.UUID, new: NewMessage, now: datetime
    ) -> MessageView:
        changes: dict[str, Any] = _file_request_changes(caller.actor, new)
        if not caller.actor.is_staff:
            changes["status"] = ThreadStatus.OPEN
        closed = None if caller.actor.is_staff else ThreadStatus.CLOSED
        taken = await store.threads.take_seq(
            thread_id,
            now,
            visible=new.kind != MessageKind.INTERNAL_NOTE,
            unless_status=closed,
            **changes,
        )
        if taken is None:
            raise NaraError(ErrorCode.THREAD_CLOSED, "the thread is closed; start a new one")
        seq = taken.seq
        message = Message(
            id=uuid.uuid4(),
            thread_id=thread_id,
            seq=seq,
            patient_seq=taken.patient_seq,
            author_id=caller.actor.user_id,
            client_id=new.client_id,
            kind=new.kind,
            body=new.body,
            event={"type": "file_request"} if new.request_files else None,
            created_at=now,
        )
        await store.messages.insert(message)
        await store.threads.mark_read(thread_id, caller.actor.user_id, seq, now, report=False)
        attachments: list[AttachmentView] = []
        if new.attachment_ids:
            if self.attachment_binder is None:
                raise NaraError(ErrorCode.VALIDATION_FAILED, "attachments are not enabled")
            attachments = await self.attachment_binder.bind(store, caller, message, new)
        return message_view(message, {caller.actor.user_id: author_of(caller.actor)}, attachments)

    async def _replay(self, caller: Caller, thread_id: uuid.UUID, new: NewMessage) -> SendResult:
        """The client id was used before: answer with what was stored the first time. The
        send's own checks come first (its statement wrote before it checked). The first send
        may have died before publishing: its outbox row, if still there, is published now
        (:meth:`Publisher.claim`), else the sender's own connections get the message again."""
        async with self.db.write() as store:
            access.require_post(caller.actor, await store.threads.scope(thread_id), new.kind)
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
            thread = await self.thread_view_for(store, caller.actor, thread_id)
            scope = access.require_view(caller.actor, await store.threads.scope(thread_id))
            await self.log_read(store, caller, scope, "thread.read")
            views = [seen_by(caller.actor, v) for v in views]
            # Claimed: the message goes to the thread's rooms, and require_post above means
            # the sender sees the thread, so each of its connections is in one of them (its
            # team's, its own user room, its patient's): an echo would be a second copy.
            if not await self.events.claim(store, existing.id):
                self._echo(store, caller, views[0])
        return SendResult(message=views[0], duplicate=True, thread=thread)

    def _echo(self, store: Store, caller: Caller, message: MessageView) -> None:
        """A resend found the message stored: the first answer may never have gone out, so
        the sender's own connections get it again (the others' events, if the send never
        published them, are a claim's or a sweep's)."""
        payload = {"message": message.model_dump(mode="json")}
        rooms = [user_room(caller.actor.user_id)]
        self.events.publish(store, "message", payload, rooms, durable=False)

    async def _replay_thread(
        self, caller: Caller, patient_id: uuid.UUID, subject: str, first: NewMessage
    ) -> SendResult:
        """``POST /threads`` resent: the thread its first message started, if it is the same
        request (patient, subject, body); another request with the same client_id is refused."""
        async with self.db.write() as store:
            existing = await store.messages.by_client_id(caller.actor.user_id, first.client_id)
            if existing is None:
                raise NaraError(ErrorCode.CONFLICT, "the thread could not be stored; retry")
            thread = await store.threads.get(existing.thread_id)
            assert thread is not None
            if (
                existing.seq != 1
                or thread.patient_id != patient_id
                or thread.subject != subject
                or existing.body != first.body
            ):
                raise NaraError(
                    ErrorCode.IDEMPOTENCY_MISMATCH,
                    "this client_id was already used for a different message",
                )
            scope = access.require_view(caller.actor, await store.threads.scope(thread.id))
            views = await message_views(store, [existing])
            if self.attachment_binder:
                await self.attachment_binder.decorate(store, views)
            view = await self.thread_view_for(store, caller.actor, thread.id)
            await self.log_read(store, caller, scope, "thread.read")
            views = [seen_by(caller.actor, v) for v in views]
            self._echo(store, caller, views[0])
        return SendResult(message=views[0], duplicate=True, thread=view)

    def _announce(
        self,
        store: Store,
        scope: ThreadScope,
        message: MessageView,
        screening: Screening,
        *,
        announce: bool,
        referenced: bool = False,
        skip: str | None = None,
    ) -> None:
        """Queued in the transaction, sent after commit: what clients are told can always be
        read back, and a crash after the commit still delivers it (chat/events.py).
        ``referenced``: the send's outbox row stands for the message and ``thread_updated``
        (:meth:`_rebuild_events`). ``skip``: the sending connection, whose ack carries the
        message and, when ``thread_updated`` is announced, the thread (Caller.origin); the
        sender's other connections get both events."""
        internal = message.kind == MessageKind.INTERNAL_NOTE
        payload = {"message": message.model_dump(mode="json")}
        rooms = thread_audiences(scope, internal=internal)
        self.events.publish(store, "message", payload, rooms, referenced=referenced, skip=skip)
        patient_side = thread_audiences(scope, internal=False)
        for auto in screening.replies:
            self.events.publish(store, "message", {"message": auto}, patient_side)
        if screening.alert is not None:
            # Staff of the whole unit: the alert names the patient, never the personnummer.
            self.events.publish(store, "acute_alert", screening.alert, [unit_room(scope.unit_id)])
        if announce:
            self.announce_thread(store, scope, referenced=referenced, skip=skip)

    def announce_thread(
        self,
        store: Store,
        scope: ThreadScope,
        *,
        referenced: bool = False,
        skip: str | None = None,
    ) -> None:
        """``thread_updated`` to everyone who sees the thread, after the commit (not to the
        connection ``skip``, whose answer carries the thread)."""
        payload = {"thread_id": str(scope.thread_id)}
        rooms = thread_audiences(scope, internal=False)
        self.events.publish(
            store, "thread_updated", payload, rooms, referenced=referenced, skip=skip
        )

    async def _rebuild_events(self, store: Store, ref: dict[str, Any]) -> list[dict[str, Any]]:
        """The live events a send's outbox reference stands for (chat/events.py), for a sweep
        after the sending process died: the message as the send announced it, to the thread's
        audiences as they are now, and ``thread_updated`` (the send may not have announced one:
        clients only re-read the thread). For an internal note, staff only."""
        message = await store.messages.get(uuid.UUID(ref["message_id"]))
        scope = await store.threads.scope(uuid.UUID(ref["thread_id"]))
        if message is None or scope is None:
            return []
        views = await message_views(store, [message])
        if self.attachment_binder:
            await self.attachment_binder.decorate(store, views)
        internal = message.kind == MessageKind.INTERNAL_NOTE
        payload = {"message": views[0].model_dump(mode="json")}
        rooms = thread_audiences(scope, internal=internal)
        return [
            shaped("message", payload, rooms),
            shaped("thread_updated", {"thread_id": str(scope.thread_id)}, rooms),
        ]

    async def thread_view_for(self, store: Store, a: Actor, thread_id: uuid.UUID) -> ThreadView:
        """The thread as `a` sees it, inside the caller's transaction (after its access check):
        one statement (ThreadRepository.view_facts)."""
        facts = await store.threads.view_facts(thread_id, a.user_id, staff=a.is_staff)
        assert facts is not None
        return thread_view_of(facts, staff=a.is_staff, actor=a)

    async def _read_seqs(
        self, store: Store, a: Actor, thread_ids: list[uuid.UUID]
    ) -> dict[uuid.UUID, int]:
        """The actor's read marks, counted the way its side counts (patient_seq or seq)."""
        if a.is_staff:
            return await store.threads.read_seqs(a.user_id, thread_ids)
        return await store.threads.patient_read_seqs(a.user_id, thread_ids)

    async def log_read(
        self, store: Store, caller: Caller, scope: ThreadScope, action: str
    ) -> None:
        """A staff read of one thread, into the thread's unit's access log (chat/audit.py);
        flagged for review when it goes through an emergency override of a spärr."""
        entry = audit.Access(
            scope.patient_id,
            scope.unit_id,
            action,
            thread_id=scope.thread_id,
            flagged=access.under_override(caller.actor, scope),
        )
        await audit.record(store, caller.actor, caller.remote_addr, [entry], self.clock())

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
        self,
        store: Store,
        caller: Caller,
        scope: ThreadScope,
        new: NewMessage,
        message: MessageView,
        now: datetime,
    ) -> Screening:
        """Every patient message is checked, not only the first: an acute or brådskande one
        re-triages the thread, answers with advice and (acute) alerts the unit."""
        if caller.actor.is_staff or self.classifier is None or new.kind != MessageKind.TEXT:
            return Screening()
        decision = self.classifier.classify(new.body, {})
        if not decision.acute and decision.urgency != URGENT and not decision.safety_net_reply:
            return Screening()  # the hot path: nothing to change
        thread = await store.threads.get(scope.thread_id)
        assert thread is not None
        changed = _retriage(thread, decision, now)
        screening = await self._respond(store, scope, decision, message, now)
        screening.changed = screening.changed or changed
        return screening

    async def _respond(
        self,
        store: Store,
        scope: ThreadScope,
        decision: Classification | None,
        message: MessageView,
        now: datetime,
    ) -> Screening:
        """In the same request: the 112 reply and the unit's alert (acute), or the safety-net
        advice (brådskande), stored in the thread."""
        screening = Screening()
        if decision is None:
            return screening
        if decision.acute:
            if decision.emergency_reply:
                event = {"type": "emergency", "red_flag_kind": decision.red_flag_kind}
                auto = await self._auto_reply(store, scope, decision.emergency_reply, event, now)
                screening.emergency = EmergencyView(
                    reply=decision.emergency_reply,
                    red_flag_kind=decision.red_flag_kind,
                    message=MessageView.model_validate(auto),
                )
                screening.replies.append(auto)
            screening.alert = await self._raise_alert(store, scope, decision, message, now)
            screening.changed = True
        elif decision.safety_net_reply:
            event = {"type": "safety_net", "presentation": decision.presentation}
            auto = await self._auto_reply(store, scope, decision.safety_net_reply, event, now)
            screening.safety_net = SafetyNetView(
                reply=decision.safety_net_reply,
                presentation=decision.presentation,
                presentation_name=decision.presentation_name,
                message=MessageView.model_validate(auto),
            )
            screening.replies.append(auto)
            screening.changed = True
        return screening

    async def _auto_reply(
        self, store: Store, scope: ThreadScope, body: str, event: dict[str, Any], now: datetime
    ) -> dict[str, Any]:
        """A system message from Nära itself (no author), visible to the patient."""
        seq = await store.threads.next_seq(scope.thread_id)
        assert seq is not None
        auto = Message(
            id=uuid.uuid4(),
            thread_id=scope.thread_id,
            seq=seq,
            author_id=None,
            client_id=None,
            kind=MessageKind.SYSTEM,
            body=body,
            event=event,
            created_at=now,
        )
        await store.messages.insert(auto)
        return message_view(auto, {}).model_dump(mode="json")

    async def _raise_alert(
        self,
        store: Store,
        scope: ThreadScope,
        decision: Classification,
        message: MessageView,
        now: datetime,
    ) -> dict[str, Any]:
        """Persist the unit's alert until someone acknowledges it. While one is open for the
        thread a new acute message renews it (same id, newest decision) instead of adding one;
        writers of one thread are serialised by its row lock (next_seq)."""
        alert = await store.alerts.open_for_thread(scope.thread_id)
        if alert is None:
            alert = AcuteAlert(
                id=uuid.uuid4(),
                thread_id=scope.thread_id,
                unit_id=scope.unit_id,
                patient_id=scope.patient_id,
                state=AlertState.OPEN,
                raised_at=now,
            )
            store.alerts.add(alert)
        alert.message_id = message.id
        alert.presentation = decision.presentation
        alert.presentation_name = decision.presentation_name
        alert.red_flag_kind = decision.red_flag_kind
        alert.reasons = list(decision.reasons)
        await store.alerts.flush()
        return (await alert_views(store, [alert]))[0].model_dump(mode="json")


def blocked_stub(view: ThreadView) -> ThreadView:
    """That blocked information exists, and where; nothing of what it holds."""
    return view.model_copy(
        update={
            "subject": "",
            "blocked": True,
            "urgency": None,
            "category": None,
            "routing": None,
            "flagged_acute": False,
            "unread": 0,
            "last_seq": 0,
            "assignee": None,
            "allowed_actions": [],
        }
    )


def _retriage(thread: Thread, decision: Classification, now: datetime) -> bool:
    """Raise the thread to an acute or brådskande message (never lower it automatically):
    urgency, the promised response time if that comes sooner, and the reasons staff see."""
    if not decision.acute and not (
        decision.urgency == URGENT and more_urgent(decision.urgency, thread.urgency)
    ):
        return False
    if more_urgent(decision.urgency, thread.urgency):
        thread.urgency = decision.urgency
    thread.flagged_acute = thread.flagged_acute or decision.acute
    # Replaced, not merged: staff see why the thread is urgent now, not the old keywords.
    thread.routing = decision.stored()
    hours = URGENCY_HOURS.get(decision.urgency)
    if hours is not None:
        due = now + timedelta(hours=hours)
        if thread.response_due_at is None or due < thread.response_due_at:
            thread.response_due_at = due
    return True


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


class AttachmentBinder(Protocol):
    """Binds uploads to a message inside the send transaction and shows them in history
    (chat/attachments/binder.py); the server passes one when attachments are enabled."""

    async def bind(
        self, store: Store, caller: Caller, message: Message, new: NewMessage
    ) -> list[AttachmentView]: ...

    async def decorate(self, store: Store, views: list[MessageView]) -> None: ...
