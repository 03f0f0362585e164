"""Live meetings: who is connected, the waiting room, roles, topology, and the relay.

The state machine of the meetings this process owns (signaling/cluster.py decides which;
signaling/live_state.py saves them for a takeover). Every event is checked against the
meeting's participants and roles before anything is relayed.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, TypeVar

from chat.errors import ErrorCode, NaraError
from chat.models import utcnow
from signaling.events import ServerEvent
from signaling.janus import JanusError
from signaling.janus_pool import JanusPool
from signaling.meeting_models import WAITS, Role
from signaling.meetings import Entry
from signaling.sfu import SfuLink, open_link
from signaling.turn import TurnSettings

log = logging.getLogger("nara.signaling.live")
WAITING, ADMITTED = "waiting", "admitted"
T = TypeVar("T")


class Transport(Protocol):
    """What the live layer needs of Socket.IO (the server's namespace provides it)."""

    async def emit(self, event: str, data: Any, to: str | Sequence[str]) -> None: ...
    async def enter_room(self, sid: str, room: str) -> None: ...
    async def leave_room(self, sid: str, room: str) -> None: ...


# Stores a chat line in the linked thread; False when it could not (an inactive account).
ChatSink = Callable[[uuid.UUID, uuid.UUID, str], Awaitable[bool]]
Changed = Callable[[uuid.UUID], Awaitable[None]]


@dataclass
class Participant:
    id: str
    entry: Entry
    state: str
    since: datetime
    sid: str | None
    rejoin_token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    audio: bool = True
    video: bool = True
    screen: bool = False
    sfu: SfuLink | None = None
    sfu_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    drop_task: asyncio.Task[None] | None = None
    # Bumped on every (re)join: peers drop their stale connection to an older one.
    session: int = 1
    node: str = ""  # the process holding the participant's socket

    @property
    def role(self) -> Role:
        return self.entry.role

    def public(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.entry.name,
            "role": self.role,
            "profession": self.entry.profession,
            "state": self.state,
            "since": self.since.isoformat(),
            "audio": self.audio,
            "video": self.video,
            "screen": self.screen,
            "connected": self.sid is not None,
            "session": self.session,
        }


@dataclass
class LiveMeeting:
    id: uuid.UUID
    thread_id: uuid.UUID | None
    max_participants: int
    topology: str = "mesh"
    participants: dict[str, Participant] = field(default_factory=dict)
    # Accounts a host removed: they come back through the waiting room.
    removed: set[uuid.UUID] = field(default_factory=set)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def room(self) -> str:
        return f"meeting:{self.id}"

    @property
    def hosts_room(self) -> str:
        return f"meeting:{self.id}:hosts"

    def admitted(self) -> list[Participant]:
        return [p for p in self.participants.values() if p.state == ADMITTED]

    def feeds(self) -> list[dict[str, Any]]:
        return [
            {"participant_id": p.id, "feed_id": p.sfu.publisher_id}
            for p in self.admitted()
            if p.sfu is not None and p.sfu.publisher_id is not None and p.sfu.published
        ]


@dataclass
class LiveSettings:
    mesh_max: int = 4
    reconnect_grace_s: float = 10.0
    turn: TurnSettings | None = None


class LiveMeetings:
    def __init__(
        self,
        transport: Transport,
        settings: LiveSettings,
        pool: JanusPool | None = None,
        chat_sink: ChatSink | None = None,
        on_end: Callable[[uuid.UUID], Awaitable[None]] | None = None,
    ) -> None:
        self.t = transport
        self.settings = settings
        self.pool = pool
        self.chat_sink = chat_sink
        self.on_end = on_end
        self.meetings: dict[uuid.UUID, LiveMeeting] = {}
        self.by_sid: dict[str, tuple[uuid.UUID, str]] = {}
        # Told after changes no client event caused (timers, Janus): the state is saved.
        self.changed: Changed | None = None
        self._feed_tasks: set[asyncio.Task[None]] = set()

    # -- joining and leaving ---------------------------------------------------------------

    async def join(
        self, sid: str, entry: Entry, rejoin: str | None = None, node: str = ""
    ) -> dict[str, Any]:
        if sid in self.by_sid:
            raise NaraError(ErrorCode.CONFLICT, "this connection is already in a meeting")
        while True:
            m = self.meetings.setdefault(
                entry.meeting_id,
                LiveMeeting(entry.meeting_id, entry.thread_id, entry.max_participants),
            )
            await m.lock.acquire()
            if self.meetings.get(entry.meeting_id) is m:
                break
            m.lock.release()  # closed while we waited: take the new one
        try:
            p = self._returning(m, entry, rejoin)
            if p is None:
                if len(m.participants) >= m.max_participants:
                    raise NaraError(ErrorCode.MEETING_FULL, "the meeting is full")
                waits = entry.role in WAITS or entry.user_id in m.removed
                state = WAITING if waits else ADMITTED
                p = Participant(f"p{secrets.token_hex(6)}", entry, state, utcnow(), sid, node=node)
                if entry.rejoin_token:
                    p.rejoin_token = entry.rejoin_token
                m.participants[p.id] = p
            else:
                await self._take_back(m, p)
                p.sid, p.node = sid, node
            self.by_sid[sid] = (m.id, p.id)
            await self.t.enter_room(sid, f"{m.room}:all")
            if p.state == ADMITTED:
                await self._maybe_grow(m)
                await self._enter(m, p)
            await self._announce(m)
        finally:
            m.lock.release()
        answer: dict[str, Any] = {
            "participant": p.public(),
            "rejoin": p.rejoin_token,
            "topology": m.topology,
        }
        if p.state == ADMITTED:
            answer.update(self._admission(m, p))
        return answer

    async def _take_back(self, m: LiveMeeting, p: Participant) -> None:
        """A returning participant: the old connection (if any) and its media are gone."""
        if p.drop_task:
            p.drop_task.cancel()
            p.drop_task = None
        if p.sid is not None:
            self.by_sid.pop(p.sid, None)
            for room in (m.room, m.hosts_room, f"{m.room}:all"):
                await self.t.leave_room(p.sid, room)
            await self.t.emit(ServerEvent.REMOVED, {"reason": "joined_elsewhere"}, p.sid)
        if p.sfu is not None:
            await p.sfu.close()
            p.sfu = None
        p.session += 1

    def _returning(self, m: LiveMeeting, entry: Entry, rejoin: str | None) -> Participant | None:
        """The same account (or a guest with its rejoin token) takes its place back."""
        for p in m.participants.values():
            same_user = entry.user_id is not None and p.entry.user_id == entry.user_id
            same_guest = rejoin is not None and secrets.compare_digest(p.rejoin_token, rejoin)
            if same_user or same_guest:
                return p
        return None

    async def leave(self, sid: str) -> None:
        m, p = self._lookup(sid)
        async with m.lock:
            await self._drop(m, p)

    async def disconnected(self, sid: str) -> None:
        """Keep the place for a grace period so a dropped connection can rejoin."""
        if sid not in self.by_sid:
            return
        m, p = self._lookup(sid)
        del self.by_sid[sid]
        p.sid = None
        self._drop_in_grace(m, p)
        await self._announce(m)

    def _drop_in_grace(self, m: LiveMeeting, p: Participant) -> None:
        p.drop_task = asyncio.create_task(self._drop_later(m, p), name=f"video-drop-{p.id}")

    async def _drop_later(self, m: LiveMeeting, p: Participant) -> None:
        await asyncio.sleep(self.settings.reconnect_grace_s)
        async with m.lock:
            if p.sid is None and m.participants.get(p.id) is p:
                await self._drop(m, p)

    async def _drop(self, m: LiveMeeting, p: Participant) -> None:
        m.participants.pop(p.id, None)
        if p.sid is not None:
            self.by_sid.pop(p.sid, None)
            for room in (m.room, m.hosts_room, f"{m.room}:all"):
                await self.t.leave_room(p.sid, room)
        if p.sfu is not None:
            await p.sfu.close()
        await self.t.emit(ServerEvent.LEFT, {"participant_id": p.id}, m.room)
        if p.role == Role.HOST and p.state == ADMITTED and not _hosts(m):
            await self.t.emit(ServerEvent.HOST_LEFT, {}, f"{m.room}:all")
        if not m.participants:
            await self._close(m)
        else:
            await self._announce(m)
        await self._changed(m)

    # -- host actions ----------------------------------------------------------------------

    async def admit(self, sid: str, pid: str) -> None:
        m, host = self._lookup(sid)
        async with m.lock:
            _require_host(host)
            p = _other(m, pid)
            if p.state == ADMITTED:
                raise NaraError(ErrorCode.CONFLICT, "already admitted")
            p.state = ADMITTED
            p.since = utcnow()
            # Grow first: the newcomer is told the topology it must use.
            await self._maybe_grow(m)
            if p.sid is not None:
                await self._enter(m, p)
                await self.t.emit(ServerEvent.ADMITTED, self._admission(m, p), p.sid)
            await self._announce(m)

    async def remove(self, sid: str, pid: str) -> None:
        m, host = self._lookup(sid)
        async with m.lock:
            _require_host(host)
            p = _other(m, pid)
            if p.entry.user_id is not None:
                m.removed.add(p.entry.user_id)
            if p.sid is not None:
                await self.t.emit(ServerEvent.REMOVED, {"reason": "removed_by_host"}, p.sid)
            await self._drop(m, p)

    async def request_mute(self, sid: str, pid: str, kind: str) -> None:
        m, host = self._lookup(sid)
        _require_host(host)
        p = _other(m, pid)
        _require_admitted(p)
        if p.sid is not None:
            data = {"kind": kind, "by": host.entry.name}
            await self.t.emit(ServerEvent.MUTE_REQUEST, data, p.sid)

    async def end(self, sid: str) -> None:
        m, host = self._lookup(sid)
        async with m.lock:
            _require_host(host)
            await self.t.emit(ServerEvent.ENDED, {"by": host.entry.name}, f"{m.room}:all")
            for p in list(m.participants.values()):
                if p.sid is not None:
                    self.by_sid.pop(p.sid, None)
                if p.drop_task:
                    p.drop_task.cancel()
                if p.sfu is not None:
                    await p.sfu.close()
            m.participants.clear()
            await self._close(m, ended=True)

    # -- media and chat --------------------------------------------------------------------

    async def relay_signal(self, sid: str, to: str, payload: dict[str, Any]) -> None:
        """Mesh: offers, answers and candidates between admitted participants only."""
        m, p = self._lookup(sid)
        _require_admitted(p)
        if m.topology != "mesh":
            raise NaraError(ErrorCode.INVALID_REQUEST, "the meeting goes through the video bridge")
        target = m.participants.get(to)
        if target is None or target.state != ADMITTED or target.sid is None:
            raise NaraError(ErrorCode.NOT_FOUND, "no such participant in the meeting")
        await self.t.emit(ServerEvent.SIGNAL, {"from": p.id, **payload}, target.sid)

    async def media_state(self, sid: str, audio: bool, video: bool, screen: bool) -> None:
        m, p = self._lookup(sid)
        _require_admitted(p)
        if screen and p.role not in (Role.HOST, Role.STAFF):
            raise NaraError(ErrorCode.FORBIDDEN, "only staff share their screen")
        p.audio, p.video, p.screen = audio, video, screen
        await self.t.emit(
            ServerEvent.MEDIA_STATE,
            {"participant_id": p.id, "audio": audio, "video": video, "screen": screen},
            m.room,
        )

    async def chat(self, sid: str, body: str) -> bool:
        """In-meeting chat; stored in the linked thread for people with an account."""
        m, p = self._lookup(sid)
        _require_admitted(p)
        stored = False
        if self.chat_sink and m.thread_id and p.entry.user_id:
            stored = await self.chat_sink(p.entry.user_id, m.thread_id, body)
        await self.t.emit(
            ServerEvent.CHAT,
            {
                "from": p.id,
                "name": p.entry.name,
                "body": body,
                "stored": stored,
                "at": utcnow().isoformat(),
            },
            m.room,
        )
        return stored

    async def sfu_publish(self, sid: str, offer: dict[str, Any]) -> dict[str, Any]:
        m, p = self._sfu_ready(sid)
        async with p.sfu_lock:
            link = await self._ensure_link(m, p)
            if link.answered:
                raise NaraError(ErrorCode.CONFLICT, "already publishing")
            answer = await _janus(link.publish(offer))
        task = asyncio.create_task(self._announce_feed(m, p, link), name=f"video-feed-{p.id}")
        self._feed_tasks.add(task)
        task.add_done_callback(self._feed_tasks.discard)
        return {"answer": answer, "feeds": m.feeds()}

    async def _announce_feed(self, m: LiveMeeting, p: Participant, link: SfuLink) -> None:
        """Tell the others once Janus has the publisher's media (subscribe after webrtcup)."""
        try:
            await link.wait_published()
        except (JanusError, TimeoutError) as exc:
            log.warning("publisher never came up", extra={"meeting": str(m.id),
                                                          "error": str(exc)})
            return
        if m.participants.get(p.id) is p and p.sfu is link:
            await self.t.emit(ServerEvent.SFU_FEEDS, {"feeds": m.feeds()}, m.room)
            await self._changed(m)

    async def sfu_subscribe(self, sid: str, participant_ids: list[str]) -> dict[str, Any]:
        m, p = self._sfu_ready(sid)
        async with p.sfu_lock:
            link = await self._ensure_link(m, p)
            by_id = {f["participant_id"]: f["feed_id"] for f in m.feeds()}
            wanted = [pid for pid in participant_ids if pid != p.id]
            if not wanted or any(pid not in by_id for pid in wanted):
                raise NaraError(ErrorCode.NOT_FOUND, "those participants publish nothing")
            sub_id, offer, mids = await _janus(link.subscribe([by_id[pid] for pid in wanted]))
        owner = {v: k for k, v in by_id.items()}
        return {
            "subscription_id": sub_id,
            "offer": offer,
            "mids": {mid: owner.get(feed) for mid, feed in mids.items()},
        }

    async def sfu_answer(self, sid: str, sub_id: str, answer: dict[str, Any]) -> None:
        _, p = self._sfu_ready(sid)
        link = _sfu(p)
        if sub_id not in link.subscriptions:
            raise NaraError(ErrorCode.NOT_FOUND, "no such subscription")
        await _janus(link.start(sub_id, answer))

    async def sfu_trickle(self, sid: str, target: str, candidate: dict[str, Any] | None) -> None:
        _, p = self._sfu_ready(sid)
        link = _sfu(p)
        if target == "publisher" and link.publisher is None:
            raise NaraError(ErrorCode.INVALID_REQUEST, "publish first")
        if target != "publisher" and target not in link.subscriptions:
            raise NaraError(ErrorCode.NOT_FOUND, "no such subscription")
        await _janus(link.trickle(target, candidate))

    # -- internals -------------------------------------------------------------------------

    def _lookup(self, sid: str) -> tuple[LiveMeeting, Participant]:
        found = self.by_sid.get(sid)
        m = self.meetings.get(found[0]) if found else None
        p = m.participants.get(found[1]) if (m and found) else None
        if m is None or p is None:
            raise NaraError(ErrorCode.NOT_FOUND, "join a meeting first")
        return m, p

    def _sfu_ready(self, sid: str) -> tuple[LiveMeeting, Participant]:
        m, p = self._lookup(sid)
        _require_admitted(p)
        if m.topology != "sfu" or self.pool is None:
            raise NaraError(ErrorCode.INVALID_REQUEST, "the meeting is peer to peer")
        return m, p

    async def _ensure_link(self, m: LiveMeeting, p: Participant) -> SfuLink:
        assert self.pool is not None
        if p.sfu is None:
            try:
                p.sfu = await open_link(self.pool, str(m.id), p.id, m.max_participants)
            except JanusError as exc:
                raise NaraError(
                    ErrorCode.SFU_UNAVAILABLE, "the video bridge is unavailable"
                ) from exc
        return p.sfu

    async def _enter(self, m: LiveMeeting, p: Participant) -> None:
        assert p.sid is not None
        await self.t.enter_room(p.sid, m.room)
        if p.role == Role.HOST:
            await self.t.enter_room(p.sid, m.hosts_room)

    def _admission(self, m: LiveMeeting, p: Participant) -> dict[str, Any]:
        """TURN credentials only for admitted participants, short-lived, per participant."""
        turn = self.settings.turn
        servers = [s.as_dict() for s in turn.ice_servers_for(p.id)] if turn else []
        return {
            "ice_servers": servers,
            "topology": m.topology,
            "participants": [x.public() for x in m.admitted()],
            "feeds": m.feeds(),
        }

    async def _maybe_grow(self, m: LiveMeeting) -> None:
        """Past the mesh size the meeting moves to the SFU; clients switch by themselves."""
        if m.topology == "mesh" and len(m.admitted()) > self.settings.mesh_max and self.pool:
            m.topology = "sfu"
            log.info("meeting moves to the SFU", extra={"meeting": str(m.id)})
            await self.t.emit(ServerEvent.TOPOLOGY, {"mode": "sfu"}, m.room)

    async def _announce(self, m: LiveMeeting) -> None:
        admitted = [p.public() for p in m.admitted()]
        await self.t.emit(ServerEvent.PARTICIPANTS, {"participants": admitted}, m.room)
        waiting = [p.public() for p in m.participants.values() if p.state == WAITING]
        await self.t.emit(ServerEvent.WAITING_ROOM, {"waiting": waiting}, m.hosts_room)

    async def _close(self, m: LiveMeeting, ended: bool = False) -> None:
        """Free the Janus room once nobody is left; only a host's "end" ends the meeting."""
        self.meetings.pop(m.id, None)
        await self._release_room(m)
        await self._changed(m)
        if ended and self.on_end is not None:
            await self.on_end(m.id)

    async def _release_room(self, m: LiveMeeting) -> None:
        if self.pool is None or self.pool.placement(str(m.id)) is None:
            return
        try:
            await self.pool.release(str(m.id))
        except JanusError as exc:
            # Left on Janus: the periodic sweep (signaling/janus_sweep.py) destroys it.
            log.warning("janus room not released", extra={"meeting": str(m.id),
                                                          "error": exc.reason})

    async def _changed(self, m: LiveMeeting) -> None:
        if self.changed is not None:
            await self.changed(m.id)

    def adopt(self, m: LiveMeeting) -> None:
        """A meeting taken over from another process (signaling/live_state.py restored it):
        those whose connection went with that process get the reconnect grace."""
        self.meetings[m.id] = m
        for p in m.participants.values():
            if p.sid is not None:
                self.by_sid[p.sid] = (m.id, p.id)
            else:
                self._drop_in_grace(m, p)

    async def announce(self, meeting_id: uuid.UUID) -> None:
        m = self.meetings.get(meeting_id)
        if m is not None:
            await self._announce(m)

    async def forget(self, meeting_id: uuid.UUID) -> None:
        """Another process owns the meeting now: drop it here, leave Janus as it is."""
        m = self.meetings.pop(meeting_id, None)
        if m is None:
            return
        for p in m.participants.values():
            if p.sid is not None:
                self.by_sid.pop(p.sid, None)
            if p.drop_task:
                p.drop_task.cancel()
            if p.sfu is not None:
                await p.sfu.release()
        if self.pool is not None:
            self.pool.forget(str(m.id))

    async def close(self) -> None:
        for task in list(self._feed_tasks):
            task.cancel()
        for m in list(self.meetings.values()):
            for p in m.participants.values():
                if p.drop_task:
                    p.drop_task.cancel()
                if p.sfu is not None:
                    await p.sfu.close()
            await self._release_room(m)
        self.meetings.clear()


def _hosts(m: LiveMeeting) -> list[Participant]:
    return [p for p in m.admitted() if p.role == Role.HOST]


def _require_host(p: Participant) -> None:
    if p.role != Role.HOST or p.state != ADMITTED:
        raise NaraError(ErrorCode.FORBIDDEN, "only a host may do that")


def _require_admitted(p: Participant) -> None:
    if p.state != ADMITTED:
        raise NaraError(ErrorCode.NOT_ADMITTED, "wait until a host lets you in")


def _other(m: LiveMeeting, pid: str) -> Participant:
    p = m.participants.get(pid)
    if p is None:
        raise NaraError(ErrorCode.NOT_FOUND, "no such participant in the meeting")
    return p


async def _janus(call: Awaitable[T]) -> T:
    """Janus refusing (bad SDP, a feed that just left) or failing becomes a clear error."""
    try:
        return await call
    except JanusError as exc:
        if exc.code is not None and (420 <= exc.code <= 445 or 464 <= exc.code <= 468):
            # VideoRoom refusals (42x-44x) and core SDP/trickle errors: what the client sent.
            raise NaraError(ErrorCode.INVALID_REQUEST, "the video bridge refused that") from exc
        raise NaraError(ErrorCode.SFU_UNAVAILABLE, "the video bridge is unavailable") from exc


def _sfu(p: Participant) -> SfuLink:
    if p.sfu is None:
        raise NaraError(ErrorCode.INVALID_REQUEST, "publish or subscribe first")
    return p.sfu
