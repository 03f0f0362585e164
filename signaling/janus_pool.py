"""Several Janus instances: each meeting is placed on one (the one with the fewest rooms
placed by us) and stays there until released."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import aiohttp

from signaling.janus import JanusClient, JanusError, JanusSession, VideoRoom, VideoRoomHandle
from signaling.janus_admin import JanusAdmin

log = logging.getLogger("nara.signaling.janus_pool")


@dataclass(frozen=True, slots=True)
class JanusServerConfig:
    name: str
    url: str  # e.g. http://10.0.0.5:8088/janus
    api_secret: str | None = field(default=None, repr=False)
    admin_url: str | None = None  # e.g. http://10.0.0.5:7088/admin
    admin_secret: str | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class PlacedRoom:
    meeting_key: str
    server: JanusServerConfig
    room: VideoRoom


class JanusUnavailable(JanusError):
    pass


class _Instance:
    def __init__(self, config: JanusServerConfig, http: aiohttp.ClientSession) -> None:
        self.config = config
        self.client = JanusClient(config.url, config.api_secret, http=http)
        self.admin = (
            JanusAdmin(config.admin_url, config.admin_secret, http=http)
            if config.admin_url and config.admin_secret
            else None
        )
        self.rooms: set[str] = set()
        self._session: JanusSession | None = None
        self._handle: VideoRoomHandle | None = None

    async def control(self) -> VideoRoomHandle:
        """The pool's own session+handle for room management (recreated if it died)."""
        if self._session is None or self._session.closed or self._handle is None:
            self._session = await self.client.create_session()
            self._handle = await self._session.attach_videoroom()
        return self._handle

    async def close(self) -> None:
        if self._session is not None:
            await self._session.destroy()
            self._session = None
            self._handle = None


class JanusPool:
    def __init__(
        self,
        servers: Sequence[JanusServerConfig],
        *,
        http: aiohttp.ClientSession | None = None,
    ) -> None:
        if not servers:
            raise ValueError("JanusPool needs at least one server")
        self._http = http or aiohttp.ClientSession()
        self._own_http = http is None
        self._instances = {s.name: _Instance(s, self._http) for s in servers}
        self._placed: dict[str, PlacedRoom] = {}
        self._lock = asyncio.Lock()

    def placement(self, meeting_key: str) -> PlacedRoom | None:
        return self._placed.get(meeting_key)

    def client_for(self, server: JanusServerConfig) -> JanusClient:
        return self._instances[server.name].client

    def admin_for(self, server: JanusServerConfig) -> JanusAdmin | None:
        return self._instances[server.name].admin

    def rooms_per_server(self) -> dict[str, int]:
        return {name: len(inst.rooms) for name, inst in self._instances.items()}

    async def place(self, meeting_key: str, publishers: int) -> PlacedRoom:
        """The meeting's room, created on the least loaded reachable instance on first use."""
        async with self._lock:
            placed = self._placed.get(meeting_key)
            if placed is not None:
                return placed
            order = sorted(self._instances.values(), key=lambda i: (len(i.rooms),
                                                                    i.config.name))
            for inst in order:
                try:
                    room = await (await inst.control()).create_room(publishers)
                except JanusError as exc:
                    log.warning("janus instance unusable", extra={"janus": inst.config.name,
                                                                  "error": exc.reason})
                    await inst.close()
                    continue
                inst.rooms.add(meeting_key)
                placed = PlacedRoom(meeting_key, inst.config, room)
                self._placed[meeting_key] = placed
                log.info("meeting placed", extra={"janus": inst.config.name,
                                                  "room": room.room_id})
                return placed
            raise JanusUnavailable("no Janus instance could create the room")

    async def release(self, meeting_key: str) -> None:
        """Destroy the meeting's room (participants are kicked by Janus) and forget it."""
        async with self._lock:
            placed = self._placed.pop(meeting_key, None)
            if placed is None:
                return
            inst = self._instances[placed.server.name]
            inst.rooms.discard(meeting_key)
            await (await inst.control()).destroy_room(placed.room)

    async def close(self) -> None:
        for inst in self._instances.values():
            with contextlib.suppress(JanusError):
                await inst.close()
        if self._own_http:
            await self._http.close()
