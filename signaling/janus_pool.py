"""Several Janus instances: each meeting is placed on one (the one with the fewest rooms
placed by us) and stays there until released."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
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


RoomHook = Callable[[PlacedRoom], Awaitable[None]]


class _Instance:
    def __init__(
        self, config: JanusServerConfig, http: aiohttp.ClientSession, control_id: str
    ) -> None:
        self.config = config
        self.control_id = control_id
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
            self._handle = await self._session.attach_videoroom(self.control_id)
        return self._handle

    @property
    def control_session(self) -> int | None:
        return self._session.id if self._session is not None and not self._session.closed else None

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
        tag: str = "nara",
        node: str = "",
        bitrate: int = 512_000,
        on_created: RoomHook | None = None,
        on_destroyed: RoomHook | None = None,
    ) -> None:
        if not servers:
            raise ValueError("JanusPool needs at least one server")
        self._http = http or aiohttp.ClientSession()
        self._own_http = http is None
        # Rooms' description and handles' opaque id: what the sweep may destroy is ours.
        self.tag = tag
        self.bitrate = bitrate  # bits/s each publisher may send (Janus caps it, REMB)
        # Rooms are recorded (with their secret) while they exist: see janus_sweep.py.
        self.on_created = on_created
        self.on_destroyed = on_destroyed
        control_id = f"{tag}:control:{node}"
        self._instances = {s.name: _Instance(s, self._http, control_id) for s in servers}
        self._placed: dict[str, PlacedRoom] = {}
        self._lock = asyncio.Lock()

    def placement(self, meeting_key: str) -> PlacedRoom | None:
        return self._placed.get(meeting_key)

    def client_for(self, server: JanusServerConfig) -> JanusClient:
        return self._instances[server.name].client

    def admin_for(self, server: JanusServerConfig) -> JanusAdmin | None:
        return self._instances[server.name].admin

    def server(self, name: str) -> JanusServerConfig | None:
        inst = self._instances.get(name)
        return inst.config if inst is not None else None

    def servers(self) -> list[JanusServerConfig]:
        return [inst.config for inst in self._instances.values()]

    def control_sessions(self) -> set[int]:
        return {s for inst in self._instances.values() if (s := inst.control_session)}

    def adopt(self, placed: PlacedRoom) -> None:
        """A room another process created for a meeting this one now owns."""
        self._placed[placed.meeting_key] = placed
        self._instances[placed.server.name].rooms.add(placed.meeting_key)

    def forget(self, meeting_key: str) -> None:
        """The meeting moved to another process: its room stays on Janus."""
        placed = self._placed.pop(meeting_key, None)
        if placed is not None:
            self._instances[placed.server.name].rooms.discard(meeting_key)

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
                    control = await inst.control()
                    room = await control.create_room(
                        publishers, description=self.tag, bitrate=self.bitrate
                    )
                except JanusError as exc:
                    log.warning("janus instance unusable", extra={"janus": inst.config.name,
                                                                  "error": exc.reason})
                    await inst.close()
                    continue
                inst.rooms.add(meeting_key)
                placed = PlacedRoom(meeting_key, inst.config, room)
                self._placed[meeting_key] = placed
                if self.on_created is not None:
                    await self.on_created(placed)
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
            if self.on_destroyed is not None:
                await self.on_destroyed(placed)

    async def destroy_room(self, server: str, room: VideoRoom) -> None:
        """A room no live meeting owns (its process died): destroyed by id and secret."""
        inst = self._instances[server]
        try:
            await (await inst.control()).destroy_room(room)
        except JanusError as exc:
            if exc.code != 426:  # no such room: already gone
                raise

    async def close(self) -> None:
        for inst in self._instances.values():
            with contextlib.suppress(JanusError):
                await inst.close()
        if self._own_http:
            await self._http.close()
