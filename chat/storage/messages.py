"""Messages: append-only, gap-free sequence per thread, idempotent on the client's id."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Integer,
    String,
    Table,
    Uuid,
    bindparam,
    insert,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from chat.access import ThreadScope
from chat.models import Message, MessageKind, UTCDateTime
from chat.storage.live_outbox import LiveOutboxRepository
from chat.storage.threads import PROMISE_STATES, ThreadRepository

_MESSAGES = cast(Table, Message.__table__)
_COLUMNS = [c.key for c in _MESSAGES.columns]


@dataclass(frozen=True)
class WaitFacts:
    """What starting a wait needs (chat/notifications/followup.py ``_start_wait``), read by
    the send's statement when a patient-side message may start one (PostgreSQL): the unit's
    service level (None: not set, the defaults) and the care contact's promised hours
    (NotificationRepository.contact_hours' rule; None: no contact)."""

    opening_hours: list[dict[str, Any]] | None
    escalation: list[dict[str, Any]] | None
    contact_hours: int | None


@dataclass(frozen=True)
class Posted:
    """What one send stored and the facts it needs afterwards, read in the same statement on
    PostgreSQL: the message's place, the thread's scope (for the access rules) and what the
    follow-up needs to know before it reads anything (chat/notifications/followup.py)."""

    seq: int
    patient_seq: int | None
    scope: ThreadScope
    # The thread's promise: None (no row), "waiting" (owes an answer) or "answered".
    promise: str | None
    # The thread's response_due_at, care contact and urgency (as before this send).
    response_due_at: datetime | None
    care_contact_id: uuid.UUID | None
    urgency: str | None
    # Some patient-side user (the patient's login, any guardian) has one of the deployment's
    # channels turned on (with a verified address); when False no notice can be sent. A
    # superset of what is deliverable: guardians' wards' ages and push subscriptions are
    # left to the follow-up.
    may_notify: bool
    # The live_outbox row written with the message (``post(outbox=…)``), else None.
    outbox_id: int | None = None
    # Read with ``post(wait=True)`` when the thread owes no answer (PostgreSQL), else None.
    wait: WaitFacts | None = None
    # ``post(answer=True)`` (a staff text message) to a thread the patient sees that owed an
    # answer: the statement kept the promise (NotificationRepository.answer's writes: the
    # promise answered, threads.response_due_at cleared). PostgreSQL only, else False.
    answered: bool = False


# PostgreSQL: take the seq (and patient_seq), store the message, the author's read mark and
# the transaction's live_outbox row (chat/events.py: a reference to the message, and its id,
# by which a resend claims the row: LiveOutboxRepository.claim), and read the scope, in one
# statement (data-modifying CTEs: one round trip for all of it).
# The access check follows in Python; a refusal rolls the transaction back.
# With :answer (a staff text message) a thread the patient sees that owes an answer (the
# promise as this statement reads it, the same state it returns as ``promise``) is answered
# here too: NotificationRepository.answer's two writes, decided once (``a``).
_POST_PG = (
    text(
        """
WITH a AS (
    SELECT :answer AND EXISTS (
        SELECT 1 FROM thread_promises p
        WHERE p.thread_id = :thread_id AND p.waiting_since IS NOT NULL
    ) AS answering
), t AS (
    UPDATE threads SET
        last_seq = last_seq + 1,
        last_patient_seq = last_patient_seq + CASE WHEN :visible THEN 1 ELSE 0 END,
        updated_at = :now,
        status = COALESCE(CAST(:status AS VARCHAR), status),
        attachments_allowed = attachments_allowed OR :allow_attachments,
        response_due_at = CASE WHEN patient_visible AND (SELECT answering FROM a)
            THEN NULL ELSE response_due_at END
    WHERE id = :thread_id AND status <> COALESCE(CAST(:unless_status AS VARCHAR), '')
    RETURNING id, patient_id, team_id, status, patient_visible, attachments_allowed,
        last_seq, last_patient_seq, response_due_at, care_contact_id, urgency,
        patient_visible AND (SELECT answering FROM a) AS answered
), pa AS (
    UPDATE thread_promises SET
        waiting_since = NULL, answered_at = :now, due_at = NULL, next_check_at = NULL
    WHERE thread_id = :thread_id AND EXISTS (SELECT 1 FROM t WHERE t.answered)
), m AS (
    INSERT INTO messages
        (id, thread_id, seq, patient_seq, author_id, client_id, kind, body, event, created_at)
    SELECT :message_id, t.id, t.last_seq,
        CASE WHEN :visible THEN t.last_patient_seq END,
        :author_id, :client_id, :kind, :body, :event, :now
    FROM t
    RETURNING thread_id, seq
), r AS (
    INSERT INTO read_states (thread_id, user_id, last_read_seq, updated_at)
    SELECT m.thread_id, :author_id, m.seq, :now FROM m
    ON CONFLICT (thread_id, user_id) DO UPDATE
        SET last_read_seq = excluded.last_read_seq, updated_at = excluded.updated_at
        WHERE read_states.last_read_seq < excluded.last_read_seq
), o AS (
    INSERT INTO live_outbox (events, created_at, message_id)
    SELECT :outbox, :now, :message_id FROM m WHERE :with_outbox
    RETURNING id
)
SELECT (SELECT o.id FROM o) AS outbox_id,
    t.patient_id, t.team_id, t.status, t.patient_visible, t.attachments_allowed,
    t.last_seq, t.last_patient_seq, t.care_contact_id, t.urgency, t.answered,
    -- as before this send: an answer cleared it in t (this statement's snapshot has it)
    CASE WHEN t.answered
        THEN (SELECT th.response_due_at FROM threads th WHERE th.id = t.id)
        ELSE t.response_due_at END AS response_due_at,
    teams.unit_id,
    (SELECT array_agg(tp.user_id) FROM thread_participants tp WHERE tp.thread_id = t.id)
        AS participants,
    EXISTS (
        SELECT 1 FROM patient_blocks b
        WHERE b.patient_id = t.patient_id AND b.unit_id = teams.unit_id
            AND b.lifted_at IS NULL
    ) AS blocked,
    (SELECT CASE WHEN p.waiting_since IS NULL THEN 'answered' ELSE 'waiting' END
        FROM thread_promises p WHERE p.thread_id = t.id) AS promise,
    EXISTS (
        SELECT 1 FROM notification_preferences np
        WHERE (
                (:email AND np.email_enabled AND np.email IS NOT NULL
                    AND np.email_verified_at IS NOT NULL)
                OR (:sms AND np.sms_enabled AND np.phone IS NOT NULL
                    AND np.phone_verified_at IS NOT NULL)
                OR (:push AND np.push_enabled)
            )
            AND np.user_id IN (
                SELECT pa.user_id FROM patients pa WHERE pa.id = t.patient_id
                UNION ALL
                SELECT g.guardian_user_id FROM guardianships g WHERE g.patient_id = t.patient_id
            )
    ) AS may_notify
    , w.read AS wait_read, w.opening_hours, w.escalation, w.contact_hours
FROM t JOIN teams ON teams.id = t.team_id
LEFT JOIN LATERAL (
    -- A patient-side message to a thread that owes no answer starts a wait: what its due
    -- time needs (the unit's service level, the care contact's hours as
    -- NotificationRepository.contact_hours finds them).
    SELECT TRUE AS read, sl.opening_hours, sl.escalation, COALESCE(
        (SELECT c.response_time_hours FROM care_contacts c WHERE c.id = t.care_contact_id),
        (SELECT c.response_time_hours FROM care_contacts c JOIN teams ct ON ct.id = c.team_id
            WHERE c.patient_id = t.patient_id AND ct.unit_id = teams.unit_id
            ORDER BY c.team_id = t.team_id DESC, c.response_time_hours LIMIT 1)
    ) AS contact_hours
    FROM (SELECT 1) AS one
    LEFT JOIN unit_service_levels sl ON sl.unit_id = teams.unit_id
    WHERE :wait AND NOT EXISTS (
        SELECT 1 FROM thread_promises p WHERE p.thread_id = t.id AND p.waiting_since IS NOT NULL
    )
) AS w ON TRUE
"""
    )
    .bindparams(
        bindparam("thread_id", type_=Uuid()),
        bindparam("message_id", type_=Uuid()),
        bindparam("author_id", type_=Uuid()),
        bindparam("visible", type_=Boolean()),
        bindparam("allow_attachments", type_=Boolean()),
        bindparam("with_outbox", type_=Boolean()),
        bindparam("wait", type_=Boolean()),
        bindparam("answer", type_=Boolean()),
        bindparam("outbox", type_=JSON(none_as_null=True)),
        bindparam("email", type_=Boolean()),
        bindparam("sms", type_=Boolean()),
        bindparam("push", type_=Boolean()),
        bindparam("status", type_=String()),
        bindparam("unless_status", type_=String()),
        bindparam("client_id", type_=String()),
        bindparam("kind", type_=String()),
        bindparam("body", type_=String()),
        bindparam("event", type_=JSON(none_as_null=True)),
        bindparam("now", type_=UTCDateTime()),
    )
    .columns(
        outbox_id=BigInteger(),
        patient_id=Uuid(),
        team_id=Uuid(),
        status=String(),
        patient_visible=Boolean(),
        attachments_allowed=Boolean(),
        last_seq=BigInteger(),
        last_patient_seq=BigInteger(),
        response_due_at=UTCDateTime(),
        care_contact_id=Uuid(),
        urgency=String(),
        answered=Boolean(),
        unit_id=Uuid(),
        participants=ARRAY(Uuid()),
        blocked=Boolean(),
        promise=String(),
        may_notify=Boolean(),
        wait_read=Boolean(),
        opening_hours=JSON(),
        escalation=JSON(),
        contact_hours=Integer(),
    )
)


class MessageRepository:
    def __init__(self, session: AsyncSession, threads: ThreadRepository | None = None) -> None:
        self.s = session
        self.threads = threads or ThreadRepository(session)

    async def insert(self, message: Message) -> None:
        """One INSERT (no unit of work), so a duplicate client id fails here, inside the
        transaction. What the patient side may see gets its patient_seq: the one taken with
        the seq (ThreadRepository.take_seq), else the thread's next."""
        if message.kind != MessageKind.INTERNAL_NOTE and message.patient_seq is None:
            taken = self.threads.patient_seqs.pop((message.thread_id, message.seq), None)
            if taken is None:
                taken = await self.threads.next_patient_seq(message.thread_id)
            message.patient_seq = taken
        values = {k: v for k in _COLUMNS if (v := getattr(message, k)) is not None}
        await self.s.execute(insert(_MESSAGES).values(values))

    async def post(
        self,
        message: Message,
        *,
        status: str | None = None,
        allow_attachments: bool = False,
        unless_status: str | None = None,
        channels: frozenset[str] = frozenset(),
        outbox: list[dict[str, Any]] | None = None,
        wait: bool = False,
        answer: bool = False,
    ) -> Posted | None:
        """Append ``message`` (its seq and patient_seq are taken here and set on it), move its
        author's read mark to it, update the thread (``updated_at``, ``status`` if given,
        attachments turned on if asked) and return the thread's scope and follow-up facts
        (``channels``: those the deployment delivers on, for ``may_notify``); with ``outbox``,
        also the transaction's live_outbox row with these events and the message's id (the
        row's id in the result); with ``wait`` (a patient-side message), what starting a wait
        needs (PostgreSQL only); with ``answer`` (a staff text message), a thread the patient
        sees that owes an answer is answered by the same statement (``Posted.answered``;
        PostgreSQL only).
        None when the thread does not exist or has ``unless_status``: nothing was written.
        A client_id used before raises IntegrityError, as :meth:`insert`."""
        visible = message.kind != MessageKind.INTERNAL_NOTE
        if self.s.get_bind().dialect.name != "postgresql":
            return await self._post_stepwise(
                message, visible, status, allow_attachments, unless_status, channels, outbox
            )
        row = (
            await self.s.execute(
                _POST_PG,
                {
                    "thread_id": message.thread_id,
                    "message_id": message.id,
                    "author_id": message.author_id,
                    "visible": visible,
                    "allow_attachments": allow_attachments,
                    "with_outbox": outbox is not None,
                    "wait": wait,
                    "answer": answer,
                    "outbox": outbox,
                    "email": "email" in channels,
                    "sms": "sms" in channels,
                    "push": "push" in channels,
                    "status": status,
                    "unless_status": unless_status,
                    "client_id": message.client_id,
                    "kind": message.kind,
                    "body": message.body,
                    "event": message.event,
                    "now": message.created_at,
                },
            )
        ).first()
        if row is None:
            return None
        message.seq = int(row.last_seq)
        message.patient_seq = int(row.last_patient_seq) if visible else None
        changed: dict[str, object] = {"last_seq": message.seq, "updated_at": message.created_at}
        if visible:
            changed["last_patient_seq"] = message.patient_seq
        changed.update(status=row.status, attachments_allowed=bool(row.attachments_allowed))
        if row.answered:
            changed["response_due_at"] = None
        self.threads._sync(message.thread_id, changed)
        scope = await self.threads.scope_of(
            message.thread_id,
            patient_id=row.patient_id,
            team_id=row.team_id,
            unit_id=row.unit_id,
            status=row.status,
            participants=row.participants,
            attachments_allowed=row.attachments_allowed,
            patient_visible=row.patient_visible,
            blocked=row.blocked,
        )
        return Posted(
            message.seq,
            message.patient_seq,
            scope,
            promise=row.promise,
            response_due_at=row.response_due_at,
            care_contact_id=row.care_contact_id,
            urgency=row.urgency,
            may_notify=bool(row.may_notify),
            outbox_id=None if row.outbox_id is None else int(row.outbox_id),
            wait=WaitFacts(row.opening_hours, row.escalation, row.contact_hours)
            if row.wait_read
            else None,
            answered=bool(row.answered),
        )

    async def _post_stepwise(
        self,
        message: Message,
        visible: bool,
        status: str | None,
        allow_attachments: bool,
        unless_status: str | None,
        channels: frozenset[str],
        outbox: list[dict[str, Any]] | None,
    ) -> Posted | None:
        """:meth:`post` in separate statements (SQLite: no data-modifying CTEs, and no
        network round trips to save)."""
        changes: dict[str, object] = {}
        if status is not None:
            changes["status"] = status
        if allow_attachments:
            changes["attachments_allowed"] = True
        taken = await self.threads.take_seq(
            message.thread_id,
            message.created_at,
            visible=visible,
            unless_status=unless_status,
            **changes,
        )
        if taken is None:
            return None
        message.seq, message.patient_seq = taken.seq, taken.patient_seq
        self.threads.patient_seqs.pop((message.thread_id, taken.seq), None)
        await self._insert_row(message)
        assert message.author_id is not None
        await self.threads.mark_read(
            message.thread_id, message.author_id, taken.seq, message.created_at, report=False
        )
        facts = await self.threads.post_facts(message.thread_id, channels)
        assert facts is not None
        scope, promise, (due, contact, urgency), may_notify = facts
        assert promise in PROMISE_STATES
        outbox_id = None
        if outbox is not None:
            outbox_id = await LiveOutboxRepository(self.s).add(
                outbox, message.created_at, message.id
            )
        return Posted(
            taken.seq, taken.patient_seq, scope, promise, due, contact, urgency, may_notify,
            outbox_id,
        )

    async def _insert_row(self, message: Message) -> None:
        values = {k: v for k in _COLUMNS if (v := getattr(message, k)) is not None}
        await self.s.execute(insert(_MESSAGES).values(values))

    async def by_client_id(self, author_id: uuid.UUID, client_id: str) -> Message | None:
        return await self.s.scalar(
            select(Message).where(Message.author_id == author_id, Message.client_id == client_id)
        )

    async def get(self, message_id: uuid.UUID) -> Message | None:
        return await self.s.get(Message, message_id)

    async def page(
        self,
        thread_id: uuid.UUID,
        *,
        include_internal: bool,
        after_seq: int | None = None,
        before_seq: int | None = None,
        limit: int = 50,
        after_patient_seq: int | None = None,
        before_patient_seq: int | None = None,
    ) -> list[Message]:
        """Messages in ascending order: after a seq or patient_seq (catch-up) or the latest
        before one."""
        q = select(Message).where(Message.thread_id == thread_id)
        if not include_internal:
            q = q.where(Message.kind != MessageKind.INTERNAL_NOTE)
        if after_patient_seq is not None:
            q = q.where(Message.patient_seq > after_patient_seq)
            return list(await self.s.scalars(q.order_by(Message.seq.asc()).limit(limit)))
        if after_seq is not None:
            q = q.where(Message.seq > after_seq).order_by(Message.seq.asc()).limit(limit)
            return list(await self.s.scalars(q))
        if before_seq is not None:
            q = q.where(Message.seq < before_seq)
        if before_patient_seq is not None:
            q = q.where(Message.patient_seq < before_patient_seq)
        rows = list(await self.s.scalars(q.order_by(Message.seq.desc()).limit(limit)))
        rows.reverse()
        return rows

    async def first_text(self, thread_id: uuid.UUID) -> Message | None:
        return await self.s.scalar(
            select(Message)
            .where(Message.thread_id == thread_id, Message.kind == MessageKind.TEXT)
            .order_by(Message.seq)
            .limit(1)
        )
