"""The notification outbox, preferences, push subscriptions, presence, unit service levels and
thread promises (chat/notifications/models.py)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Uuid, and_, bindparam, delete, event, func, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from chat.models import (
    CareContact,
    Meeting,
    MeetingStatus,
    ReadState,
    Team,
    Thread,
    ThreadStatus,
    User,
    UTCDateTime,
)
from chat.notifications.models import (
    AddressVerification,
    Channel,
    NoticeState,
    Notification,
    NotificationPreference,
    PushSubscription,
    ThreadPromise,
    UnitServiceLevel,
    UserPresence,
    started_meeting_id,
)
from chat.storage.threads import ThreadRepository


@dataclass
class DeliveryFacts:
    active_users: set[uuid.UUID] = field(default_factory=set)
    preferences: dict[uuid.UUID, NotificationPreference] = field(default_factory=dict)
    read: dict[tuple[uuid.UUID, uuid.UUID], int] = field(default_factory=dict)
    last_seen: dict[uuid.UUID, datetime] = field(default_factory=dict)
    last_sent: dict[tuple[uuid.UUID, str, str], datetime] = field(default_factory=dict)
    subscriptions: dict[uuid.UUID, list[PushSubscription]] = field(default_factory=dict)
    # Meetings of start notices in the batch that have ended meanwhile.
    ended_meetings: set[uuid.UUID] = field(default_factory=set)


@dataclass(frozen=True)
class UnitDeliveryStatus:
    pending: int
    retrying: int
    failed: int
    sent: int
    last_error: str | None
    last_error_at: datetime | None


class NotificationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    def _insert(self) -> Any:
        return pg_insert if self.s.get_bind().dialect.name == "postgresql" else sqlite_insert

    def _pg(self) -> bool:
        return self.s.get_bind().dialect.name == "postgresql"

    def on_commit(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` once this transaction has committed (not on rollback)."""
        event.listen(self.s.sync_session, "after_commit", lambda _s: callback(), once=True)

    async def flush(self) -> None:
        await self.s.flush()

    # -- the outbox --------------------------------------------------------------------------

    async def deliverable_channels(
        self, user_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, set[str]]:
        """Per user: channels turned on with a verified address (push: a subscription)."""
        if not user_ids:
            return {}
        prefs = await self.s.scalars(
            select(NotificationPreference).where(NotificationPreference.user_id.in_(set(user_ids)))
        )
        out: dict[uuid.UUID, set[str]] = {}
        push_users = []
        for p in prefs:
            channels = set()
            if p.email_enabled and p.email and p.email_verified_at is not None:
                channels.add(Channel.EMAIL.value)
            if p.sms_enabled and p.phone and p.phone_verified_at is not None:
                channels.add(Channel.SMS.value)
            if p.push_enabled:
                push_users.append(p.user_id)
            out[p.user_id] = channels
        if push_users:
            rows = await self.s.scalars(
                select(PushSubscription.user_id)
                .where(PushSubscription.user_id.in_(push_users))
                .distinct()
            )
            for uid in rows:
                out[uid].add(Channel.PUSH.value)
        return {u: c for u, c in out.items() if c}

    async def enqueue(self, rows: Sequence[dict[str, Any]]) -> None:
        """Insert notices; one still pending for the same (user, topic, channel) absorbs the
        new one (coalescing: it now covers the newer seq). The partial unique index decides,
        also between concurrent transactions."""
        if not rows:
            return
        stmt = self._insert()(Notification).values(list(rows))
        stmt = stmt.on_conflict_do_update(
            index_elements=["user_id", "topic", "channel"],
            index_where=text("state = 'pending'"),
            set_={"seq": stmt.excluded.seq},
        )
        await self.s.execute(stmt)

    async def claim(
        self, now: datetime, lease_until: datetime, worker: str, limit: int
    ) -> list[Notification]:
        """Take up to ``limit`` due notices for ``worker`` until ``lease_until``. A notice whose
        lease ran out (its process died) is due again. PostgreSQL skips rows another process
        is claiming at this moment; SQLite has one writer at a time."""
        due = (
            select(Notification.id)
            .where(
                Notification.state == NoticeState.PENDING,
                Notification.not_before <= now,
                or_(Notification.claimed_until.is_(None), Notification.claimed_until < now),
            )
            .order_by(Notification.not_before)
            .limit(limit)
        )
        if self._pg():
            due = due.with_for_update(skip_locked=True)
        stmt = (
            update(Notification)
            .where(Notification.id.in_(due.scalar_subquery()))
            .values(claimed_until=lease_until, claimed_by=worker)
            .returning(Notification)
            .execution_options(synchronize_session=False)
        )
        return list((await self.s.scalars(stmt)).all())

    async def finish(self, notice_id: uuid.UUID, worker: str, **values: Any) -> bool:
        """Record the outcome of a claimed notice (and release it); False when the claim was
        lost to another worker meanwhile."""
        result = await self.s.execute(
            update(Notification)
            .where(Notification.id == notice_id, Notification.claimed_by == worker)
            .values(claimed_until=None, claimed_by=None, **values)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def delivery_facts(
        self, notices: Sequence[Notification], since: datetime
    ) -> DeliveryFacts:
        """What the worker needs to decide about a batch of notices, in six queries (and one
        more when it holds meeting start notices)."""
        user_ids = {n.user_id for n in notices}
        facts = DeliveryFacts()
        if not notices:
            return facts
        users = await self.s.execute(select(User.id, User.active).where(User.id.in_(user_ids)))
        facts.active_users = {u for u, active in users if active}
        prefs = await self.s.scalars(
            select(NotificationPreference).where(NotificationPreference.user_id.in_(user_ids))
        )
        facts.preferences = {p.user_id: p for p in prefs}
        threads = {n.thread_id for n in notices if n.thread_id is not None}
        if threads:
            marks = await self.s.execute(
                select(ReadState.user_id, ReadState.thread_id, ReadState.last_read_seq).where(
                    ReadState.user_id.in_(user_ids), ReadState.thread_id.in_(threads)
                )
            )
            facts.read = {(u, t): int(seq) for u, t, seq in marks}
        seen = await self.s.execute(
            select(UserPresence.user_id, UserPresence.last_seen_at).where(
                UserPresence.user_id.in_(user_ids)
            )
        )
        facts.last_seen = {u: at for u, at in seen}
        topics = {n.topic for n in notices}
        sent = await self.s.execute(
            select(
                Notification.user_id,
                Notification.topic,
                Notification.channel,
                func.max(Notification.sent_at),
            )
            .where(
                Notification.user_id.in_(user_ids),
                Notification.topic.in_(topics),
                Notification.state == NoticeState.SENT,
                Notification.sent_at >= since,
            )
            .group_by(Notification.user_id, Notification.topic, Notification.channel)
        )
        facts.last_sent = {(u, t, c): at for u, t, c, at in sent if at is not None}
        push_users = {n.user_id for n in notices if n.channel == Channel.PUSH}
        if push_users:
            subs = await self.s.scalars(
                select(PushSubscription)
                .where(PushSubscription.user_id.in_(push_users))
                .order_by(PushSubscription.created_at)
            )
            for sub in subs:
                facts.subscriptions.setdefault(sub.user_id, []).append(sub)
        facts.ended_meetings = await self._ended_meetings(notices)
        return facts

    async def _ended_meetings(self, notices: Sequence[Notification]) -> set[uuid.UUID]:
        meetings = {m for n in notices if (m := started_meeting_id(n.topic)) is not None}
        if not meetings:
            return set()  # the usual batch (answers) pays no query for this
        rows = await self.s.scalars(
            select(Meeting.id).where(
                Meeting.id.in_(meetings), Meeting.status == MeetingStatus.ENDED
            )
        )
        return set(rows)

    async def unit_status(self, unit_id: uuid.UUID, since: datetime) -> UnitDeliveryStatus:
        rows = await self.s.execute(
            select(Notification.state, func.count())
            .where(Notification.unit_id == unit_id)
            .where(or_(Notification.state != NoticeState.SENT, Notification.sent_at >= since))
            .group_by(Notification.state)
        )
        counts = {state: int(n) for state, n in rows}
        retrying = await self.s.scalar(
            select(func.count()).where(
                Notification.unit_id == unit_id,
                Notification.state == NoticeState.PENDING,
                Notification.attempts > 0,
            )
        )
        last = (
            await self.s.execute(
                select(Notification.last_error, Notification.last_error_at)
                .where(Notification.unit_id == unit_id, Notification.last_error.is_not(None))
                .order_by(Notification.last_error_at.desc())
                .limit(1)
            )
        ).first()
        return UnitDeliveryStatus(
            pending=counts.get(NoticeState.PENDING, 0),
            retrying=int(retrying or 0),
            failed=counts.get(NoticeState.FAILED, 0),
            sent=counts.get(NoticeState.SENT, 0),
            last_error=last[0] if last else None,
            last_error_at=last[1] if last else None,
        )

    # -- preferences, verification, push -----------------------------------------------------

    async def preference(self, user_id: uuid.UUID) -> NotificationPreference | None:
        return await self.s.get(NotificationPreference, user_id)

    async def preference_for_update(self, user_id: uuid.UUID) -> NotificationPreference:
        pref = await self.s.get(NotificationPreference, user_id)
        if pref is None:
            pref = NotificationPreference(
                user_id=user_id, email_enabled=False, sms_enabled=False, push_enabled=False
            )
            self.s.add(pref)
        return pref

    def add(self, *rows: object) -> None:
        self.s.add_all(rows)

    async def latest_verification(
        self, user_id: uuid.UUID, channel: str
    ) -> AddressVerification | None:
        return await self.s.scalar(
            select(AddressVerification)
            .where(AddressVerification.user_id == user_id, AddressVerification.channel == channel)
            .order_by(AddressVerification.created_at.desc())
            .limit(1)
        )

    async def verifications_since(self, user_id: uuid.UUID, since: datetime) -> int:
        n = await self.s.scalar(
            select(func.count()).where(
                AddressVerification.user_id == user_id, AddressVerification.created_at >= since
            )
        )
        return int(n or 0)

    async def subscriptions(self, user_id: uuid.UUID) -> list[PushSubscription]:
        rows = await self.s.scalars(
            select(PushSubscription)
            .where(PushSubscription.user_id == user_id)
            .order_by(PushSubscription.created_at)
        )
        return list(rows)

    async def save_subscription(
        self, user_id: uuid.UUID, endpoint: str, p256dh: str, auth: str, at: datetime
    ) -> None:
        """One row per endpoint: a browser that subscribes again (or another user on the same
        browser) replaces it."""
        stmt = self._insert()(PushSubscription).values(
            id=uuid.uuid4(),
            user_id=user_id,
            endpoint=endpoint,
            p256dh=p256dh,
            auth=auth,
            created_at=at,
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["endpoint"],
            set_={"user_id": user_id, "p256dh": p256dh, "auth": auth, "created_at": at},
        )
        await self.s.execute(stmt)

    async def delete_subscription(self, endpoint: str, user_id: uuid.UUID | None = None) -> int:
        stmt = delete(PushSubscription).where(PushSubscription.endpoint == endpoint)
        if user_id is not None:
            stmt = stmt.where(PushSubscription.user_id == user_id)
        result = await self.s.execute(stmt)
        return int(result.rowcount)  # type: ignore[attr-defined]

    # -- presence ----------------------------------------------------------------------------

    async def touch_presence(self, user_ids: Sequence[uuid.UUID], at: datetime) -> None:
        if not user_ids:
            return
        table = UserPresence.__table__
        stmt = self._insert()(UserPresence).values(
            [{"user_id": u, "last_seen_at": at} for u in sorted(set(user_ids))]
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["user_id"],
            set_={"last_seen_at": stmt.excluded.last_seen_at},
            where=table.c.last_seen_at < stmt.excluded.last_seen_at,
        )
        await self.s.execute(stmt)

    # -- service levels and promises ---------------------------------------------------------

    async def service_level(self, unit_id: uuid.UUID) -> UnitServiceLevel | None:
        return await self.s.get(UnitServiceLevel, unit_id)

    async def service_level_for_update(self, unit_id: uuid.UUID) -> UnitServiceLevel:
        row = await self.s.get(UnitServiceLevel, unit_id)
        if row is None:
            row = UnitServiceLevel(unit_id=unit_id)
            self.s.add(row)
        return row

    async def promise(self, thread_id: uuid.UUID) -> ThreadPromise | None:
        return await self.s.get(ThreadPromise, thread_id)

    async def promises(self, thread_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, ThreadPromise]:
        if not thread_ids:
            return {}
        rows = await self.s.scalars(
            select(ThreadPromise).where(ThreadPromise.thread_id.in_(set(thread_ids)))
        )
        return {p.thread_id: p for p in rows}

    async def contact_hours(
        self, patient_id: uuid.UUID, care_contact_id: uuid.UUID | None, team_id: uuid.UUID
    ) -> tuple[int | None, CareContact | None]:
        """The care contact's promised hours: the thread's contact, else the patient's contact
        with the owning team, else the patient's contacts in the team's unit (the shortest)."""
        if care_contact_id is not None:
            contact = await self.s.get(CareContact, care_contact_id)
            if contact is not None:
                return contact.response_time_hours, contact
        team = await self.s.get(Team, team_id)
        rows = list(
            await self.s.scalars(
                select(CareContact)
                .join(Team, Team.id == CareContact.team_id)
                .where(CareContact.patient_id == patient_id)
                .where(Team.unit_id == (team.unit_id if team else None))
            )
        )
        same_team = [c for c in rows if c.team_id == team_id]
        pool = same_team or rows
        if not pool:
            return None, None
        best = min(pool, key=lambda c: c.response_time_hours)
        return best.response_time_hours, best

    async def start_wait(
        self,
        thread_id: uuid.UUID,
        now: datetime,
        due: datetime | None,
        next_check: datetime | None,
        *,
        view_for: tuple[ThreadRepository, uuid.UUID, bool] | None = None,
    ) -> None:
        """The thread owes an answer from ``now``: its promise (added or restarted: escalation
        from step 0) and ``threads.response_due_at``, without loading either (one statement on
        PostgreSQL). ``view_for`` (the store's threads, a user, staff or not): the caller
        reads that user's thread view next; on PostgreSQL these writes go in its statement
        (ThreadRepository.view_with), so the view costs no statement of its own."""
        values = {
            "waiting_since": now,
            "answered_at": None,
            "due_at": due,
            "escalation_step": 0,
            "escalated_at": None,
            "next_check_at": next_check,
        }
        if view_for is not None and self._pg():
            threads, user_id, staff = view_for
            await threads.view_with(
                thread_id,
                user_id,
                staff=staff,
                writes=("start_wait", _start_wait_ctes),
                params={"wait_now": now, "wait_due": due, "wait_next_check": next_check},
                # What the view shows of these writes (its snapshot is from before them).
                written={"response_due_at": due, "promise_waiting": True, "escalation_step": 0},
            )
            self._synced(thread_id, values, due)
            return
        upsert = self._insert()(ThreadPromise).values(thread_id=thread_id, **values)
        upsert = upsert.on_conflict_do_update(index_elements=["thread_id"], set_=values)
        await self._promise_and_thread(thread_id, upsert, due, values)

    async def answer(self, thread_id: uuid.UUID, now: datetime) -> None:
        """The thread's promise is kept (a staff answer): nothing is due any more."""
        values = _answered_values(now)
        stmt = update(ThreadPromise).where(ThreadPromise.thread_id == thread_id).values(values)
        await self._promise_and_thread(thread_id, stmt, None, values)

    def answered(self, thread_id: uuid.UUID, now: datetime) -> None:
        """:meth:`answer` written by the send's statement (MessageRepository.post with
        ``answer``): rows this session has loaded see it."""
        self._synced(thread_id, _answered_values(now), None)

    async def _promise_and_thread(
        self,
        thread_id: uuid.UUID,
        promise_stmt: Any,
        due: datetime | None,
        values: dict[str, Any],
    ) -> None:
        thread_stmt = update(Thread).where(Thread.id == thread_id).values(response_due_at=due)
        if self._pg():
            await self.s.execute(thread_stmt.add_cte(promise_stmt.cte("promise")))
        else:
            await self.s.execute(promise_stmt)
            await self.s.execute(thread_stmt)
        self._synced(thread_id, values, due)

    def _synced(self, thread_id: uuid.UUID, values: dict[str, Any], due: datetime | None) -> None:
        """Rows this session has loaded see what was written."""
        identity = self.s.sync_session.identity_map
        for model, changes in ((ThreadPromise, values), (Thread, {"response_due_at": due})):
            loaded = identity.get(identity_key(model, thread_id))
            for key, value in changes.items() if loaded is not None else ():
                set_committed_value(loaded, key, value)

    async def due_for_escalation(self, now: datetime, limit: int) -> list[uuid.UUID]:
        rows = await self.s.scalars(
            select(ThreadPromise.thread_id)
            .where(ThreadPromise.next_check_at.is_not(None), ThreadPromise.next_check_at <= now)
            .order_by(ThreadPromise.next_check_at)
            .limit(limit)
        )
        return list(rows)

    async def lock_promise(self, thread_id: uuid.UUID, now: datetime) -> ThreadPromise | None:
        """The promise row, if an escalation step is due, locked until this transaction ends
        (PostgreSQL: another process skips it; SQLite: one writer at a time)."""
        q = select(ThreadPromise).where(
            ThreadPromise.thread_id == thread_id,
            ThreadPromise.next_check_at.is_not(None),
            ThreadPromise.next_check_at <= now,
        )
        if self._pg():
            q = q.with_for_update(skip_locked=True)
        return await self.s.scalar(q.execution_options(populate_existing=True))

    async def overdue(self, now: datetime) -> list[tuple[uuid.UUID, uuid.UUID, datetime, int]]:
        """Open patient threads past their due time: (thread, unit, due, escalation step)."""
        rows = await self.s.execute(
            select(Thread.id, Team.unit_id, Thread.response_due_at, ThreadPromise.escalation_step)
            .join(Team, Team.id == Thread.team_id)
            .outerjoin(ThreadPromise, ThreadPromise.thread_id == Thread.id)
            .where(
                and_(
                    Thread.status == ThreadStatus.OPEN,
                    Thread.response_due_at.is_not(None),
                    Thread.response_due_at < now,
                )
            )
            .order_by(Thread.response_due_at)
        )
        return [(t, u, d, int(s or 0)) for t, u, d, s in rows if d is not None]

    async def waiting(self, now: datetime) -> int:
        n = await self.s.scalar(
            select(func.count()).where(
                Thread.status == ThreadStatus.OPEN, Thread.response_due_at.is_not(None)
            )
        )
        return int(n or 0)


def _answered_values(now: datetime) -> dict[str, Any]:
    """A kept promise's columns (NotificationRepository.answer; MessageRepository.post's
    ``answer`` writes the same)."""
    return {"waiting_since": None, "answered_at": now, "due_at": None, "next_check_at": None}


def _start_wait_ctes() -> tuple[Any, ...]:
    """NotificationRepository.start_wait's two writes as data-modifying CTEs (PostgreSQL),
    with the view's ``view_thread_id`` and their own parameters, built once."""
    values = {
        "waiting_since": bindparam("wait_now", type_=UTCDateTime()),
        "answered_at": None,
        "due_at": bindparam("wait_due", type_=UTCDateTime()),
        "escalation_step": 0,
        "escalated_at": None,
        "next_check_at": bindparam("wait_next_check", type_=UTCDateTime()),
    }
    thread_id = bindparam("view_thread_id", type_=Uuid())
    upsert = pg_insert(ThreadPromise).values(thread_id=thread_id, **values)
    upsert = upsert.on_conflict_do_update(index_elements=["thread_id"], set_=values)
    due = update(Thread).where(Thread.id == thread_id).values(
        response_due_at=bindparam("wait_due", type_=UTCDateTime())
    )
    return upsert.cte("promise"), due.cte("due")
