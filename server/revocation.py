"""Ending sessions on open sockets, in every process; and the bus's one message per event.

A socket is authenticated once, in ``connect``; a logout or a deactivated account must still
end it. Each process keeps a :class:`SessionGuard`: which of its sockets belong to which
session. Every socket event is checked against it (an expiry and a revoked flag in memory; the
database again after ``session_recheck_s``), a sweep re-reads all sessions of open sockets on
the same interval (so a change made straight in the database also lands), and a revocation is
published on the Socket.IO bus — in-process, or the Redis channel every ``nara serve`` shares —
so each process disconnects that session's sockets at once.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import socketio

from chat.errors import ErrorCode, NaraError
from chat.events import Emission, Part
from chat.models import utcnow
from server.auth import LiveSession, Revocation, SessionManager

log = logging.getLogger("nara.sessions")
REVOKE_METHOD = "nara_revoke_sessions"
PARTS_METHOD = "nara_emit_parts"
RevocationHandler = Callable[[Revocation], Awaitable[None]]


def _encode(revocation: Revocation) -> dict[str, Any]:
    return {
        "token_hashes": list(revocation.token_hashes),
        "user_ids": [str(u) for u in revocation.user_ids],
    }


def _decode(message: dict[str, Any]) -> Revocation:
    return Revocation(
        token_hashes=tuple(str(t) for t in message.get("token_hashes") or ()),
        user_ids=tuple(uuid.UUID(str(u)) for u in message.get("user_ids") or ()),
    )


class _Revocations:
    """What both managers add to python-socketio's: ``publish_revocation`` and
    ``emit_parts``."""

    revocation_handler: RevocationHandler | None = None

    async def _handle_revocation(self, revocation: Revocation) -> None:
        if self.revocation_handler is None:
            return
        try:
            await self.revocation_handler(revocation)
        except Exception:
            log.exception("ending revoked sessions failed")

    async def _emit_here(
        self,
        event: str,
        parts: Sequence[Part] | list[Any],
        namespace: str,
        skip: str | None = None,
    ) -> None:
        """Each part to this process's connections in its rooms (not to the socket ``skip``)."""
        for payload, rooms in parts:
            await socketio.AsyncManager.emit(
                self, event, payload, namespace=namespace, room=list(rooms), skip_sid=skip
            )


class LocalManager(_Revocations, socketio.AsyncManager):
    """The in-process bus: one process, so a revocation is handled right here."""

    async def publish_revocation(self, revocation: Revocation) -> None:
        await self._handle_revocation(revocation)

    async def emit_events(self, events: Sequence[Emission], namespace: str) -> None:
        """A transaction's events in order, each to its rooms except its socket left out."""
        for event, parts, skip in events:
            await self._emit_here(event, parts, namespace, skip)

    async def emit_parts(self, event: str, parts: Sequence[Part], namespace: str) -> None:
        """One event in several shapes, each to its rooms (chat/events.py)."""
        await self._emit_here(event, parts, namespace)


class RedisManager(_Revocations, socketio.AsyncRedisManager):
    """python-socketio's Redis manager, also carrying revocations on the same channel."""

    async def publish_revocation(self, revocation: Revocation) -> None:
        await self._handle_revocation(revocation)
        await self._publish(
            {"method": REVOKE_METHOD, "host_id": self.host_id, **_encode(revocation)}
        )

    _own: bytes | None = None

    def _own_prefix(self) -> bytes:
        """How this process's emit_parts messages begin (``json.dumps`` keeps the keys' order),
        so the listener drops its own without decoding them."""
        if self._own is None:
            head = self.json.dumps({"method": PARTS_METHOD, "host_id": self.host_id})
            self._own = head[:-1].encode() + b","
        return self._own

    async def emit_parts(self, event: str, parts: Sequence[Part], namespace: str) -> None:
        """One event in several shapes (the staff payload, the patient side's with its own
        seq), each to its rooms: delivered here, and one message on the channel for the other
        processes, which fan it out to their connections (instead of one message per shape).
        Its echo from Redis is dropped here undecoded (:meth:`_own_prefix`)."""
        await self._emit_here(event, parts, namespace)
        message = {
            "method": PARTS_METHOD,
            "host_id": self.host_id,
            "event": event,
            "namespace": namespace,
            "parts": [[payload, list(rooms)] for payload, rooms in parts],
        }
        await self._publish(message)

    async def emit_events(self, events: Sequence[Emission], namespace: str) -> None:
        """A transaction's events (a message and its ``thread_updated``, say): delivered here
        in order, each except to its socket left out, and one message on the channel for
        all of them — the first event as :meth:`emit_parts` sends it, the others under
        ``more`` (``[[event, parts], …]``), so one publish and one decode per process carry
        the transaction."""
        if not events:
            return
        for event, parts, skip in events:
            await self._emit_here(event, parts, namespace, skip)
        (event, parts, _), rest = events[0], events[1:]
        message: dict[str, Any] = {
            "method": PARTS_METHOD,
            "host_id": self.host_id,
            "event": event,
            "namespace": namespace,
            "parts": [[payload, list(rooms)] for payload, rooms in parts],
        }
        if rest:
            message["more"] = [
                [e, [[payload, list(rooms)] for payload, rooms in p]] for e, p, _ in rest
            ]
        await self._publish(message)

    async def _listen(self) -> Any:
        # Messages are decoded once here; python-socketio's listener accepts decoded dicts.
        own = self._own_prefix()
        async for message in super()._listen():
            data = message
            if isinstance(message, bytes) and message.startswith(own):
                continue  # our own event, already delivered here
            if not isinstance(message, dict):
                try:
                    data = self.json.loads(message)
                except ValueError:
                    yield message
                    continue
            if isinstance(data, dict) and data.get("method") == REVOKE_METHOD:
                if data.get("host_id") != self.host_id:
                    try:
                        revocation = _decode(data)
                    except (TypeError, ValueError):
                        log.warning("malformed revocation on the bus")
                        continue
                    await self._handle_revocation(revocation)
                continue
            if isinstance(data, dict) and data.get("method") == PARTS_METHOD:
                if data.get("host_id") != self.host_id:
                    try:
                        await self._emit_here(data["event"], data["parts"], data["namespace"])
                        for event, parts in data.get("more") or ():
                            await self._emit_here(event, parts, data["namespace"])
                    except Exception:
                        log.exception("delivering an event from the bus failed")
                continue
            yield data


def socket_manager(redis_url: str, channel: str) -> LocalManager | RedisManager:
    if redis_url:
        return RedisManager(redis_url, channel=channel)
    return LocalManager()


@dataclass
class TrackedSocket:
    namespace: str
    sid: str
    session: LiveSession
    checked_at: float  # monotonic time of the last database check
    ended: bool = False


class SessionGuard:
    """The sessions of this process's open sockets; ends a socket as soon as its session ends."""

    def __init__(
        self, sio: socketio.AsyncServer, sessions: SessionManager, recheck_s: float
    ) -> None:
        self.sio = sio
        self.sessions = sessions
        self.recheck_s = recheck_s
        self._sockets: dict[tuple[str, str], TrackedSocket] = {}
        # Revocations of the last moments, for a socket whose connect is still on its way.
        self._recent: dict[str | uuid.UUID, float] = {}

    # -- sockets -----------------------------------------------------------------------------

    def track(self, namespace: str, sid: str, session: LiveSession) -> bool:
        """Remember an authenticated socket; False if its session was revoked meanwhile."""
        self._prune_recent()
        if session.token_hash in self._recent or session.user_id in self._recent:
            return False
        self._sockets[(namespace, sid)] = TrackedSocket(
            namespace, sid, session, time.monotonic()
        )
        return True

    def forget(self, namespace: str, sid: str) -> None:
        self._sockets.pop((namespace, sid), None)

    def tracked(self) -> list[TrackedSocket]:
        return list(self._sockets.values())

    async def check(self, namespace: str, sid: str) -> None:
        """Before every event: raise (and disconnect) if the socket's session has ended."""
        tracked = self._sockets.get((namespace, sid))
        if tracked is None:
            return  # a guest on /video: no session to end
        ended = tracked.ended or utcnow() >= tracked.session.expires_at
        if not ended and time.monotonic() - tracked.checked_at >= self.recheck_s:
            ended = not await self.sessions.still_live([tracked.session.token_hash])
            tracked.checked_at = time.monotonic()
        if ended:
            await self._end(tracked)
            raise NaraError(ErrorCode.UNAUTHENTICATED, "the session has ended; log in again")

    # -- revocations and the sweep -----------------------------------------------------------

    async def revoked(self, revocation: Revocation) -> None:
        """From the bus: disconnect this process's sockets of these sessions or users."""
        self._prune_recent()
        now = time.monotonic()
        hashes, users = set(revocation.token_hashes), set(revocation.user_ids)
        for token in hashes:
            self._recent[token] = now
        for user in users:
            self._recent[user] = now
        for tracked in self.tracked():
            if tracked.session.token_hash in hashes or tracked.session.user_id in users:
                await self._end(tracked)

    async def sweep(self) -> int:
        """Re-read the sessions of all open sockets at once; end those that are over."""
        sockets = [t for t in self.tracked() if not t.ended]
        alive = await self.sessions.still_live([t.session.token_hash for t in sockets])
        now, ended = time.monotonic(), 0
        for tracked in sockets:
            tracked.checked_at = now
            if tracked.session.token_hash not in alive:
                await self._end(tracked)
                ended += 1
        # A socket flagged while its connect was still on its way is closed now.
        for tracked in self.tracked():
            if tracked.ended:
                await self._end(tracked)
        return ended

    async def sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(self.recheck_s)
            try:
                await self.sweep()
            except Exception:
                log.exception("session sweep failed")

    async def _end(self, tracked: TrackedSocket) -> None:
        tracked.ended = True
        if self.sio.manager.is_connected(tracked.sid, tracked.namespace):
            await self.sio.disconnect(tracked.sid, namespace=tracked.namespace, ignore_queue=True)
        elif self.sio.manager.eio_sid_from_sid(tracked.sid, tracked.namespace) is None:
            self.forget(tracked.namespace, tracked.sid)  # gone already

    def _prune_recent(self) -> None:
        horizon = time.monotonic() - max(60.0, 2 * self.recheck_s)
        for key in [k for k, at in self._recent.items() if at < horizon]:
            del self._recent[key]

