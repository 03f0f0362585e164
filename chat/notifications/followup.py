"""What a stored message sets off, in the same transaction: notices into the outbox and the
thread's promise (chat/promise.py). ChatService calls :meth:`Followup.after_message`; the
meeting service calls :meth:`Followup.meeting_invited` and, in the transaction that makes a
meeting live, :meth:`Followup.meeting_started`.

- A staff text message in a thread the patient sees: a notice per channel to the patient and
  to guardians acting for the child (directory.patient_user_ids), and the thread is answered
  (nothing is due any more).
- A patient-side message to a thread that owes no answer starts a wait: due by the one rule.
  A message that raised the urgency (re-triage) brings the due time forward by the same rule.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from chat.access import Actor, ThreadScope
from chat.models import MessageKind
from chat.notifications.models import (
    NoticeReason,
    NoticeState,
    ThreadPromise,
    meeting_start_topic,
)
from chat.promise import (
    STOCKHOLM,
    URGENCY_HOURS,
    EscalationStep,
    OpeningHours,
    deadline,
    due_at,
    parse_steps,
    step_time,
)
from chat.storage import Store
from chat.storage.messages import Posted
from chat.views import MessageView


@dataclass(frozen=True)
class NoticeSettings:
    """Channels this deployment can deliver on, and the coalescing window."""

    channels: frozenset[str] = frozenset()
    window_s: int = 900

    def window(self, at: datetime) -> int:
        return int(at.timestamp()) // max(1, self.window_s)


async def service_level(
    store: Store, unit_id: uuid.UUID
) -> tuple[OpeningHours, tuple[EscalationStep, ...]]:
    row = await store.notifications.service_level(unit_id)
    if row is None:
        return OpeningHours.default(), parse_steps(None)
    return OpeningHours.from_json(row.opening_hours), parse_steps(row.escalation)


class Followup:
    def __init__(self, settings: NoticeSettings, wake: Callable[[], None] = lambda: None) -> None:
        self.settings = settings
        self.wake = wake

    # -- messages ----------------------------------------------------------------------------

    async def after_message(
        self,
        store: Store,
        actor: Actor,
        scope: ThreadScope,
        message: MessageView,
        now: datetime,
        *,
        retriaged: bool = False,
        known: Posted | None = None,
    ) -> bool:
        """True when the thread changed (its due time): the caller announces the thread.
        ``known``: what the send's own statement read (the promise's state, whether the
        thread is due, whether anyone on the patient side has a channel on); with it the
        common cases read nothing more."""
        if message.kind != MessageKind.TEXT or not scope.patient_visible:
            return False
        if actor.is_staff:
            if known is None or known.may_notify:
                await self.notify_patient_side(store, scope, message.seq, now)
            if known is not None and known.promise == "waiting":
                if known.answered:  # the send's statement wrote it (PostgreSQL)
                    store.notifications.answered(scope.thread_id, now)
                else:
                    await store.notifications.answer(scope.thread_id, now)
                return True
            if known is not None and not _may_be_waiting(known):
                return False  # the hot path: nothing is due, nothing to answer
            return await self._answered(store, scope, now)
        if known is not None and not retriaged:
            if known.promise == "waiting":
                return False  # the hot path: the thread already owes an answer
            return await self._start_wait(store, actor, scope, now, known)
        return await self._waiting(store, scope, now, retriaged)

    async def notify_patient_side(
        self, store: Store, scope: ThreadScope, seq: int | None, now: datetime
    ) -> int:
        if not self.settings.channels:
            return 0
        users = await store.directory.patient_user_ids(
            scope.patient_id, now.astimezone(STOCKHOLM).date()
        )
        return await self._enqueue(
            store,
            users,
            topic=f"thread:{scope.thread_id}",
            thread_id=scope.thread_id,
            unit_id=scope.unit_id,
            reason=NoticeReason.MESSAGE,
            seq=seq,
            now=now,
        )

    async def meeting_invited(
        self,
        store: Store,
        meeting_id: uuid.UUID,
        *,
        scope: ThreadScope | None,
        user_ids: Iterable[uuid.UUID],
        now: datetime,
    ) -> int:
        """An invitation to a video meeting: the patient side of its thread and the patients
        invited by account are told that there is something new (nothing more)."""
        return await self._meeting_notice(
            store, f"meeting:{meeting_id}", NoticeReason.MEETING, scope, user_ids, now
        )

    async def meeting_started(
        self,
        store: Store,
        meeting_id: uuid.UUID,
        *,
        scope: ThreadScope | None,
        user_ids: Iterable[uuid.UUID],
        now: datetime,
    ) -> int:
        """A video meeting went live: the same people as for an invitation are told that it
        has started. Called only where the meeting's status becomes live, so once a meeting;
        its own topic keeps an invitation sent just before from holding it back."""
        return await self._meeting_notice(
            store, meeting_start_topic(meeting_id), NoticeReason.MEETING_STARTED, scope,
            user_ids, now,
        )

    async def _meeting_notice(
        self,
        store: Store,
        topic: str,
        reason: NoticeReason,
        scope: ThreadScope | None,
        user_ids: Iterable[uuid.UUID],
        now: datetime,
    ) -> int:
        """The patient side of the thread (if it sees the thread) and patients by account."""
        if not self.settings.channels:
            return 0
        users = list(user_ids)
        if scope is not None and scope.patient_visible:
            users += await store.directory.patient_user_ids(
                scope.patient_id, now.astimezone(STOCKHOLM).date()
            )
        return await self._enqueue(
            store,
            users,
            topic=topic,
            thread_id=scope.thread_id if scope else None,
            unit_id=scope.unit_id if scope else None,
            reason=reason,
            seq=None,
            now=now,
        )

    async def _enqueue(
        self,
        store: Store,
        users: Iterable[uuid.UUID],
        *,
        topic: str,
        thread_id: uuid.UUID | None,
        unit_id: uuid.UUID | None,
        reason: str,
        seq: int | None,
        now: datetime,
    ) -> int:
        wanted = await store.notifications.deliverable_channels(sorted(set(users)))
        window = self.settings.window(now)
        rows = [
            {
                "id": uuid.uuid4(),
                "user_id": user_id,
                "topic": topic,
                "thread_id": thread_id,
                "unit_id": unit_id,
                "window": window,
                "channel": channel,
                "reason": reason,
                "seq": seq,
                "state": NoticeState.PENDING.value,
                "not_before": now,
                "attempts": 0,
                "created_at": now,
            }
            for user_id, channels in sorted(wanted.items())
            for channel in sorted(channels & self.settings.channels)
        ]
        await store.notifications.enqueue(rows)
        if rows:
            store.notifications.on_commit(self.wake)
        return len(rows)

    # -- the promise -------------------------------------------------------------------------

    async def _waiting(
        self, store: Store, scope: ThreadScope, now: datetime, retriaged: bool
    ) -> bool:
        promise = await store.notifications.promise(scope.thread_id)
        if promise is not None and promise.waiting_since is not None and not retriaged:
            return False  # the hot path: the thread already owes an answer
        thread = await store.threads.get(scope.thread_id)
        assert thread is not None
        opening, steps = await service_level(store, scope.unit_id)
        if promise is None or promise.waiting_since is None:
            hours, _contact = await store.notifications.contact_hours(
                thread.patient_id, thread.care_contact_id, thread.team_id
            )
            due = due_at(now, contact_hours=hours, urgency=thread.urgency, opening=opening)
            if promise is None:
                promise = ThreadPromise(thread_id=scope.thread_id, escalation_step=0)
                store.notifications.add(promise)
            promise.waiting_since, promise.answered_at = now, None
            promise.escalation_step, promise.escalated_at = 0, None
        else:
            # Re-triaged: the raised urgency counts from this message, if that is sooner.
            due = promise.due_at
            hours_for = URGENCY_HOURS.get(thread.urgency or "")
            if hours_for is not None:
                urgent = deadline(now, hours_for, opening)
                due = urgent if due is None else min(due, urgent)
        promise.due_at = due
        promise.next_check_at = _next_check(promise, steps, opening)
        changed = thread.response_due_at != due
        thread.response_due_at = due
        return changed

    async def _start_wait(
        self, store: Store, actor: Actor, scope: ThreadScope, now: datetime, known: Posted
    ) -> bool:
        """:meth:`_waiting` for a thread that owes no answer, from what the send's statement
        read (the thread's care contact, urgency and due time, and on PostgreSQL the service
        level and the contact's hours too): nothing more is loaded. When the due time
        changes the caller reads the sender's thread view next (ChatService.send): on
        PostgreSQL the promise's writes go in that view's statement."""
        if known.wait is not None:
            opening = OpeningHours.from_json(known.wait.opening_hours)
            steps = parse_steps(known.wait.escalation)
            hours = known.wait.contact_hours
        else:
            opening, steps = await service_level(store, scope.unit_id)
            hours, _contact = await store.notifications.contact_hours(
                scope.patient_id, known.care_contact_id, scope.team_id
            )
        due = due_at(now, contact_hours=hours, urgency=known.urgency, opening=opening)
        next_check = _step_check(due, 0, steps, opening)
        changed = known.response_due_at != due
        view_for = (store.threads, actor.user_id, actor.is_staff) if changed else None
        await store.notifications.start_wait(
            scope.thread_id, now, due, next_check, view_for=view_for
        )
        return changed

    async def _answered(self, store: Store, scope: ThreadScope, now: datetime) -> bool:
        promise = await store.notifications.promise(scope.thread_id)
        thread = None
        if promise is None:
            thread = await store.threads.get(scope.thread_id)
            assert thread is not None
            if thread.response_due_at is None:
                return False
            promise = ThreadPromise(thread_id=scope.thread_id, escalation_step=0)
            store.notifications.add(promise)
        elif promise.waiting_since is None:
            return False
        promise.waiting_since, promise.answered_at = None, now
        promise.due_at = promise.next_check_at = None
        thread = thread or await store.threads.get(scope.thread_id)
        assert thread is not None
        thread.response_due_at = None
        return True


def _may_be_waiting(known: Posted) -> bool:
    """Whether a staff answer can change the promise (:meth:`Followup._answered`): it owes an
    answer, or there is no promise row yet the thread shows a due time."""
    if known.promise is None:
        return known.response_due_at is not None
    return known.promise == "waiting"


def _next_check(
    promise: ThreadPromise, steps: tuple[EscalationStep, ...], opening: OpeningHours
) -> datetime | None:
    return _step_check(promise.due_at, promise.escalation_step, steps, opening)


def _step_check(
    due: datetime | None, step: int, steps: tuple[EscalationStep, ...], opening: OpeningHours
) -> datetime | None:
    if due is None or step >= len(steps):
        return None
    return step_time(due, steps[step], opening)
