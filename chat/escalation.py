"""Escalation: a thread whose due time passed without an answer to the patient moves up, step
by step, as the unit configured (chat/promise.py: the coordinator, the whole team, the triage
team or another team). Each step is written into the thread as a system message and announced
live after commit; the inbox shows the step (ThreadView.escalation_step).

Run by every ``nara serve`` process (server/notify_worker.py); the promise row's lock (and
``next_check_at`` moving on) makes each step happen once, whichever process gets there first.
"""

from __future__ import annotations

import logging
import statistics
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from chat.access import ThreadScope
from chat.models import Message, MessageKind, ThreadStatus, utcnow
from chat.notifications.followup import _next_check, service_level
from chat.presenters import message_view, team_dict
from chat.promise import OpeningHours, local_text
from chat.routing import TRIAGE_KEY
from chat.service import ChatService, today
from chat.storage import Database, Store

log = logging.getLogger("nara.escalation")


@dataclass(frozen=True)
class Escalated:
    before: ThreadScope
    after: ThreadScope
    message: dict[str, Any]


class Escalator:
    def __init__(self, chat: ChatService, clock: Callable[[], datetime] = utcnow) -> None:
        self.chat = chat
        self.db = chat.db
        self.clock = clock

    async def run_once(self, limit: int = 100) -> int:
        """Take every escalation step that is due now; returns how many were taken."""
        now = self.clock()
        async with self.db.read() as store:
            ids = await store.notifications.due_for_escalation(now, limit)
        done = 0
        for thread_id in ids:
            try:
                result = await self._step(thread_id, now)
            except Exception as exc:  # the type only: SQL errors quote their parameters
                log.error(
                    "escalation step failed",
                    extra={"thread_id": str(thread_id), "error": type(exc).__name__},
                )
                continue
            if result is not None:
                done += 1
        return done

    async def _step(self, thread_id: uuid.UUID, now: datetime) -> Escalated | None:
        async with self.db.write() as store:
            promise = await store.notifications.lock_promise(thread_id, now)
            if promise is None:
                return None  # another process took it, or it was answered meanwhile
            thread = await store.threads.get(thread_id)
            before = await store.threads.scope(thread_id)
            if (
                thread is None
                or before is None
                or thread.status != ThreadStatus.OPEN
                or promise.waiting_since is None
                or promise.due_at is None
            ):
                promise.next_check_at = None
                return None
            opening, steps = await service_level(store, before.unit_id)
            if promise.escalation_step >= len(steps):
                promise.next_check_at = None
                return None
            step = steps[promise.escalation_step]
            text, event = await self._apply(store, thread, before, step.target, promise.due_at)
            event.update(step=promise.escalation_step + 1, due_at=promise.due_at.isoformat())
            seq = await store.threads.next_seq(thread_id, now)
            assert seq is not None
            note = Message(
                id=uuid.uuid4(),
                thread_id=thread_id,
                seq=seq,
                author_id=None,
                client_id=None,
                kind=MessageKind.SYSTEM,
                body=text,
                event=event,
                created_at=now,
            )
            await store.messages.insert(note)
            promise.escalation_step += 1
            promise.escalated_at = now
            promise.next_check_at = _next_check(promise, steps, opening)
            after = await store.threads.scope(thread_id)
            assert after is not None
            escalated = Escalated(before, after, message_view(note, {}).model_dump(mode="json"))
            self._announce(store, escalated)
        log.info(
            "thread escalated",
            extra={"thread_id": str(thread_id), "step": event["step"], "target": step.target},
        )
        return escalated

    async def _apply(
        self, store: Store, thread: Any, scope: ThreadScope, target: str, due: datetime
    ) -> tuple[str, dict[str, Any]]:
        passed = f"Svarstiden gick ut {local_text(due)}."
        event: dict[str, Any] = {"type": "escalated", "target": target}
        if target == "coordinator":
            _hours, contact = await store.notifications.contact_hours(
                thread.patient_id, thread.care_contact_id, thread.team_id
            )
            coordinator = contact.coordinator_id if contact is not None else None
            member = await store.directory.load_actor(coordinator, today()) if coordinator else None
            if member is None or scope.team_id not in member.team_ids:
                return f"{passed} Ärendet saknar samordnare i teamet.", event
            thread.assignee_id = member.user_id
            event["assignee_id"] = str(member.user_id)
            return f"{passed} Ärendet är eskalerat till samordnaren {member.display_name}.", event
        team = await store.directory.team(scope.team_id)
        assert team is not None
        if target == "team":
            event["team"] = team_dict(team)
            return f"{passed} Ärendet är eskalerat till hela teamet {team.name}.", event
        if target == "triage":
            table = await store.directory.routing_table(scope.unit_id)
            goal_id = table.get(TRIAGE_KEY)
            if goal_id is None:
                triage = [t for t in await store.directory.teams([scope.unit_id]) if t.is_triage]
                goal_id = triage[0].id if triage else None
            goal = await store.directory.team(goal_id) if goal_id else None
        else:
            goal = await store.directory.team_by_key(scope.unit_id, target.split(":", 1)[1])
        if goal is None or goal.unit_id != scope.unit_id:
            event["team"] = team_dict(team)
            return f"{passed} Ärendet är eskalerat till hela teamet {team.name}.", event
        event["team"] = team_dict(goal)
        if goal.id == scope.team_id:
            return f"{passed} Ärendet är eskalerat till {goal.name}.", event
        thread.team_id, thread.assignee_id = goal.id, None
        return f"{passed} Ärendet är eskalerat och flyttat till {goal.name}.", event

    def _announce(self, store: Store, done: Escalated) -> None:
        """Queued in the step's transaction, sent after its commit (chat/events.py)."""
        from chat.events import thread_audiences

        rooms = thread_audiences(done.after, internal=False)
        self.chat.events.publish(store, "message", {"message": done.message}, rooms)
        if done.before.team_id != done.after.team_id:
            self.chat.announce_thread(store, done.before)
        self.chat.announce_thread(store, done.after)


@dataclass(frozen=True)
class OverdueReport:
    waiting: int  # open threads with a due time
    overdue: int
    by_step: dict[int, int]
    median_hours: float  # calendar hours past the due time
    max_hours: float
    median_open_hours: float  # the unit's open hours past the due time
    max_open_hours: float


async def overdue_report(db: Database, now: datetime | None = None) -> OverdueReport:
    """How many threads are overdue, and by how much (calendar and open hours)."""
    now = now or utcnow()
    async with db.read() as store:
        rows = await store.notifications.overdue(now)
        waiting = await store.notifications.waiting(now)
        hours: dict[uuid.UUID, OpeningHours] = {}
        late, late_open = [], []
        by_step: dict[int, int] = {}
        for _thread_id, unit_id, due, step in rows:
            if unit_id not in hours:
                hours[unit_id] = (await service_level(store, unit_id))[0]
            late.append((now - due) / timedelta(hours=1))
            late_open.append(hours[unit_id].open_time_between(due, now) / timedelta(hours=1))
            by_step[step] = by_step.get(step, 0) + 1
    return OverdueReport(
        waiting=waiting,
        overdue=len(rows),
        by_step=dict(sorted(by_step.items())),
        median_hours=statistics.median(late) if late else 0.0,
        max_hours=max(late, default=0.0),
        median_open_hours=statistics.median(late_open) if late_open else 0.0,
        max_open_hours=max(late_open, default=0.0),
    )
