"""Clean Janus after failures: rooms and sessions of ours that no live meeting owns.

A process killed mid-meeting leaves its Janus sessions (until Janus times them out) and its
rooms (for as long as Janus runs). Janus lists private rooms to nobody and destroys one only
with its secret, so every room is recorded (``video_rooms``, with its secret) while it
exists; sessions are ours when their handles carry the pool's tag as ``opaque_id``. What a
live meeting of any process owns is kept; the rest is destroyed.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from signaling.janus import JanusError, VideoRoom
from signaling.janus_admin import JanusAdmin
from signaling.janus_pool import JanusPool

log = logging.getLogger("nara.signaling.janus_sweep")
Owned = Callable[[], Awaitable[tuple[set[int], set[int]]]]
Rooms = Callable[[], Awaitable[list[tuple[str, int, str]]]]
Forget = Callable[[str, int], Awaitable[None]]
Alive = Callable[[], Awaitable[set[str]]]


@dataclass
class SweepResult:
    rooms: int = 0
    sessions: int = 0


class JanusSweep:
    """``owned``: the Janus sessions and rooms live meetings (of every process) own;
    ``rooms``: every room recorded as created (server, id, secret), ``forget`` removes one.
    ``require_twice``: with other processes about, something seen unowned is destroyed only
    when it is still unowned at the next sweep (a room created this moment is not saved in
    its meeting yet)."""

    def __init__(
        self, pool: JanusPool, owned: Owned, rooms: Rooms, forget: Forget, alive: Alive, *,
        require_twice: bool,
    ) -> None:
        self.pool = pool
        self.owned = owned
        self.rooms = rooms
        self.forget = forget
        self.alive = alive
        self.require_twice = require_twice
        self._suspects: set[tuple[str, str, int]] = set()

    async def run(self) -> SweepResult:
        result = SweepResult()
        owned_sessions, owned_rooms = await self.owned()
        owned_sessions |= self.pool.control_sessions()
        suspects: set[tuple[str, str, int]] = set()
        for server, room_id, secret in await self.rooms():
            if room_id in owned_rooms or self.pool.server(server) is None:
                continue
            if not self._confirmed(suspects, server, "r", room_id):
                continue
            try:
                await self.pool.destroy_room(server, VideoRoom(room_id, "", secret, 0))
            except JanusError as exc:
                log.warning("janus room not swept", extra={"janus": server, "error": exc.reason})
                continue
            await self.forget(server, room_id)
            result.rooms += 1
        for config in self.pool.servers():
            admin = self.pool.admin_for(config)
            if admin is None:
                continue
            try:
                for sid in await self._our_sessions(admin, await self.alive()):
                    if sid in owned_sessions:
                        continue
                    if self._confirmed(suspects, config.name, "s", sid):
                        await admin.destroy_session(sid)
                        result.sessions += 1
            except JanusError as exc:
                log.warning("janus sweep failed", extra={"janus": config.name,
                                                         "error": exc.reason})
        self._suspects = suspects
        log.info("janus swept", extra={"rooms": result.rooms, "sessions": result.sessions})
        return result

    def _confirmed(
        self, suspects: set[tuple[str, str, int]], server: str, kind: str, ident: int
    ) -> bool:
        key = (server, kind, ident)
        if not self.require_twice or key in self._suspects:
            return True
        suspects.add(key)
        return False

    async def _our_sessions(self, admin: JanusAdmin, alive: set[str]) -> list[int]:
        """Sessions whose handles are all tagged ours, but live processes' control sessions."""
        ours = []
        prefix = f"{self.pool.tag}:"
        controls = {f"{self.pool.tag}:control:{node}" for node in alive}
        for sid, handles in (await admin.all_handles()).items():
            tags = []
            for hid in handles:
                try:
                    tags.append(str((await admin.handle_info(sid, hid)).get("opaque_id", "")))
                except JanusError:
                    continue
            if tags and all(t.startswith(prefix) for t in tags) and not controls & set(tags):
                ours.append(sid)
        return ours
