"""A meeting participant built on aiortc that speaks Nära's /video namespace like a browser.

Used by the tests, the benchmark and ``nara video probe``: it joins (waiting room included),
follows the meeting from mesh to SFU by itself, sends a synthetic camera and microphone and
counts what it decodes from each other participant.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

import socketio

from signaling.media import MediaPeer, MediaPeerOptions
from signaling.turn import IceServerConfig

log = logging.getLogger("nara.signaling.client")
NAMESPACE = "/video"


class MeetingError(Exception):
    def __init__(self, error: dict[str, Any]) -> None:
        super().__init__(error.get("message", "error"))
        self.code = str(error.get("code"))
        self.error = error


class MeetingClient:
    def __init__(
        self,
        name: str = "probe",
        *,
        relay_only: bool = False,
        video: bool = True,
        audio: bool = True,
        size: tuple[int, int] = (320, 240),
        fps: int = 15,
        auto_media: bool = True,
    ) -> None:
        self.name = name
        self.sio = self._new_socket()
        self.base_url = ""
        self.rejoin_token: str | None = None
        self.mute_requests: list[dict[str, Any]] = []
        self.relay_only, self.video, self.audio = relay_only, video, audio
        self.size, self.fps = size, fps
        # False: join and follow events only, without any media (raw protocol tests).
        self.auto_media = auto_media
        self.meeting_id: uuid.UUID | None = None
        self.me: dict[str, Any] = {}
        self.state = "disconnected"
        self.topology = "mesh"
        self.ice_servers: list[dict[str, Any]] = []
        self.participants: dict[str, dict[str, Any]] = {}
        self.waiting: list[dict[str, Any]] = []
        self.events: list[tuple[str, Any]] = []
        self.mesh: dict[str, MediaPeer] = {}
        self.publisher: MediaPeer | None = None
        self.subscriptions: dict[str, tuple[MediaPeer, dict[str, str]]] = {}
        self.subscribed: dict[str, int] = {}  # participant id -> feed id subscribed to
        self.mesh_sessions: dict[str, int] = {}  # participant id -> their session of our peer
        self.feeds: dict[str, int] = {}  # participant id -> feed id, as the server tells
        self.errors: list[tuple[str, str]] = []  # (event, error code) of failed handling
        self.joined_at = 0.0
        self._changed = asyncio.Event()
        self._lock = asyncio.Lock()
        # Socket.IO runs every incoming event in its own task; one worker keeps their order.
        self._inbox: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        self._worker: asyncio.Task[None] | None = None
        self._closed = False
        # Events wait while a join is on its way: "admitted" may beat the join's answer.
        self._ready = asyncio.Event()
        self._ready.set()

    def _new_socket(self) -> socketio.AsyncClient:
        sio = socketio.AsyncClient(reconnection=False)
        for event in (
            "admitted",
            "participants",
            "waiting_room",
            "signal",
            "topology",
            "sfu_feeds",
            "removed",
            "ended",
            "host_left",
            "mute_request",
            "chat",
            "left",
            "media_state",
        ):
            sio.on(event, self._handler(event), namespace=NAMESPACE)
        return sio

    # -- connection ------------------------------------------------------------------------

    async def connect(self, base_url: str, token: str | None = None) -> None:
        self.base_url = base_url
        await self.sio.connect(
            base_url,
            namespaces=[NAMESPACE],
            auth={"token": token} if token else None,
            transports=["websocket"],
            # The namespace's connect handler loads the session; a busy server may take a
            # while, and a refused connect must not look like an unreachable one.
            wait_timeout=30,
        )

    async def call(self, event: str, data: Any = None) -> dict[str, Any]:
        ack: dict[str, Any] = await self.sio.call(event, data, namespace=NAMESPACE, timeout=20)
        if "error" in ack:
            raise MeetingError(ack["error"])
        return ack

    async def join(
        self, meeting_id: uuid.UUID | str, invite: str | None = None, rejoin: str | None = None
    ) -> dict[str, Any]:
        self.meeting_id = uuid.UUID(str(meeting_id))
        body: dict[str, Any] = {"meeting_id": str(meeting_id)}
        if invite:
            body["invite"] = invite
        if rejoin:
            body["rejoin"] = rejoin
        self.joined_at = time.monotonic()
        self._ready.clear()
        try:
            ack = await self.call("join", body)
            self.rejoin_token = ack.get("rejoin")
            self.me = ack["participant"]
            self.state = self.me["state"]
            self.topology = ack["topology"]
            if self.state == "admitted":
                # Before any queued event builds a connection with them.
                self.ice_servers = ack.get("ice_servers", [])
                self._learn_feeds(ack.get("feeds", []))
        finally:
            self._ready.set()
        if self.state == "admitted":
            if self._worker is None:
                self._worker = asyncio.create_task(self._work())
            await self._inbox.put(("_joined", ack))
        return ack

    async def close(self) -> None:
        """Stop handling events, close media, disconnect; bounded so a stuck step (a peer
        connection or socket that never finishes closing) cannot hang the caller."""
        self._closed = True
        if self._worker is not None:
            self._worker.cancel()
            await asyncio.wait({self._worker}, timeout=5)
            self._worker = None
        await self._close_media()
        if self.sio.connected:
            try:
                await asyncio.wait_for(self.sio.disconnect(), 5)
            except TimeoutError:
                log.warning("socket did not disconnect cleanly", extra={"client": self.name})

    async def drop(self) -> None:
        """Lose the connection without leaving (network gone): media and socket close."""
        await self.close()

    async def rejoin(self, base_url: str | None = None, token: str | None = None) -> dict[str, Any]:
        """Reconnect (to ``base_url``, e.g. a restarted server) and take the place back:
        accounts by their login ``token``, guests by the rejoin token of their last join."""
        await self.close()
        self.sio = self._new_socket()
        self._inbox = asyncio.Queue()
        self._closed = False
        self.state, self.topology = "disconnected", "mesh"
        self.feeds.clear()
        self.participants.clear()
        await self.connect(base_url or self.base_url, token)
        assert self.meeting_id is not None
        return await self.join(self.meeting_id, rejoin=None if token else self.rejoin_token)

    async def _close_media(self) -> None:
        peers = [*self.mesh.values(), *(peer for peer, _ in self.subscriptions.values())]
        if self.publisher is not None:
            peers.append(self.publisher)
        self.mesh.clear()
        self.mesh_sessions.clear()
        self.subscriptions.clear()
        self.subscribed.clear()
        self.publisher = None
        await asyncio.gather(*(_close_peer(p) for p in peers))

    # -- events ----------------------------------------------------------------------------

    def _handler(self, event: str) -> Callable[[Any], Any]:
        async def handle(data: Any) -> None:
            self.events.append((event, data))
            if self._closed:
                return
            if self._worker is None:
                self._worker = asyncio.create_task(self._work())
            self._inbox.put_nowait((event, data))
            self._changed.set()

        return handle

    async def _work(self) -> None:
        while True:
            event, data = await self._inbox.get()
            await self._ready.wait()
            name = "admitted" if event == "_joined" else event
            try:
                await getattr(self, f"_on_{name}", _ignore)(data)
            except MeetingError as err:
                self.errors.append((name, err.code))
                log.warning("meeting client event refused", extra={"event": name,
                                                                   "code": err.code})
            except Exception:
                self.errors.append((name, "exception"))
                log.exception("meeting client event failed", extra={"event": name})
            self._changed.set()

    async def _on_admitted(self, data: dict[str, Any]) -> None:
        self.state = "admitted"
        self.ice_servers = data.get("ice_servers", [])
        self.topology = data.get("topology", self.topology)
        self._learn_feeds(data.get("feeds", []))
        await self._on_participants({"participants": data.get("participants", [])})
        if self.topology == "sfu" and self.auto_media:
            await self._go_sfu()

    def _learn_feeds(self, feeds: list[dict[str, Any]]) -> None:
        for f in feeds:
            self.feeds[f["participant_id"]] = f["feed_id"]

    async def _on_participants(self, data: dict[str, Any]) -> None:
        self.participants = {p["id"]: p for p in data["participants"]}
        if self.state != "admitted" or self.topology != "mesh" or not self.auto_media:
            return
        for pid, info in self.participants.items():
            if pid in self.mesh and self.mesh_sessions.get(pid) != info.get("session"):
                # They rejoined: the old connection is dead, negotiate a new one.
                await self.mesh.pop(pid).close()
        for pid in self.participants:
            # The smaller id offers: exactly one side starts each pair.
            if pid != self.me["id"] and pid not in self.mesh and self.me["id"] < pid:
                peer = self._peer(pid)
                offer = await peer.create_offer()
                await self.call("signal", {"to": pid, "description": offer})
        for pid in list(self.mesh):
            if pid not in self.participants:
                await self.mesh.pop(pid).close()

    async def _on_waiting_room(self, data: dict[str, Any]) -> None:
        self.waiting = data["waiting"]

    async def _on_signal(self, data: dict[str, Any]) -> None:
        desc = data.get("description")
        sender = data["from"]
        if self.topology != "mesh" or self.state != "admitted" or not self.auto_media:
            return
        if desc and desc["type"] == "offer":
            old = self.mesh.pop(sender, None)
            if old is not None:  # only one side offers: a new offer means a new connection
                await old.close()
            peer = self._peer(sender)
            answer = await peer.accept_offer(desc)
            await self.call("signal", {"to": sender, "description": answer})
        elif desc and desc["type"] == "answer" and sender in self.mesh:
            await self.mesh[sender].apply_answer(desc)
        elif data.get("candidate") and sender in self.mesh:
            await self.mesh[sender].add_candidate(data["candidate"])

    async def _on_topology(self, data: dict[str, Any]) -> None:
        if data["mode"] == "sfu" and self.topology != "sfu":
            self.topology = "sfu"
            if self.state == "admitted" and self.auto_media:
                await self._go_sfu()

    async def _on_sfu_feeds(self, data: dict[str, Any]) -> None:
        self._learn_feeds(data["feeds"])
        if self.topology == "sfu" and self.state == "admitted" and self.auto_media:
            await self._subscribe_new()

    async def _on_left(self, data: dict[str, Any]) -> None:
        self.feeds.pop(data["participant_id"], None)

    async def _on_mute_request(self, data: dict[str, Any]) -> None:
        """Comply like a polite browser: stop sending and tell everyone."""
        self.mute_requests.append(data)
        peers = [*self.mesh.values(), *([self.publisher] if self.publisher else [])]
        for peer in peers:
            track = peer.microphone if data["kind"] == "audio" else peer.camera
            if track is not None:
                track.stop()
        if data["kind"] == "audio":
            self.audio = False
        else:
            self.video = False
        await self.call("media_state", {"audio": self.audio, "video": self.video})

    async def _on_removed(self, data: dict[str, Any]) -> None:
        self.state = "leaving"  # no new media from here on
        await self._close_media()
        self.state = "removed"

    async def _on_ended(self, data: dict[str, Any]) -> None:
        self.state = "leaving"
        await self._close_media()
        self.state = "ended"

    # -- SFU -------------------------------------------------------------------------------

    async def _go_sfu(self) -> None:
        async with self._lock:
            for peer in list(self.mesh.values()):
                await peer.close()
            self.mesh.clear()
            if self.publisher is None:
                self.publisher = MediaPeer(f"{self.name}-pub", self._options(send=True))
                offer = await self.publisher.create_offer()
                ack = await self.call("sfu_publish", {"offer": offer})
                await self.publisher.apply_answer(ack["answer"])
                self._learn_feeds(ack["feeds"])
        await self._subscribe_new()

    async def _subscribe_new(self) -> None:
        """One new subscription to every known publisher not subscribed to yet."""
        async with self._lock:
            wanted = sorted(
                pid
                for pid, feed in self.feeds.items()
                if self.subscribed.get(pid) != feed and pid != self.me.get("id")
            )
            if not wanted or self.publisher is None:
                return
            ack = await self.call("sfu_subscribe", {"participant_ids": wanted})
            self.subscribed.update({pid: self.feeds[pid] for pid in wanted})
            peer = MediaPeer(f"{self.name}-sub", self._options(send=False))
            answer = await peer.accept_offer(ack["offer"], send=False)
            self.subscriptions[ack["subscription_id"]] = (peer, ack["mids"])
            await self.call(
                "sfu_answer", {"subscription_id": ack["subscription_id"], "answer": answer}
            )

    # -- media -----------------------------------------------------------------------------

    def _options(self, send: bool = True) -> MediaPeerOptions:
        servers = [
            IceServerConfig(
                urls=tuple(s["urls"]), username=s.get("username"), credential=s.get("credential")
            )
            for s in self.ice_servers
        ]
        return MediaPeerOptions(
            ice_servers=servers,
            relay_only=self.relay_only,
            send_video=send and self.video,
            send_audio=send and self.audio,
            width=self.size[0],
            height=self.size[1],
            fps=self.fps,
        )

    def _peer(self, pid: str) -> MediaPeer:
        peer = MediaPeer(f"{self.name}-{pid}", self._options())
        self.mesh[pid] = peer
        self.mesh_sessions[pid] = int(self.participants.get(pid, {}).get("session", 1))
        return peer

    def received(self) -> dict[str, dict[str, Any]]:
        """Per other participant: decoded video and audio frames, first video frame (ms)."""
        out: dict[str, dict[str, Any]] = {}

        def add(pid: str | None, kind: str, frames: int, first: float | None) -> None:
            if pid is None:
                return
            row = out.setdefault(
                pid, {"video_frames": 0, "audio_frames": 0, "first_video_ms": None}
            )
            row[f"{kind}_frames"] += frames
            if kind == "video" and first is not None:
                ms = round((first - self.joined_at) * 1000)
                row["first_video_ms"] = min(filter(None, [row["first_video_ms"], ms]))

        for pid, peer in self.mesh.items():
            for s in peer.stats.values():
                add(pid, s.kind, s.frames, s.first_frame_at)
        for peer, mids in self.subscriptions.values():
            for mid, s in peer.stats.items():
                add(mids.get(mid), s.kind, s.frames, s.first_frame_at)
        return out

    async def wait_until(self, check: Callable[[], bool], timeout_s: float = 20.0) -> bool:
        async def loop() -> None:
            while not check():
                self._changed.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), 0.25)

        try:
            await asyncio.wait_for(loop(), timeout_s)
        except TimeoutError:
            return False
        return True

    async def wait_media_from(
        self,
        others: list[str],
        *,
        audio: bool = True,
        min_frames: int = 3,
        timeout_s: float = 30.0,
    ) -> bool:
        def ok() -> bool:
            got = self.received()
            return all(
                got.get(pid, {}).get("video_frames", 0) >= min_frames
                and (not audio or got.get(pid, {}).get("audio_frames", 0) >= min_frames)
                for pid in others
            )

        return await self.wait_until(ok, timeout_s)


async def _close_peer(peer: MediaPeer) -> None:
    """Close a connection; one that hangs (its DTLS or ICE stuck) is given up on after 5 s."""
    try:
        await asyncio.wait_for(peer.close(), 5)
    except (TimeoutError, Exception):
        log.warning("peer connection did not close cleanly", extra={"peer": peer.name})


async def _ignore(_: Any) -> None:
    return None
