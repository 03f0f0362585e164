"""Meetings across processes: one owner process per meeting, chosen by a lease.

Every ``/video`` event is routed to the process that owns its meeting; only the owner runs
the meeting's state machine (:class:`~signaling.live.LiveMeetings`) and drives its Janus
sessions. With Redis the owner is whoever holds ``<channel>:video:owner:<meeting>`` (``SET NX
PX``, renewed every third of the lease), events from other processes reach it over Redis
pub/sub, and after every change it saves the meeting (``live_state``) so that when it dies
another process takes the meeting over within the lease. Without Redis this process owns
every meeting (the embedded default: one process). Design notes: signaling/README.md.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from chat.errors import ErrorCode, NaraError
from signaling import live_state
from signaling.janus_pool import JanusPool
from signaling.live import LiveMeetings

log = logging.getLogger("nara.signaling.cluster")

# What another process may ask the owner to run (names of LiveMeetings methods).
OPS = frozenset(
    {
        "join",
        "leave",
        "disconnected",
        "admit",
        "remove",
        "request_mute",
        "end",
        "relay_signal",
        "media_state",
        "chat",
        "sfu_publish",
        "sfu_subscribe",
        "sfu_answer",
        "sfu_trickle",
    }
)


OnMessage = Callable[[dict[str, Any]], Awaitable[None]]


class Coordination(Protocol):
    """Leases, saved meetings and messages between processes."""

    node: str

    async def start(self, on_message: OnMessage) -> None: ...
    async def close(self) -> None: ...
    async def owner(self, meeting: str) -> str | None: ...
    async def acquire(self, meeting: str) -> bool: ...
    async def renew(self, meetings: list[str]) -> list[str]: ...
    async def release(self, meeting: str) -> None: ...
    async def heartbeat(self) -> None: ...
    async def alive_nodes(self) -> set[str]: ...
    async def save(self, meeting: str, state: dict[str, Any]) -> None: ...
    async def load(self, meeting: str) -> dict[str, Any] | None: ...
    async def delete(self, meeting: str) -> None: ...
    async def saved(self) -> list[str]: ...
    async def send(self, node: str, message: dict[str, Any]) -> None: ...


class SingleProcess:
    """The embedded default: this process owns every meeting; nothing to share."""

    def __init__(self) -> None:
        self.node = secrets.token_hex(6)

    async def start(self, on_message: OnMessage) -> None:
        return None

    async def close(self) -> None:
        return None

    async def owner(self, meeting: str) -> str | None:
        return self.node

    async def acquire(self, meeting: str) -> bool:
        return True

    async def renew(self, meetings: list[str]) -> list[str]:
        return meetings

    async def release(self, meeting: str) -> None:
        return None

    async def heartbeat(self) -> None:
        return None

    async def alive_nodes(self) -> set[str]:
        return {self.node}

    async def save(self, meeting: str, state: dict[str, Any]) -> None:
        return None

    async def load(self, meeting: str) -> dict[str, Any] | None:
        return None

    async def delete(self, meeting: str) -> None:
        return None

    async def saved(self) -> list[str]:
        return []

    async def send(self, node: str, message: dict[str, Any]) -> None:
        raise NaraError(ErrorCode.INTERNAL, "no other process")


class MeetingRouter:
    """Runs each event where its meeting lives; takes meetings over from dead processes."""

    def __init__(
        self,
        live: LiveMeetings,
        coordination: Coordination,
        pool: JanusPool | None = None,
        *,
        lease_s: float = 3.0,
    ) -> None:
        self.live = live
        self.c = coordination
        self.pool = pool
        self.lease_s = lease_s
        self.node = coordination.node
        self.owned: set[uuid.UUID] = set()
        self.local: dict[str, uuid.UUID] = {}  # this process's sockets → their meeting
        self._replies: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._ticker: asyncio.Task[None] | None = None
        self._closing = False
        self._adopting: dict[uuid.UUID, asyncio.Lock] = {}
        live.changed = self._save

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        await self.c.start(self._on_message)
        await self.c.heartbeat()
        await self._take_orphans()
        self._ticker = asyncio.create_task(self._tick_loop(), name="video-cluster-tick")

    async def close(self) -> None:
        """Hand the meetings to the other processes if there are any, else end their live
        state (Janus freed) as a single process does."""
        self._closing = True
        if self._ticker is not None:
            self._ticker.cancel()
            # Bounded: a client library may turn the cancellation into its own error.
            await asyncio.wait({self._ticker}, timeout=2)
        others = await self.c.alive_nodes() - {self.node}
        if others:
            for mid in list(self.owned):
                await self._save(mid)
                await self.live.forget(mid)
                await self.c.release(str(mid))
            log.info("meetings handed over", extra={"count": len(self.owned)})
        else:
            await self.live.close()
            for mid in list(self.owned):
                await self.c.delete(str(mid))
                await self.c.release(str(mid))
        self.owned.clear()
        for task in list(self._tasks):
            task.cancel()
        await self.c.close()

    # -- routing ---------------------------------------------------------------------------

    async def call(self, meeting_id: uuid.UUID | None, sid: str, op: str, **args: Any) -> Any:
        """Run ``op`` for the socket ``sid`` (of this process) on the meeting's owner."""
        mid = meeting_id or self.local.get(sid)
        if mid is None:
            raise NaraError(ErrorCode.NOT_FOUND, "join a meeting first")
        if op == "join":
            args = {**args, "node": self.node}
        result = await self._route(mid, sid, op, args)
        if op == "join":
            self.local[sid] = mid
        elif op == "leave":
            self.local.pop(sid, None)
        return result

    async def disconnected(self, sid: str) -> None:
        mid = self.local.pop(sid, None)
        if mid is None:
            return
        try:
            await self._route(mid, sid, "disconnected", {})
        except NaraError as err:
            log.warning("disconnect not delivered", extra={"code": str(err.code)})

    async def _route(self, mid: uuid.UUID, sid: str, op: str, args: dict[str, Any]) -> Any:
        deadline = time.monotonic() + 3 * self.lease_s + 5
        while True:
            owner = await self._owner(mid)
            if owner == self.node:
                return await self._run(mid, sid, op, args)
            try:
                return await self._remote(owner, mid, sid, op, args)
            except _NotThere:
                if time.monotonic() > deadline:
                    raise NaraError(
                        ErrorCode.SFU_UNAVAILABLE, "the meeting is moving; try again"
                    ) from None
                await asyncio.sleep(min(0.2, self.lease_s / 5))

    async def _owner(self, mid: uuid.UUID) -> str:
        key = str(mid)
        owner = await self.c.owner(key)
        if owner == self.node and mid not in self.owned:
            owner = None  # our lease from before this process knew it: take it properly
        if owner is None:
            if await self.c.acquire(key) or await self.c.owner(key) == self.node:
                await self._adopt(mid)
                return self.node
            owner = await self.c.owner(key)
        return owner or ""

    async def _run(self, mid: uuid.UUID, sid: str, op: str, args: dict[str, Any]) -> Any:
        if op == "join":
            args = {**args, "entry": live_state.entry_from_dict(args["entry"])}
        try:
            return await getattr(self.live, op)(sid, **args)
        finally:
            await self._save(mid)

    async def _remote(
        self, owner: str, mid: uuid.UUID, sid: str, op: str, args: dict[str, Any]
    ) -> Any:
        if not owner:
            raise _NotThere
        rid = secrets.token_hex(8)
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._replies[rid] = fut
        message = {"kind": "call", "id": rid, "from": self.node, "meeting": str(mid),
                   "sid": sid, "op": op, "args": args}
        try:
            await self.c.send(owner, message)
            reply = await asyncio.wait_for(fut, self.lease_s + 2)
        except TimeoutError:
            raise _NotThere from None
        finally:
            self._replies.pop(rid, None)
        if reply.get("not_owner"):
            raise _NotThere
        if "error" in reply:
            err = reply["error"]
            raise NaraError(ErrorCode(err["code"]), err["message"], reason=err.get("reason"))
        return reply.get("result")

    async def _on_message(self, message: dict[str, Any]) -> None:
        if message.get("kind") == "reply":
            fut = self._replies.get(str(message.get("id")))
            if fut is not None and not fut.done():
                fut.set_result(message)
            return
        if message.get("kind") == "call" and message.get("op") in OPS:
            task = asyncio.create_task(self._serve(message), name="video-cluster-call")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _serve(self, message: dict[str, Any]) -> None:
        """An event from another process's socket, for a meeting this one owns."""
        mid = uuid.UUID(message["meeting"])
        reply: dict[str, Any] = {"kind": "reply", "id": message["id"]}
        if mid not in self.owned or await self.c.owner(str(mid)) != self.node:
            reply["not_owner"] = True
        else:
            try:
                reply["result"] = await self._run(
                    mid, message["sid"], message["op"], message["args"]
                )
            except NaraError as err:
                reply["error"] = err.to_dict()
            except Exception:
                log.exception("relayed video event failed", extra={"op": message["op"]})
                reply["error"] = NaraError(ErrorCode.INTERNAL, "internal error").to_dict()
        await self.c.send(message["from"], reply)

    # -- ownership -------------------------------------------------------------------------

    async def _adopt(self, mid: uuid.UUID) -> None:
        """Now ours: restore the saved meeting (if another process left one)."""
        async with self._adopting.setdefault(mid, asyncio.Lock()):
            if mid in self.owned:
                return
            self.owned.add(mid)
            saved = await self.c.load(str(mid))
            if saved is None or mid in self.live.meetings:
                return
            m = await live_state.load(saved, self.pool, await self.c.alive_nodes())
            self.live.adopt(m)
            log.info("meeting taken over", extra={"meeting": str(mid),
                                                  "participants": len(m.participants)})
            await self.live.announce(mid)
            await self._save(mid)

    async def _save(self, mid: uuid.UUID) -> None:
        m = self.live.meetings.get(mid)
        if m is not None:
            await self.c.save(str(mid), live_state.dump(m, self.pool))
            return
        if mid in self.owned:
            self.owned.discard(mid)
            await self.c.delete(str(mid))
            await self.c.release(str(mid))

    async def _tick_loop(self) -> None:
        tick = 0
        while not self._closing:
            await asyncio.sleep(self.lease_s / 3)
            tick += 1
            try:
                await self._tick(orphans=tick % 3 == 0)
            except Exception:
                log.exception("video cluster tick failed")

    async def _tick(self, orphans: bool) -> None:
        await self.c.heartbeat()
        mine = [str(m) for m in self.owned]
        kept = set(await self.c.renew(mine))
        for key in mine:
            if key not in kept:
                log.warning("meeting lease lost", extra={"meeting": key})
                self.owned.discard(uuid.UUID(key))
                await self.live.forget(uuid.UUID(key))
        # Meetings of our sockets whose owner died: take them over now.
        for mid in set(self.local.values()) - self.owned:
            if await self.c.owner(str(mid)) is None and await self.c.acquire(str(mid)):
                await self._adopt(mid)
        if orphans:
            await self._take_orphans()

    async def _take_orphans(self) -> None:
        """Saved meetings nobody owns (their process died with everyone's sockets): taken
        over so that the grace runs out and their Janus rooms and sessions are freed."""
        for key in await self.c.saved():
            if await self.c.owner(key) is None and await self.c.acquire(key):
                await self._adopt(uuid.UUID(key))

    def owned_janus(self) -> tuple[set[int], set[int]]:
        """Janus sessions and rooms of the meetings this process owns (for the sweep)."""
        sessions: set[int] = set()
        rooms: set[int] = set()
        for m in self.live.meetings.values():
            sessions.update(p.sfu.session.id for p in m.participants.values() if p.sfu)
            placed = self.pool.placement(str(m.id)) if self.pool else None
            if placed is not None:
                rooms.add(placed.room.room_id)
        return sessions, rooms

    async def all_owned_janus(self) -> tuple[set[int], set[int]]:
        """Every process's: ours from memory, the others' from their saved meetings."""
        sessions, rooms = self.owned_janus()
        for key in await self.c.saved():
            saved = await self.c.load(key)
            if saved is None:
                continue
            if saved.get("room"):
                rooms.add(int(saved["room"]["room_id"]))
            sessions.update(int(p["sfu"]["session"]) for p in saved["participants"] if p["sfu"])
        return sessions, rooms


class _NotThere(Exception):
    """The owner did not answer or no longer owns the meeting: look again."""
