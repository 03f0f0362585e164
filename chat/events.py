"""Live events: queued inside the transaction, published after it commits; the server
delivers them (Socket.IO rooms).

Audiences are room names: ``patient:<id>`` (the patient and their guardians), ``team:<id>``
(staff of the owning team) and ``user:<id>`` (one user, e.g. an added municipal nurse).

Durable events (messages, thread changes, alerts) are also written to ``live_outbox`` in the
same transaction, as one row per transaction. After the commit the events are published and the
row is deleted (in batches, by :meth:`Publisher.run`). A process that dies between commit and
publish leaves its rows behind; the sweep of any process publishes rows older than a few
seconds, so every committed message reaches the clients connected at that time (at least once:
clients keep messages by id and seq).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from chat.access import ThreadScope, hidden_participants
from chat.models import utcnow
from chat.storage import Database, Store

log = logging.getLogger("nara.events")


class LiveEvents(Protocol):
    async def publish(self, event: str, payload: dict[str, Any], audiences: Sequence[str]) -> None:
        """Deliver to every connection in the audiences, each connection once."""


class NoLiveEvents:
    async def publish(self, event: str, payload: dict[str, Any], audiences: Sequence[str]) -> None:
        return None


PATIENT_ROOM = "patient:"  # the prefix of the patient side's rooms


def patient_room(patient_id: uuid.UUID) -> str:
    return f"{PATIENT_ROOM}{patient_id}"


def team_room(team_id: uuid.UUID) -> str:
    return f"team:{team_id}"


def user_room(user_id: uuid.UUID) -> str:
    return f"user:{user_id}"


def staff_audiences(scope: ThreadScope) -> list[str]:
    """The owning team and the participants (not those a spärr keeps out)."""
    people = scope.participant_ids - hidden_participants(scope)
    return [team_room(scope.team_id), *(user_room(u) for u in sorted(people))]


def split_patient_side(
    event: str, payload: dict[str, Any], audiences: Sequence[str]
) -> list[tuple[dict[str, Any], list[str]]]:
    """A ``message`` reaches the patient side with its own gap-free sequence as ``seq``
    (as chat/presenters.seen_by does for views); every other room gets the payload as is."""
    patient = [r for r in audiences if r.startswith(PATIENT_ROOM)]
    if event != "message" or not patient:
        return [(payload, list(audiences))]
    message = dict(payload["message"])
    message["seq"] = message.get("patient_seq") or 0
    staff = [r for r in audiences if not r.startswith(PATIENT_ROOM)]
    parts = [({**payload, "message": message}, patient)]
    return [(payload, staff), *parts] if staff else parts


def thread_audiences(scope: ThreadScope, *, internal: bool) -> list[str]:
    rooms = staff_audiences(scope)
    if not internal and scope.patient_visible:
        rooms.append(patient_room(scope.patient_id))
    return rooms


def unit_room(unit_id: uuid.UUID) -> str:
    """All staff of a care unit: acute alerts go here."""
    return f"unit:{unit_id}"


@dataclass
class _Batch:
    events: list[dict[str, Any]] = field(default_factory=list)
    durable: bool = False
    row_id: int | None = None


class Publisher:
    """The one way chat/ publishes: ``publish(store, …)`` inside a transaction."""

    def __init__(self, live: LiveEvents, clock: Callable[[], datetime] = utcnow) -> None:
        self.live = live
        self.clock = clock
        self._done: list[int] = []  # outbox rows published, not yet deleted
        # Fault injection for the crash tests: called after commit, before publishing.
        self.before_publish: Callable[[list[dict[str, Any]]], None] | None = None

    def publish(
        self,
        store: Store,
        event: str,
        payload: dict[str, Any],
        audiences: Sequence[str],
        *,
        durable: bool = True,
    ) -> None:
        """Queue an event; it is sent once the transaction commits, never after a rollback.
        ``durable=False`` (read marks, typing, a resend's echo) skips the outbox."""
        if not audiences:
            return
        batch = store.scratch.get(self)
        if batch is None:
            batch = store.scratch[self] = _Batch()
            store.before_commit(lambda: self._write(store, batch))
            store.on_commit(lambda: self._send(batch))
        for shaped, rooms in split_patient_side(event, payload, audiences):
            batch.events.append({"event": event, "payload": shaped, "rooms": rooms})
        batch.durable = batch.durable or durable

    async def _write(self, store: Store, batch: _Batch) -> None:
        if batch.durable:
            batch.row_id = await store.live_outbox.add(batch.events, self.clock())

    async def _send(self, batch: _Batch) -> None:
        if self.before_publish is not None:
            self.before_publish(batch.events)
        await self._emit(batch.events)
        if batch.row_id is not None:
            self._done.append(batch.row_id)

    async def _emit(self, events: list[dict[str, Any]]) -> None:
        for e in events:
            await self.live.publish(e["event"], e["payload"], e["rooms"])

    async def sweep(self, db: Database, stale_s: float) -> int:
        """Publish what a process left behind (it died between commit and publish)."""
        async with db.write() as store:
            rows = await store.live_outbox.stale(self.clock() - timedelta(seconds=stale_s))
            for _row_id, events in rows:
                await self._emit(events)
            await store.live_outbox.delete([row_id for row_id, _ in rows])
        if rows:
            log.info("live outbox: republished", extra={"rows": len(rows)})
        return len(rows)

    async def flush(self, db: Database) -> None:
        """Forget the rows published since the last call (one DELETE)."""
        if self._done:
            ids, self._done = self._done, []
            async with db.write() as store:
                await store.live_outbox.delete(ids)

    async def run(self, db: Database, *, stale_s: float, interval_s: float = 0.2) -> None:
        """Supervised loop of every process: delete published rows, sweep stale ones. The
        first sweep waits ``stale_s``: after a restart the clients reconnect meanwhile."""
        next_sweep = time.monotonic() + stale_s
        while True:
            try:
                await self.flush(db)
                if time.monotonic() >= next_sweep:
                    await self.sweep(db, stale_s)
                    next_sweep = time.monotonic() + stale_s / 2
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("live outbox loop failed; retrying")
            try:
                await asyncio.sleep(interval_s)
            except asyncio.CancelledError:
                # Shutting down: forget what was published, but never turn the cancellation
                # into an error (the supervisor would restart the loop and shutdown would wait).
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(self.flush(db), 2)
                raise
