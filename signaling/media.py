"""aiortc peers with synthetic media, for tests, ``nara video probe`` and the benchmark.

A :class:`MediaPeer` sends a drawn camera (moving bars, VP8) and a tone, and counts the
decoded frames of every remote track (keyed by the transceiver ``mid``), with the time of
the first decoded video frame. ICE servers are always explicit: aiortc would otherwise
fall back to a public STUN server.
"""

from __future__ import annotations

import asyncio
import contextlib
import fractions
import logging
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import av
import numpy as np
from aiortc import (
    MediaStreamTrack,
    RTCConfiguration,
    RTCIceServer,
    RTCPeerConnection,
    RTCSessionDescription,
)
from aiortc.mediastreams import MediaStreamError
from aiortc.rtcconfiguration import RTCBundlePolicy, RTCIceTransportPolicy
from aiortc.sdp import candidate_from_sdp

from signaling.turn import IceServerConfig

Jsep = dict[str, Any]

log = logging.getLogger("nara.signaling.media")

VIDEO_CLOCK = 90_000
AUDIO_RATE = 48_000
AUDIO_PTIME = 0.02


def split_candidates(jsep: Jsep) -> tuple[Jsep, list[Jsep]]:
    """The description without its ``a=candidate``/``a=end-of-candidates`` lines, and the
    candidates as trickle dicts (to exercise trickle with aiortc, which gathers every
    candidate before it returns a description)."""
    mids = _mids(jsep["sdp"])
    kept: list[str] = []
    candidates: list[Jsep] = []
    mline = -1
    for line in jsep["sdp"].splitlines():
        if line.startswith("m="):
            mline += 1
        if line.startswith("a=candidate:"):
            candidates.append(
                {"candidate": line[2:], "sdpMLineIndex": mline, "sdpMid": mids[mline]}
            )
        elif not line.startswith("a=end-of-candidates"):
            kept.append(line)
    return {"type": jsep["type"], "sdp": "\r\n".join(kept) + "\r\n"}, candidates


def _mids(sdp: str) -> list[str | None]:
    mids: list[str | None] = []
    for line in sdp.splitlines():
        if line.startswith("m="):
            mids.append(None)
        elif line.startswith("a=mid:") and mids:
            mids[-1] = line[len("a=mid:"):]
    return mids


class SyntheticCamera(MediaStreamTrack):
    """Moving bars in I420; frames are drawn once and cycled to keep the CPU for codecs."""

    kind = "video"

    def __init__(self, width: int = 320, height: int = 240, fps: int = 15) -> None:
        super().__init__()
        self.fps = fps
        self._frames = [self._draw(width, height, i, fps) for i in range(fps)]
        self._start: float | None = None
        self._count = 0

    @staticmethod
    def _draw(width: int, height: int, index: int, fps: int) -> np.ndarray:
        x = np.arange(width, dtype=np.int32)
        shift = index * width // fps
        row = ((x + shift) % width * 255 // width).astype(np.uint8)
        y_plane = np.tile(row, (height, 1))
        u = np.full((height // 2, width // 2), 90 + 4 * index % 80, np.uint8)
        v = np.full((height // 2, width // 2), 160, np.uint8)
        yuv = np.concatenate([y_plane, u.reshape(-1, width), v.reshape(-1, width)])
        return yuv

    async def recv(self) -> av.VideoFrame:
        if self.readyState != "live":
            raise MediaStreamError
        now = time.monotonic()
        if self._start is None:
            self._start = now
        else:
            due = self._start + self._count / self.fps
            if due > now:
                await asyncio.sleep(due - now)
        frame = av.VideoFrame.from_ndarray(
            self._frames[self._count % len(self._frames)], format="yuv420p"
        )
        frame.pts = self._count * VIDEO_CLOCK // self.fps
        frame.time_base = fractions.Fraction(1, VIDEO_CLOCK)
        self._count += 1
        return frame


class ToneMicrophone(MediaStreamTrack):
    """A 440 Hz sine, 20 ms mono s16 frames at 48 kHz."""

    kind = "audio"

    def __init__(self, frequency: float = 440.0) -> None:
        super().__init__()
        samples = int(AUDIO_RATE * AUDIO_PTIME)
        t = np.arange(AUDIO_RATE) / AUDIO_RATE  # one second, cycled
        self._wave = (np.sin(2 * math.pi * frequency * t) * 8000).astype(np.int16)
        self._samples = samples
        self._start: float | None = None
        self._count = 0

    async def recv(self) -> av.AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        now = time.monotonic()
        if self._start is None:
            self._start = now
        else:
            due = self._start + self._count * AUDIO_PTIME
            if due > now:
                await asyncio.sleep(due - now)
        offset = (self._count * self._samples) % AUDIO_RATE
        chunk = self._wave[offset : offset + self._samples].reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(chunk, format="s16", layout="mono")
        frame.sample_rate = AUDIO_RATE
        frame.pts = self._count * self._samples
        frame.time_base = fractions.Fraction(1, AUDIO_RATE)
        self._count += 1
        return frame


@dataclass
class RemoteTrackStats:
    mid: str
    kind: str
    frames: int = 0
    first_frame_at: float | None = None  # time.monotonic() of the first decoded frame
    width: int | None = None
    height: int | None = None


def rtc_ice_servers(servers: Sequence[IceServerConfig]) -> list[RTCIceServer]:
    return [
        RTCIceServer(urls=list(s.urls), username=s.username, credential=s.credential)
        for s in servers
    ]


@dataclass
class MediaPeerOptions:
    ice_servers: Sequence[IceServerConfig] = ()
    relay_only: bool = False
    send_video: bool = True
    send_audio: bool = True
    width: int = 320
    height: int = 240
    fps: int = 15
    extra: dict[str, Any] = field(default_factory=dict)


class MediaPeer:
    """One RTCPeerConnection with synthetic outgoing media and counted incoming media."""

    def __init__(self, name: str = "peer", options: MediaPeerOptions | None = None) -> None:
        self.name = name
        self.options = options or MediaPeerOptions()
        policy = RTCIceTransportPolicy.RELAY if self.options.relay_only else (
            RTCIceTransportPolicy.ALL
        )
        config = RTCConfiguration(
            iceServers=rtc_ice_servers(self.options.ice_servers),  # [] = no STUN at all
            iceTransportPolicy=policy,
            # With aiortc's default "balanced" policy the second audio m-line of a Janus
            # multistream offer stays on a discarded transport and its packets get routed
            # to the first audio track; max-bundle puts every m-line on one transport.
            bundlePolicy=RTCBundlePolicy.MAX_BUNDLE,
        )
        self.pc = RTCPeerConnection(configuration=config)
        self.stats: dict[str, RemoteTrackStats] = {}
        self.created_at = time.monotonic()
        self._consumers: list[asyncio.Task[None]] = []
        self._state_changed = asyncio.Event()
        self._frame_arrived = asyncio.Event()
        self.camera: SyntheticCamera | None = None
        self.microphone: ToneMicrophone | None = None
        self.pc.on("track", self._on_track)
        self.pc.on("connectionstatechange", self._state_changed.set)

    def add_local_media(self) -> None:
        """Attach camera and microphone (before creating the offer or the answer)."""
        if self.options.send_video and self.camera is None:
            self.camera = SyntheticCamera(self.options.width, self.options.height,
                                          self.options.fps)
            self.pc.addTrack(self.camera)
        if self.options.send_audio and self.microphone is None:
            self.microphone = ToneMicrophone()
            self.pc.addTrack(self.microphone)

    # --- negotiation -------------------------------------------------------------------

    async def create_offer(self) -> Jsep:
        """Offer with all candidates included (aiortc gathers before returning)."""
        self.add_local_media()
        await self.pc.setLocalDescription(await self.pc.createOffer())
        return self.local_jsep()

    async def accept_offer(self, offer: Jsep, *, send: bool = True) -> Jsep:
        await self.pc.setRemoteDescription(RTCSessionDescription(offer["sdp"], offer["type"]))
        if send:
            self.add_local_media()
        await self.pc.setLocalDescription(await self.pc.createAnswer())
        return self.local_jsep()

    async def apply_answer(self, answer: Jsep) -> None:
        await self.pc.setRemoteDescription(RTCSessionDescription(answer["sdp"], answer["type"]))

    async def add_candidate(self, candidate: Jsep | None) -> None:
        """A trickled candidate (``{"candidate", "sdpMid", "sdpMLineIndex"}``) or None for
        end-of-candidates."""
        if candidate is None or not candidate.get("candidate"):
            await self.pc.addIceCandidate(None)
            return
        line = str(candidate["candidate"]).removeprefix("candidate:")
        ice = candidate_from_sdp(line)
        ice.sdpMid = candidate.get("sdpMid")
        ice.sdpMLineIndex = candidate.get("sdpMLineIndex")
        await self.pc.addIceCandidate(ice)

    def local_jsep(self) -> Jsep:
        desc = self.pc.localDescription
        return {"type": desc.type, "sdp": desc.sdp}

    def local_candidate_types(self) -> set[str]:
        desc = self.pc.localDescription
        if desc is None:
            return set()
        return {
            line.split(" typ ")[1].split()[0]
            for line in desc.sdp.splitlines()
            if line.startswith("a=candidate:") and " typ " in line
        }

    # --- incoming media ----------------------------------------------------------------

    def _on_track(self, track: MediaStreamTrack) -> None:
        mid = next(
            (t.mid for t in self.pc.getTransceivers() if t.receiver.track is track), None
        ) or str(len(self.stats))
        stats = RemoteTrackStats(mid=str(mid), kind=track.kind)
        self.stats[stats.mid] = stats
        self._consumers.append(asyncio.create_task(self._consume(track, stats)))

    async def _consume(self, track: MediaStreamTrack, stats: RemoteTrackStats) -> None:
        while True:
            try:
                frame = await track.recv()
            except MediaStreamError:
                return
            if stats.first_frame_at is None:
                stats.first_frame_at = time.monotonic()
                if isinstance(frame, av.VideoFrame):
                    stats.width, stats.height = frame.width, frame.height
            stats.frames += 1
            self._frame_arrived.set()

    def video_stats(self) -> list[RemoteTrackStats]:
        return [s for s in self.stats.values() if s.kind == "video"]

    def audio_stats(self) -> list[RemoteTrackStats]:
        return [s for s in self.stats.values() if s.kind == "audio"]

    async def wait_for_frames(
        self,
        *,
        video_tracks: int = 1,
        audio_tracks: int = 0,
        min_frames: int = 1,
        timeout_s: float = 15.0,
        mids: Sequence[str] | None = None,
    ) -> bool:
        """True once ``video_tracks`` video and ``audio_tracks`` audio tracks (or every mid
        in ``mids``) have decoded ``min_frames``; False on timeout (callers assert)."""

        def done() -> bool:
            if mids is not None:
                return all(m in self.stats and self.stats[m].frames >= min_frames
                           for m in mids)
            vids = sum(1 for s in self.video_stats() if s.frames >= min_frames)
            auds = sum(1 for s in self.audio_stats() if s.frames >= min_frames)
            return vids >= video_tracks and auds >= audio_tracks

        async def loop() -> None:
            while not done():
                self._frame_arrived.clear()
                await self._frame_arrived.wait()

        try:
            await asyncio.wait_for(loop(), timeout_s)
        except TimeoutError:
            return False
        return True

    async def wait_connection(self, timeout_s: float = 15.0) -> str:
        """Wait until the connection is ``connected`` or ``failed``/``closed`` (or the timeout);
        returns the final state."""

        async def loop() -> None:
            while self.pc.connectionState not in ("connected", "failed", "closed"):
                self._state_changed.clear()
                await self._state_changed.wait()

        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(loop(), timeout_s)
        return str(self.pc.connectionState)

    async def close(self) -> None:
        await self.pc.close()
        for task in self._consumers:
            task.cancel()
        for task in self._consumers:
            with contextlib.suppress(asyncio.CancelledError):
                await task
