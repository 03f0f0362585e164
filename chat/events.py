"""Live events: queued inside the transaction, published after it commits; the server
delivers them (Socket.IO rooms).

Audiences are room names: ``patient:<id>`` (the patient and their guardians), ``team:<id>``
(staff of the owning team) and ``user:<id>`` (one user, e.g. an added municipal nurse).

Durable events (messages, thread changes, alerts) are also written to ``live_outbox`` in the
same transaction, as one row per unit of work (one per send, also when a group commit puts
several sends in one transaction). After the commit the transaction's events are published at
once (one bus message, :class:`BatchLiveEvents`), then its rows are deleted (in batches, by
:meth:`Publisher.run`). A process that dies between commit and publish leaves its rows behind;
the sweep of any process publishes rows older than a few seconds, so every committed message
reaches the clients connected at that time (at least once: clients keep messages by id and
seq).

A send writes its row in the send's own statement (MessageRepository.post), before the events
exist: the row holds a *reference* to the message (:func:`message_reference`), and a sweep
rebuilds the message event and the thread's ``thread_updated`` from the database
(:attr:`Publisher.rebuild`, set by ChatService). Other durable events of that transaction (an
automatic reply, an alert) are added to the row before the commit.

The row also names the send's message: a resend that finds the message stored (the sending
process may have died before publishing) claims the row if it is still there
(:meth:`Publisher.claim`) and publishes its events after its own commit, to everyone, seconds
before a sweep would. Claiming takes the row in the resend's transaction (a row lock on
PostgreSQL) and leaves it naming no message and written anew, so neither another resend nor a
sweep publishes it too; like a send's own row it is deleted after the publish, and swept
should the resending process die first. A row the sending process published and has not yet
deleted (until its next :meth:`Publisher.flush`, 0.2 s) is left to it by its own resends; a
resend on another process in that moment publishes it again: at least once, as everywhere.

An event the patient side sees with its own sequence is one event in two shapes (the staff
payload and the patient side's, :func:`split_patient_side`): it is stored and published as one
entry ``{"event", "parts": [[payload, rooms], ...]}`` (one bus message; each process fans it
out to its rooms).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol, runtime_checkable

from chat.access import ThreadScope, hidden_participants
from chat.models import utcnow
from chat.storage import Database, Store

log = logging.getLogger("nara.events")


Part = tuple[dict[str, Any], Sequence[str]]  # a payload and the rooms that get it


class LiveEvents(Protocol):
    async def publish(self, event: str, payload: dict[str, Any], audiences: Sequence[str]) -> None:
        """Deliver to every connection in the audiences, each connection once."""

    async def publish_parts(self, event: str, parts: Sequence[Part]) -> None:
        """One event in several shapes, each to its rooms (the rooms are disjoint): as
        :meth:`publish` of each part, sent over the bus as one message."""


# One event of a transaction as it goes out: its name, its parts, and one connection that does
# not get it (None: none).
Emission = tuple[str, Sequence[Part], str | None]


@runtime_checkable
class BatchLiveEvents(LiveEvents, Protocol):
    """Live events that take a transaction's events at once (one bus message for all of them)
    and can leave out one connection per event (:meth:`Publisher.publish`'s ``skip``: the
    connection a send came on, whose ack already carries the message and the thread)."""

    async def publish_events(self, events: Sequence[Emission]) -> None:
        """Each event as :meth:`publish_parts`, in order, except to its connection left out;
        sent over the bus as one message."""


class NoLiveEvents:
    async def publish(self, event: str, payload: dict[str, Any], audiences: Sequence[str]) -> None:
        return None

    async def publish_parts(self, event: str, parts: Sequence[Part]) -> None:
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


def shaped(event: str, payload: dict[str, Any], audiences: Sequence[str]) -> dict[str, Any]:
    """The stored and published form of one event: its parts (:func:`split_patient_side`)."""
    parts = split_patient_side(event, payload, audiences)
    return {"event": event, "parts": [[p, list(rooms)] for p, rooms in parts]}


def message_reference(message_id: uuid.UUID, thread_id: uuid.UUID) -> dict[str, Any]:
    """What a send's statement writes to ``live_outbox`` for its events (chat/events.py doc):
    the message's event and the thread's ``thread_updated``, to be rebuilt by a sweep."""
    return {"rebuild": "message", "message_id": str(message_id), "thread_id": str(thread_id)}


# Rebuilds the events a reference stands for, inside the sweep's transaction.
Rebuild = Callable[[Store, dict[str, Any]], Awaitable[list[dict[str, Any]]]]


@dataclass
class _Batch:
    events: list[dict[str, Any]] = field(default_factory=list)
    # The connection an event of ``events`` leaves out (BatchLiveEvents), by its index.
    skips: dict[int, str] = field(default_factory=dict)
    durable: list[dict[str, Any]] = field(default_factory=list)  # to write to the outbox
    row_id: int | None = None
    # The row the send's statement wrote (a reference): its events, kept when others are added.
    written: list[dict[str, Any]] | None = None


def _parts(entry: dict[str, Any]) -> list[Any]:
    """An event's parts; rows written before events had parts hold one shape each."""
    return entry["parts"] if "parts" in entry else [[entry["payload"], entry["rooms"]]]


class Publisher:
    """The one way chat/ publishes: ``publish(store, …)`` inside a transaction."""

    def __init__(self, live: LiveEvents, clock: Callable[[], datetime] = utcnow) -> None:
        self.live = live
        self._batching = live if isinstance(live, BatchLiveEvents) else None
        self.clock = clock
        self._done: list[int] = []  # outbox rows published, not yet deleted
        # Outbox rows this process is publishing or has published, until their DELETE has
        # committed: a resend here must not publish them again (:meth:`claim`).
        self._ours: set[int] = set()
        # Fault injection for the crash tests: called after commit, before publishing, with
        # each shape of each event as {"event", "payload", "rooms"}.
        self.before_publish: Callable[[list[dict[str, Any]]], None] | None = None
        # Rebuilds referenced events (message_reference) in a sweep; set by ChatService.
        self.rebuild: Rebuild | None = None

    def _batch(self, store: Store) -> _Batch:
        """The unit of work's batch (its own outbox row, its own skips). The batches of one
        transaction (the sends of a group commit, :meth:`Database.write_each`, share
        ``Store.shared``) are published together after its commit, in their order: one
        ``on_commit``, on the first store that publishes (so the later stores' own
        ``on_commit`` callbacks run after it)."""
        batch = store.scratch.get(self)
        if batch is None:
            batch = store.scratch[self] = _Batch()
            store.before_commit(lambda: self._write(store, batch))
            batches: list[_Batch] | None = store.shared.get(self)
            if batches is None:
                batches = store.shared[self] = []
                store.on_commit(lambda: self._send(batches))
            batches.append(batch)
        return batch

    def publish(
        self,
        store: Store,
        event: str,
        payload: dict[str, Any],
        audiences: Sequence[str],
        *,
        durable: bool = True,
        referenced: bool = False,
        skip: str | None = None,
    ) -> None:
        """Queue an event; it is sent once the transaction commits, never after a rollback.
        ``durable=False`` (read marks, typing, a resend's echo) skips the outbox;
        ``referenced=True``: the outbox row the send's statement wrote stands for it
        (:meth:`written`), so it is not written again. ``skip``: one connection that does not
        get it live (the sending connection, whose answer carries it; only where the live
        events can leave one out, :class:`BatchLiveEvents`). A sweep of the outbox delivers
        to every connection."""
        if not audiences:
            return
        batch = self._batch(store)
        entry = shaped(event, payload, audiences)
        if skip is not None and self._batching is not None:
            batch.skips[len(batch.events)] = skip
        batch.events.append(entry)
        if durable and not referenced:
            batch.durable.append(entry)

    def written(self, store: Store, row_id: int, events: list[dict[str, Any]]) -> None:
        """The transaction's outbox row was written by the caller's statement, with these
        ``events`` (MessageRepository.post): deleted after publishing, like any other."""
        batch = self._batch(store)
        batch.row_id, batch.written = row_id, events

    async def _write(self, store: Store, batch: _Batch) -> None:
        if not batch.durable:
            return
        if batch.written is None:
            batch.row_id = await store.live_outbox.add(batch.durable, self.clock())
        else:
            assert batch.row_id is not None
            await store.live_outbox.replace(batch.row_id, [*batch.written, *batch.durable])

    async def _send(self, batches: list[_Batch]) -> None:
        """A committed transaction's events, its units of work's in their order: one
        :meth:`_emit` (one bus message); then their outbox rows are done."""
        events: list[dict[str, Any]] = []
        skips: dict[int, str] = {}
        for batch in batches:
            skips.update({len(events) + i: sid for i, sid in batch.skips.items()})
            events += batch.events
        rows = [b.row_id for b in batches if b.row_id is not None]
        self._ours.update(rows)
        try:
            if self.before_publish is not None:
                # One entry per shape, as events were queued: {"event", "payload", "rooms"}.
                self.before_publish(
                    [
                        {"event": e["event"], "payload": payload, "rooms": rooms}
                        for e in events
                        for payload, rooms in e["parts"]
                    ]
                )
            await self._emit(events, skips)
        except BaseException:
            self._ours.difference_update(rows)  # not published: a resend may claim them
            raise
        self._done += rows

    async def _emit(
        self, events: list[dict[str, Any]], skips: dict[int, str] | None = None
    ) -> None:
        """A transaction's (or a swept row's) events: at once where the live events take a
        batch (one bus message), else one by one."""
        if not events:
            return
        if self._batching is not None:
            await self._batching.publish_events(
                [
                    (e["event"], [(p, r) for p, r in _parts(e)], skips.get(i) if skips else None)
                    for i, e in enumerate(events)
                ]
            )
            return
        for e in events:
            parts = _parts(e)
            if len(parts) == 1:
                await self.live.publish(e["event"], parts[0][0], parts[0][1])
            else:
                await self.live.publish_parts(e["event"], [(p, r) for p, r in parts])

    async def _stored(self, store: Store, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """A row's events, references rebuilt from the database."""
        out: list[dict[str, Any]] = []
        for e in events:
            if "rebuild" not in e:
                out.append(e)
            elif self.rebuild is not None:
                out += await self.rebuild(store, e)
            else:
                log.warning("live outbox: a reference and nothing to rebuild it")
        return out

    async def claim(self, store: Store, message_id: uuid.UUID) -> bool:
        """A resend found its message stored: the send's outbox row, if still unpublished,
        becomes this transaction's row (LiveOutboxRepository.claim), and its events go out
        after the commit to everyone they were meant for, references rebuilt as a sweep does.
        False: nothing to publish (the row is gone or a sweep holds it, or this process has
        published it and not yet deleted it: the flush does)."""
        claimed = await store.live_outbox.claim(message_id, self.clock())
        if claimed is None:
            return False
        row_id, events = claimed
        if row_id in self._ours:
            return False
        self.written(store, row_id, events)
        self._batch(store).events.extend(await self._stored(store, events))
        return True

    async def sweep(self, db: Database, stale_s: float) -> int:
        """Publish what a process left behind (it died between commit and publish)."""
        async with db.write() as store:
            rows = await store.live_outbox.stale(self.clock() - timedelta(seconds=stale_s))
            for _row_id, events in rows:
                await self._emit(await self._stored(store, events))
            await store.live_outbox.delete([row_id for row_id, _ in rows])
        if rows:
            log.info("live outbox: republished", extra={"rows": len(rows)})
        return len(rows)

    async def flush(self, db: Database) -> None:
        """Forget the rows published since the last call (one DELETE); until it has
        committed they are still this process's (a resend here could find them)."""
        if self._done:
            ids, self._done = self._done, []
            try:
                async with db.write() as store:
                    await store.live_outbox.delete(ids)
            finally:
                self._ours.difference_update(ids)

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
