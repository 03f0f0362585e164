"""Threads (ärenden), their participants and read state."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from types import SimpleNamespace
from typing import Any, NamedTuple, cast

from sqlalchemy import (
    Table,
    Uuid,
    and_,
    bindparam,
    case,
    func,
    literal,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects.postgresql import array_agg
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from chat.access import ThreadScope
from chat.models import (
    Guardianship,
    Message,
    MessageKind,
    Patient,
    PatientBlock,
    ReadState,
    RoutingCorrection,
    StaffMember,
    Team,
    Thread,
    ThreadParticipant,
    User,
)
from chat.notifications.models import NotificationPreference, ThreadPromise
from chat.storage.privacy import PrivacyRepository

_THREADS = cast(Table, Thread.__table__)
# A thread's promise as MessageRepository.post reports it: no row, owes an answer, answered.
PROMISE_STATES = (None, "waiting", "answered")


class Taken(NamedTuple):
    """A message's place in its thread and the thread's facts, from one statement."""

    seq: int
    patient_seq: int | None
    patient_id: uuid.UUID
    team_id: uuid.UUID
    status: str
    patient_visible: bool
    attachments_allowed: bool


class ThreadRepository:
    def __init__(
        self, session: AsyncSession, patient_seqs: dict[tuple[uuid.UUID, int], int] | None = None
    ) -> None:
        self.s = session
        # (thread, seq) → patient_seq taken in this transaction (MessageRepository.insert).
        self.patient_seqs = {} if patient_seqs is None else patient_seqs
        # (thread, user, staff) and its view as read by view_with, for the next view_facts.
        self._view_read: tuple[tuple[uuid.UUID, uuid.UUID, bool], Any] | None = None

    def _dialect(self) -> str:
        return self.s.get_bind().dialect.name

    def add(self, thread: Thread) -> None:
        self.s.add(thread)

    async def get(self, thread_id: uuid.UUID) -> Thread | None:
        return await self.s.get(Thread, thread_id)

    def _scope_query(self, thread_id: uuid.UUID, *extra: Any) -> Any:
        t = _THREADS.c
        pg = self._dialect() == "postgresql"
        who = ThreadParticipant.user_id
        participants = (
            select(array_agg(who) if pg else func.group_concat(who))
            .where(ThreadParticipant.thread_id == t.id)
            .scalar_subquery()
        )
        blocked = (
            select(PatientBlock.id)
            .where(
                PatientBlock.patient_id == t.patient_id,
                PatientBlock.unit_id == Team.unit_id,
                PatientBlock.lifted_at.is_(None),
            )
            .exists()
        )
        return (
            select(
                t.patient_id,
                t.team_id,
                t.status,
                t.attachments_allowed,
                t.patient_visible,
                Team.unit_id,
                participants,
                blocked,
                *extra,
            )
            .join_from(_THREADS, Team, Team.id == t.team_id)
            .where(t.id == thread_id)
        )

    async def scope(self, thread_id: uuid.UUID) -> ThreadScope | None:
        """One statement on every send: the thread, its unit, its participants and whether a
        spärr applies (only then are the spärr's details read)."""
        row = (await self.s.execute(self._scope_query(thread_id))).first()
        if row is None:
            return None
        return await self._scope_from(thread_id, row)

    async def post_facts(
        self, thread_id: uuid.UUID, channels: frozenset[str] = frozenset()
    ) -> tuple[ThreadScope, str | None, tuple[Any, Any, Any], bool] | None:
        """The scope and the follow-up facts of MessageRepository.post, in one statement
        (what PostgreSQL reads in the send's own statement)."""
        t = _THREADS.c
        waiting = ThreadPromise.waiting_since
        promise = (
            select(case((waiting.is_(None), "answered"), else_="waiting"))
            .where(ThreadPromise.thread_id == t.id)
            .scalar_subquery()
        )
        patient_side: Any = union_all(
            select(Patient.user_id).where(Patient.id == t.patient_id).correlate(_THREADS),
            select(Guardianship.guardian_user_id)
            .where(Guardianship.patient_id == t.patient_id)
            .correlate(_THREADS),
        )
        np = NotificationPreference
        on = []
        if "email" in channels:
            on.append(
                and_(np.email_enabled, np.email.is_not(None), np.email_verified_at.is_not(None))
            )
        if "sms" in channels:
            on.append(
                and_(np.sms_enabled, np.phone.is_not(None), np.phone_verified_at.is_not(None))
            )
        if "push" in channels:
            on.append(np.push_enabled.is_(True))
        may_notify = (
            select(np.user_id).where(or_(*on), np.user_id.in_(patient_side)).exists()
            if on
            else literal(False)
        )
        q = self._scope_query(
            thread_id, promise, may_notify, t.response_due_at, t.care_contact_id, t.urgency
        )
        row = (await self.s.execute(q)).first()
        if row is None:
            return None
        scope = await self._scope_from(thread_id, row)
        return scope, row[8], (row[10], row[11], row[12]), bool(row[9])

    async def _scope_from(self, thread_id: uuid.UUID, row: Any) -> ThreadScope:
        patient_id, team_id, status, attachments, visible, unit_id, people, is_blocked = row[:8]
        return await self.scope_of(
            thread_id,
            patient_id=patient_id,
            team_id=team_id,
            unit_id=unit_id,
            status=status,
            participants=people,
            attachments_allowed=attachments,
            patient_visible=visible,
            blocked=is_blocked,
        )

    async def scope_of(
        self,
        thread_id: uuid.UUID,
        *,
        patient_id: uuid.UUID,
        team_id: uuid.UUID,
        unit_id: uuid.UUID,
        status: str,
        participants: object,
        attachments_allowed: object,
        patient_visible: object,
        blocked: object,
    ) -> ThreadScope:
        """A scope from the facts read (participants as aggregated); the spärr's details are
        read only when one applies."""
        ids = _uuids(participants)
        members: frozenset[uuid.UUID] = frozenset()
        overrides: frozenset[uuid.UUID] = frozenset()
        if blocked:
            blocked, members, overrides = await PrivacyRepository(self.s).block_facts(
                patient_id, unit_id, sorted(ids)
            )
        return ThreadScope(
            thread_id=thread_id,
            patient_id=patient_id,
            team_id=team_id,
            unit_id=unit_id,
            status=status,
            participant_ids=ids,
            attachments_allowed=bool(attachments_allowed),
            patient_visible=bool(patient_visible),
            blocked=bool(blocked),
            unit_member_ids=members,
            override_ids=overrides,
        )

    async def view_facts(
        self, thread_id: uuid.UUID, user_id: uuid.UUID, *, staff: bool
    ) -> Any | None:
        """Everything one thread's view shows to ``user_id``, in one statement (changes of
        this transaction flushed first): the thread's columns, ``patient_name``, ``team_key``,
        ``team_name``, ``unit_id``, ``assignee_name``, ``assignee_kind``,
        ``assignee_profession``, ``unread`` and ``read_seq`` (as :meth:`unread_counts` and
        :meth:`read_seqs` / :meth:`patient_read_seqs` count them), ``promise_waiting`` and
        ``escalation_step`` of the thread's promise. The view :meth:`view_with` read just
        before, for the same thread and user, is returned without a statement."""
        read, self._view_read = self._view_read, None
        if read is not None and read[0] == (thread_id, user_id, staff) and not self._pending():
            return read[1]
        await self.s.flush()
        row = (
            await self.s.execute(
                _view_of(staff), {"view_thread_id": thread_id, "view_user_id": user_id}
            )
        ).first()
        return row

    async def view_with(
        self,
        thread_id: uuid.UUID,
        user_id: uuid.UUID,
        *,
        staff: bool,
        writes: tuple[str, Callable[[], Sequence[Any]]],
        params: dict[str, Any],
        written: dict[str, Any],
    ) -> None:
        """Run ``writes`` (a name, and a builder of data-modifying CTEs that take ``params``
        and ``view_thread_id``; PostgreSQL) in :meth:`view_facts`' statement and keep the view
        for the next :meth:`view_facts` of this thread and user, which the caller makes next
        (with nothing written in between; an ORM change pending by then discards it). The
        statement's SELECT sees the database as before its own CTEs: ``written`` gives the
        view's columns they change, as they wrote them."""
        await self.s.flush()
        name, ctes = writes
        stmt = _VIEW_WITH.get((staff, name))
        if stmt is None:  # built once per side and writes: only the parameters change
            stmt = _VIEW_WITH[(staff, name)] = _view_of(staff).add_cte(*ctes())
        params = {**params, "view_thread_id": thread_id, "view_user_id": user_id}
        row = (await self.s.execute(stmt, params)).first()
        assert row is not None
        facts = SimpleNamespace(**{**row._asdict(), **written})
        self._view_read = ((thread_id, user_id, staff), facts)

    def _pending(self) -> bool:
        return bool(self.s.new or self.s.dirty or self.s.deleted)

    async def participant_ids(self, thread_id: uuid.UUID) -> list[uuid.UUID]:
        rows = await self.s.scalars(
            select(ThreadParticipant.user_id).where(ThreadParticipant.thread_id == thread_id)
        )
        return list(rows)

    async def add_participant(
        self, thread_id: uuid.UUID, user_id: uuid.UUID, added_by: uuid.UUID | None
    ) -> bool:
        """Add once; False when already there (the primary key decides, not a prior read)."""
        values = {"thread_id": thread_id, "user_id": user_id, "added_by": added_by}
        insert = pg_insert if self._dialect() == "postgresql" else sqlite_insert
        stmt = insert(ThreadParticipant).values(**values).on_conflict_do_nothing()
        result = await self.s.execute(stmt)
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def next_seq(
        self,
        thread_id: uuid.UUID,
        at: datetime | None = None,
        *,
        unless_status: str | None = None,
        **values: object,
    ) -> int | None:
        """Take the next sequence number; the row lock serialises writers of one thread.

        ``at`` and ``values`` update the thread in the same statement. With ``unless_status``
        nothing happens (None) when the thread has that status by now.
        """
        taken = await self.take_seq(
            thread_id, at, visible=False, unless_status=unless_status, **values
        )
        return taken.seq if taken is not None else None

    async def take_seq(
        self,
        thread_id: uuid.UUID,
        at: datetime | None = None,
        *,
        visible: bool,
        unless_status: str | None = None,
        **values: object,
    ) -> Taken | None:
        """:meth:`next_seq` that also takes the next patient_seq when the patient side may
        see the message (``visible``), and returns the facts the access rules need."""
        c = _THREADS.c
        if at is not None:
            values["updated_at"] = at
        if visible:
            values["last_patient_seq"] = c.last_patient_seq + 1
        stmt = update(_THREADS).where(c.id == thread_id)
        if unless_status is not None:
            stmt = stmt.where(c.status != unless_status)
        changed = ["last_seq", *values]
        facts = [c.patient_id, c.team_id, c.status, c.patient_visible, c.attachments_allowed]
        row = (
            await self.s.execute(
                stmt.values(last_seq=c.last_seq + 1, **values).returning(
                    *facts, *(c[k] for k in changed)
                )
            )
        ).first()
        if row is None:
            return None
        self._sync(thread_id, dict(zip(changed, row[len(facts) :], strict=True)))
        seq = int(row.last_seq)
        patient_seq = int(row.last_patient_seq) if visible else None
        if patient_seq is not None:
            self.patient_seqs[(thread_id, seq)] = patient_seq
        return Taken(seq, patient_seq, row[0], row[1], row[2], bool(row[3]), bool(row[4]))

    def _sync(self, thread_id: uuid.UUID, values: dict[str, object]) -> None:
        """A Thread loaded in this session sees what the Core UPDATE wrote."""
        loaded = self.s.sync_session.identity_map.get(identity_key(Thread, thread_id))
        for key, value in values.items() if loaded is not None else ():
            set_committed_value(loaded, key, value)

    async def next_patient_seq(self, thread_id: uuid.UUID) -> int:
        c = _THREADS.c
        seq = await self.s.scalar(
            update(_THREADS)
            .where(c.id == thread_id)
            .values(last_patient_seq=c.last_patient_seq + 1)
            .returning(c.last_patient_seq)
        )
        assert seq is not None
        self._sync(thread_id, {"last_patient_seq": int(seq)})
        return int(seq)

    async def touch(self, thread_id: uuid.UUID, at: datetime, **values: object) -> None:
        await self.s.execute(
            update(Thread).where(Thread.id == thread_id).values(updated_at=at, **values)
        )

    async def list_visible(
        self,
        *,
        patient_ids: Sequence[uuid.UUID] = (),
        team_ids: Sequence[uuid.UUID] = (),
        user_id: uuid.UUID | None = None,
        status: str | None = None,
        limit: int = 200,
    ) -> list[Thread]:
        conditions = []
        if patient_ids:
            conditions.append(
                and_(Thread.patient_id.in_(set(patient_ids)), Thread.patient_visible.is_(True))
            )
        if team_ids:
            conditions.append(Thread.team_id.in_(set(team_ids)))
        if user_id is not None:
            participant = select(ThreadParticipant.thread_id).where(
                ThreadParticipant.user_id == user_id
            )
            conditions.append(Thread.id.in_(participant))
        if not conditions:
            return []
        q = select(Thread).where(or_(*conditions))
        if status:
            q = q.where(Thread.status == status)
        q = q.order_by(Thread.updated_at.desc()).limit(limit)
        return list(await self.s.scalars(q))

    async def read_seqs(
        self, user_id: uuid.UUID, thread_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, int]:
        if not thread_ids:
            return {}
        rows = await self.s.execute(
            select(ReadState.thread_id, ReadState.last_read_seq).where(
                ReadState.user_id == user_id, ReadState.thread_id.in_(set(thread_ids))
            )
        )
        return {t: int(seq) for t, seq in rows}

    async def unread_counts(
        self, user_id: uuid.UUID, thread_ids: Sequence[uuid.UUID], *, include_internal: bool
    ) -> dict[uuid.UUID, int]:
        """Messages by others after the user's read mark, per thread."""
        if not thread_ids:
            return {}
        read = (
            select(ReadState.thread_id, ReadState.last_read_seq)
            .where(ReadState.user_id == user_id)
            .subquery()
        )
        q = (
            select(Message.thread_id, func.count())
            .outerjoin(read, read.c.thread_id == Message.thread_id)
            .where(
                Message.thread_id.in_(set(thread_ids)),
                Message.seq > func.coalesce(read.c.last_read_seq, 0),
                or_(Message.author_id.is_(None), Message.author_id != user_id),
            )
            .group_by(Message.thread_id)
        )
        if not include_internal:
            q = q.where(Message.kind != MessageKind.INTERNAL_NOTE)
        rows = await self.s.execute(q)
        return {t: int(n) for t, n in rows}

    async def mark_read(
        self, thread_id: uuid.UUID, user_id: uuid.UUID, seq: int, at: datetime, report: bool = True
    ) -> int:
        """Move the read mark forward only; returns the mark now stored (if ``report``)."""
        insert = pg_insert if self._dialect() == "postgresql" else sqlite_insert
        table = ReadState.__table__
        stmt = insert(ReadState).values(
            thread_id=thread_id, user_id=user_id, last_read_seq=seq, updated_at=at
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["thread_id", "user_id"],
            set_={"last_read_seq": seq, "updated_at": at},
            where=table.c.last_read_seq < seq,
        )
        await self.s.execute(stmt)
        if not report:
            return seq
        stored = await self.s.scalar(
            select(ReadState.last_read_seq).where(
                and_(ReadState.thread_id == thread_id, ReadState.user_id == user_id)
            )
        )
        return int(stored or 0)

    async def patient_positions(
        self, thread_id: uuid.UUID, seqs: Sequence[int]
    ) -> dict[int, int]:
        """Each seq as the patient side counts it: the patient_seq of the last message it may
        see at or before that seq (0 before any)."""
        out = {}
        for seq in set(seqs):  # a handful of read marks; each one indexed max()
            last = await self.s.scalar(
                select(func.max(Message.patient_seq)).where(
                    Message.thread_id == thread_id, Message.seq <= seq
                )
            )
            out[seq] = int(last or 0)
        return out

    async def patient_read_seqs(
        self, user_id: uuid.UUID, thread_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, int]:
        """The user's read marks as the patient side counts them, in one query: per thread,
        the patient_seq of the last message it may see at or before the mark."""
        if not thread_ids:
            return {}
        rows = await self.s.execute(
            select(ReadState.thread_id, func.coalesce(func.max(Message.patient_seq), 0))
            .outerjoin(
                Message,
                and_(Message.thread_id == ReadState.thread_id,
                     Message.seq <= ReadState.last_read_seq),
            )
            .where(ReadState.user_id == user_id, ReadState.thread_id.in_(set(thread_ids)))
            .group_by(ReadState.thread_id)
        )
        return {t: int(p or 0) for t, p in rows}

    async def seq_of_patient_position(self, thread_id: uuid.UUID, patient_seq: int) -> int:
        """The inverse of :meth:`patient_positions`: the seq of the patient side's message
        ``patient_seq`` (or of the last one before it)."""
        seq = await self.s.scalar(
            select(func.max(Message.seq)).where(
                Message.thread_id == thread_id, Message.patient_seq <= patient_seq
            )
        )
        return int(seq or 0)

    async def read_marks(self, thread_id: uuid.UUID) -> list[tuple[uuid.UUID, int]]:
        rows = await self.s.execute(
            select(ReadState.user_id, ReadState.last_read_seq).where(
                ReadState.thread_id == thread_id
            )
        )
        return [(u, int(s)) for u, s in rows]

    def add_correction(self, correction: RoutingCorrection) -> None:
        self.s.add(correction)

    async def corrections(self) -> list[tuple[uuid.UUID, str]]:
        rows = await self.s.execute(
            select(RoutingCorrection.thread_id, RoutingCorrection.to_category).order_by(
                RoutingCorrection.id
            )
        )
        return [(t, c) for t, c in rows]


_VIEW_STATEMENTS: dict[bool, Any] = {}
_VIEW_WITH: dict[tuple[bool, str], Any] = {}


def _view_of(staff: bool) -> Any:
    stmt = _VIEW_STATEMENTS.get(staff)
    if stmt is None:  # built once per side: only the parameters change
        stmt = _VIEW_STATEMENTS[staff] = _view_statement(staff)
    return stmt


def _view_statement(staff: bool) -> Any:
    """ThreadRepository.view_facts' statement, with the thread and the user as parameters."""
    t = _THREADS.c
    thread_id = bindparam("view_thread_id", type_=Uuid())
    user_id = bindparam("view_user_id", type_=Uuid())
    # Nested subqueries name the outer threads row explicitly (auto-correlation reaches only
    # the enclosing SELECT).
    mark = (
        select(ReadState.last_read_seq)
        .where(ReadState.thread_id == t.id, ReadState.user_id == user_id)
        .correlate(_THREADS)
        .scalar_subquery()
    )
    unread_q = (
        select(func.count())
        .where(
            Message.thread_id == t.id,
            Message.seq > func.coalesce(mark, 0),
            or_(Message.author_id.is_(None), Message.author_id != user_id),
        )
        .correlate(_THREADS)
    )
    if not staff:
        unread_q = unread_q.where(Message.kind != MessageKind.INTERNAL_NOTE)
    if staff:
        read_seq: Any = func.coalesce(mark, 0)
    else:
        read_seq = func.coalesce(
            select(func.max(Message.patient_seq))
            .where(Message.thread_id == t.id, Message.seq <= mark)
            .correlate(_THREADS)
            .scalar_subquery(),
            0,
        )
    assignee = aliased(User)
    return (
        select(
            *_THREADS.columns,
            Patient.name.label("patient_name"),
            Team.key.label("team_key"),
            Team.name.label("team_name"),
            Team.unit_id.label("unit_id"),
            assignee.display_name.label("assignee_name"),
            assignee.kind.label("assignee_kind"),
            StaffMember.profession.label("assignee_profession"),
            unread_q.scalar_subquery().label("unread"),
            read_seq.label("read_seq"),
            ThreadPromise.waiting_since.is_not(None).label("promise_waiting"),
            ThreadPromise.escalation_step.label("escalation_step"),
        )
        .select_from(_THREADS)
        .join(Patient, Patient.id == t.patient_id)
        .join(Team, Team.id == t.team_id)
        .outerjoin(assignee, assignee.id == t.assignee_id)
        .outerjoin(StaffMember, StaffMember.user_id == t.assignee_id)
        .outerjoin(ThreadPromise, ThreadPromise.thread_id == t.id)
        .where(t.id == thread_id)
    )


def _uuids(value: object) -> frozenset[uuid.UUID]:
    """Participants as aggregated: a list of UUIDs (PostgreSQL) or SQLite's comma-joined hex."""
    if not value:
        return frozenset()
    if isinstance(value, str):
        return frozenset(uuid.UUID(v) for v in value.split(","))
    assert isinstance(value, list)
    return frozenset(v if isinstance(v, uuid.UUID) else uuid.UUID(str(v)) for v in value)
