"""Synthetic participants in a Janus VideoRoom: the base of ``nara video probe``, the SFU
tests and the benchmark.

A participant publishes camera + microphone through one handle and receives feeds through
subscriptions: each is one multistream subscriber handle with its own PeerConnection
(feeds present at join time in one subscription, later publishers in further ones).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from signaling.janus import (
    JanusClient,
    JanusError,
    JanusSession,
    JoinedPublisher,
    VideoRoom,
    VideoRoomHandle,
)
from signaling.media import MediaPeer, MediaPeerOptions, RemoteTrackStats
from signaling.turn import IceServerConfig

log = logging.getLogger("nara.signaling.probe")


@dataclass
class Subscription:
    handle: VideoRoomHandle
    peer: MediaPeer
    feed_by_mid: dict[str, int]
    started_at: float  # monotonic time the subscription was requested

    def by_feed(self, kind: str) -> dict[int, RemoteTrackStats]:
        return {
            self.feed_by_mid[s.mid]: s
            for s in self.peer.stats.values()
            if s.kind == kind and s.mid in self.feed_by_mid
        }

    def mids(self, kinds: Sequence[str]) -> list[str]:
        return [
            str(t.mid)
            for t in self.peer.pc.getTransceivers()
            if t.mid in self.feed_by_mid and t.kind in kinds
        ]


@dataclass
class JanusParticipant:
    key: str  # pseudonymous; used as the Janus display name
    session: JanusSession
    publisher: VideoRoomHandle
    pub_peer: MediaPeer
    joined: JoinedPublisher
    joined_at: float  # monotonic time the join started
    subscriptions: list[Subscription] = field(default_factory=list)

    @property
    def feed_id(self) -> int:
        return self.joined.publisher_id

    def video_by_feed(self) -> dict[int, RemoteTrackStats]:
        return {f: st for sub in self.subscriptions for f, st in sub.by_feed("video").items()}

    def audio_by_feed(self) -> dict[int, RemoteTrackStats]:
        return {f: st for sub in self.subscriptions for f, st in sub.by_feed("audio").items()}


async def join_and_publish(
    client: JanusClient,
    room: VideoRoom,
    key: str,
    *,
    media: MediaPeerOptions | None = None,
    timeout_s: float = 15.0,
) -> JanusParticipant:
    """New session, publisher handle, join, configure with our offer, wait for webrtcup."""
    started = time.monotonic()
    session = await client.create_session()
    try:
        handle = await session.attach_videoroom()
        joined = await handle.join_publisher(room, key)
        peer = MediaPeer(f"{key}-pub", media or MediaPeerOptions())
        try:
            answer = await handle.publish(await peer.create_offer())
            await peer.apply_answer(answer)
            # Subscribing before Janus has the publisher's media up gets an empty offer.
            await handle.wait_webrtcup(timeout_s)
        except BaseException:
            await peer.close()
            raise
    except BaseException:
        await session.destroy()
        raise
    return JanusParticipant(key, session, handle, peer, joined, started)


async def subscribe(
    participant: JanusParticipant,
    room: VideoRoom,
    feeds: Sequence[int],
    *,
    media: MediaPeerOptions | None = None,
    timeout_s: float = 15.0,
) -> Subscription:
    """A new subscriber handle receiving all ``feeds`` (audio and video of each)."""
    started = time.monotonic()
    handle = await participant.session.attach_videoroom()
    opts = media or MediaPeerOptions()
    recv_opts = MediaPeerOptions(ice_servers=opts.ice_servers, relay_only=opts.relay_only,
                                 send_video=False, send_audio=False)
    peer = MediaPeer(f"{participant.key}-sub", recv_opts)
    sub = Subscription(handle, peer, {}, started)
    participant.subscriptions.append(sub)
    offer = await handle.join_subscriber(room, list(feeds), participant.joined.private_id)
    sub.feed_by_mid.update(offer.feed_by_mid())
    answer = await peer.accept_offer(offer.jsep, send=False)
    await handle.start(answer)
    await handle.wait_webrtcup(timeout_s)
    return sub


async def leave(participant: JanusParticipant) -> None:
    """Leave the room, close the PeerConnections and destroy the session (best effort,
    every step runs even if an earlier one fails)."""
    for sub in participant.subscriptions:
        with contextlib.suppress(JanusError):
            await sub.handle.detach()
    with contextlib.suppress(JanusError):
        await participant.publisher.leave()
    with contextlib.suppress(JanusError):
        await participant.publisher.detach()
    for sub in participant.subscriptions:
        await sub.peer.close()
    await participant.pub_peer.close()
    await participant.session.destroy()


async def follow_publishers(
    participant: JanusParticipant,
    room: VideoRoom,
    *,
    media: MediaPeerOptions | None = None,
    timeout_s: float = 15.0,
) -> None:
    """Subscribe to every feed that is or becomes published in the room, batching the
    feeds known at each step into one subscription; runs until cancelled."""
    subscribed: set[int] = {f for s in participant.subscriptions for f in s.feed_by_mid.values()}

    def new_feeds() -> set[int]:
        return set(participant.publisher.active_publishers()) - subscribed - {
            participant.feed_id
        }

    while True:
        with contextlib.suppress(JanusError):
            # wait_for has no "forever": wake up now and then to look again.
            await participant.publisher.wait_for(lambda _e: bool(new_feeds()), 3600.0)
        feeds = sorted(new_feeds())
        if not feeds:
            if participant.session.closed:
                return
            continue
        subscribed.update(feeds)
        await subscribe(participant, room, feeds, media=media, timeout_s=timeout_s)


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


def participant_report(p: JanusParticipant) -> dict[str, Any]:
    video = p.video_by_feed()
    audio = p.audio_by_feed()
    return {
        "key": p.key,
        "feed": p.feed_id,
        "video_frames": {str(f): s.frames for f, s in video.items()},
        "audio_frames": {str(f): s.frames for f, s in audio.items()},
        "first_video_frame_ms": {
            str(f): _ms(None if s.first_frame_at is None else s.first_frame_at - p.joined_at)
            for f, s in video.items()
        },
    }


async def run_meeting(
    client: JanusClient,
    room: VideoRoom,
    participants: int,
    *,
    media: MediaPeerOptions | None = None,
    timeout_s: float = 20.0,
) -> list[JanusParticipant]:
    """Join ``participants`` synthetic publishers concurrently; each then subscribes to
    every other feed (a lone participant subscribes to itself, an SFU loopback)."""
    keys = [f"probe-{i}-{secrets.token_hex(3)}" for i in range(participants)]
    results = await asyncio.gather(
        *(join_and_publish(client, room, k, media=media, timeout_s=timeout_s) for k in keys),
        return_exceptions=True,
    )
    joined = [r for r in results if isinstance(r, JanusParticipant)]
    errors = [r for r in results if isinstance(r, BaseException)]
    if errors:
        await asyncio.gather(*(leave(p) for p in joined), return_exceptions=True)
        raise errors[0]
    feeds = [p.feed_id for p in joined]
    try:
        await asyncio.gather(
            *(
                subscribe(p, room, [f for f in feeds if f != p.feed_id] or [p.feed_id],
                          media=media, timeout_s=timeout_s)
                for p in joined
            )
        )
    except BaseException:
        await asyncio.gather(*(leave(p) for p in joined), return_exceptions=True)
        raise
    return joined


async def wait_all_media(
    participants: Sequence[JanusParticipant],
    timeout_s: float,
    kinds: Sequence[str] = ("video",),
) -> bool:
    """True once every subscribed stream of the given kinds decoded a frame everywhere."""

    async def one(p: JanusParticipant) -> bool:
        results = await asyncio.gather(
            *(sub.peer.wait_for_frames(mids=sub.mids(kinds), timeout_s=timeout_s)
              for sub in p.subscriptions)
        )
        return bool(p.subscriptions) and all(results)

    return all(await asyncio.gather(*(one(p) for p in participants)))


async def wait_all_video(participants: Sequence[JanusParticipant], timeout_s: float) -> bool:
    return await wait_all_media(participants, timeout_s, ("video",))


async def probe_janus(
    url: str,
    api_secret: str | None,
    *,
    participants: int = 1,
    duration: float = 2.0,
    timeout_s: float = 20.0,
    ice_servers: Sequence[IceServerConfig] = (),
    media: MediaPeerOptions | None = None,
) -> dict[str, Any]:
    """Create a private room, join ``participants`` synthetic publisher+subscribers, let
    media flow for ``duration`` seconds, clean everything up and report what arrived."""
    opts = media or MediaPeerOptions(ice_servers=ice_servers, width=320, height=240)
    report: dict[str, Any] = {"url": url, "participants": participants, "ok": False}
    started = time.monotonic()
    async with JanusClient(url, api_secret) as client:
        try:
            control = await client.create_session()
        except JanusError as exc:
            report["error"] = exc.reason
            return report
        try:
            await _probe_room(client, control, participants, duration, timeout_s, opts, report)
        except JanusError as exc:
            report["error"] = exc.reason
        finally:
            await control.destroy()
    report["elapsed_ms"] = _ms(time.monotonic() - started)
    return report


async def _probe_room(
    client: JanusClient,
    control: JanusSession,
    participants: int,
    duration: float,
    timeout_s: float,
    media: MediaPeerOptions,
    report: dict[str, Any],
) -> None:
    handle = await control.attach_videoroom()
    room = await handle.create_room(max(participants, 1))
    joined: list[JanusParticipant] = []
    try:
        joined = await run_meeting(client, room, participants, media=media, timeout_s=timeout_s)
        all_video = await wait_all_video(joined, timeout_s)
        await asyncio.sleep(duration)
        entries = [participant_report(p) for p in joined]
        firsts = [ms for e in entries for ms in e["first_video_frame_ms"].values()
                  if ms is not None]
        report["participants_report"] = entries
        report["first_video_frame_ms_median"] = statistics.median(firsts) if firsts else None
        report["ok"] = all_video
    finally:
        await asyncio.gather(*(leave(p) for p in joined), return_exceptions=True)
        await handle.destroy_room(room)
