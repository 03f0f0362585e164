"""Video benchmark: time from join to the first decoded remote frame (mesh and Janus SFU)
and Janus's CPU use, with synthetic aiortc participants.

Every meeting is N-1 participants already talking plus one late joiner; the figures are
the joiner's (join started → first decoded frame of each other participant) and the
others' (joiner's join started → first decoded frame of the joiner). Janus CPU is read
from /proc/<pid>/stat over a steady window with all N in the meeting.

Run as root (Janus runs in a network namespace):
    .venv/bin/python bench/video.py [--sfu 2,4,6,8] [--mesh 2,4] [--window 5]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from signaling.janus import JanusClient, VideoRoom  # noqa: E402
from signaling.media import MediaPeer, MediaPeerOptions  # noqa: E402
from signaling.probe import (  # noqa: E402
    JanusParticipant,
    join_and_publish,
    leave,
    subscribe,
    wait_all_media,
)
from signaling.testing.harness import JanusServer, running_janus  # noqa: E402

CLK_TCK = os.sysconf("SC_CLK_TCK")


def proc_cpu_seconds(pid: int) -> float:
    """utime + stime of a process from /proc/<pid>/stat (fields 14 and 15)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


@dataclass
class Row:
    mode: str
    n: int
    joiner_ms: list[float]
    seen_by_others_ms: list[float]
    janus_cpu_pct: float | None
    bench_cpu_pct: float
    recv_fps: float

    def cells(self) -> list[str]:
        def med(xs: list[float]) -> str:
            return f"{statistics.median(xs):.0f}" if xs else "-"

        def mx(xs: list[float]) -> str:
            return f"{max(xs):.0f}" if xs else "-"

        return [
            self.mode,
            str(self.n),
            med(self.joiner_ms),
            mx(self.joiner_ms),
            med(self.seen_by_others_ms),
            "-" if self.janus_cpu_pct is None else f"{self.janus_cpu_pct:.1f}",
            f"{self.bench_cpu_pct:.0f}",
            f"{self.recv_fps:.1f}",
        ]


HEADER = ["mode", "N", "joiner ms (med)", "joiner ms (max)", "others see joiner ms (med)",
          "janus CPU %", "bench CPU %", "recv fps/stream"]


def ms_since(start: float, at: float | None) -> float | None:
    return None if at is None else (at - start) * 1000


class CpuWindow:
    def __init__(self, janus_pid: int | None) -> None:
        self.janus_pid = janus_pid

    async def measure(self, seconds: float) -> tuple[float | None, float]:
        j0 = proc_cpu_seconds(self.janus_pid) if self.janus_pid else None
        b0, t0 = time.process_time(), time.monotonic()
        await asyncio.sleep(seconds)
        wall = time.monotonic() - t0
        janus = None
        if self.janus_pid and j0 is not None:
            janus = (proc_cpu_seconds(self.janus_pid) - j0) / wall * 100
        return janus, (time.process_time() - b0) / wall * 100


async def sfu_round(server: JanusServer, n: int, media: MediaPeerOptions,
                    window: float, timeout_s: float) -> Row:
    async with JanusClient(server.url, server.api_secret) as client:
        control = await client.create_session()
        handle = await control.attach_videoroom()
        room = await handle.create_room(publishers=n)
        people: list[JanusParticipant] = []
        try:
            first = await asyncio.gather(
                *(join_and_publish(client, room, f"bench-{i}", media=media, timeout_s=timeout_s)
                  for i in range(n - 1))
            )
            people.extend(first)
            if len(first) > 1:
                await asyncio.gather(*(
                    subscribe(p, room, [q.feed_id for q in first if q is not p], media=media,
                              timeout_s=timeout_s)
                    for p in first
                ))
                assert await wait_all_media(first, timeout_s)
            # The late joiner: publish, then subscribe to everyone already there while
            # they, told by Janus about the new publisher, subscribe to it.
            joiner = await join_and_publish(client, room, "bench-joiner", media=media,
                                            timeout_s=timeout_s)
            people.append(joiner)
            await asyncio.gather(
                subscribe(joiner, room, [p.feed_id for p in first], media=media,
                          timeout_s=timeout_s),
                *(_subscribe_when_announced(p, room, joiner.feed_id, media, timeout_s)
                  for p in first),
            )
            assert await wait_all_media(people, timeout_s), "not every stream decoded"
            joiner_ms = [
                v for s in joiner.video_by_feed().values()
                if (v := ms_since(joiner.joined_at, s.first_frame_at)) is not None
            ]
            seen_ms = [
                v for p in first
                if (st := p.video_by_feed().get(joiner.feed_id)) is not None
                and (v := ms_since(joiner.joined_at, st.first_frame_at)) is not None
            ]
            frames0 = _video_frames(people)
            janus_cpu, bench_cpu = await CpuWindow(server.pid).measure(window)
            fps = (_video_frames(people) - frames0) / window / max(1, n * (n - 1))
            return Row("sfu", n, joiner_ms, seen_ms, janus_cpu, bench_cpu, fps)
        finally:
            await asyncio.gather(*(leave(p) for p in people), return_exceptions=True)
            await handle.destroy_room(room)
            await control.destroy()


async def _subscribe_when_announced(p: JanusParticipant, room: VideoRoom, feed: int,
                                    media: MediaPeerOptions, timeout_s: float) -> None:
    await p.publisher.wait_for(lambda _e: feed in p.publisher.active_publishers(), timeout_s)
    await subscribe(p, room, [feed], media=media, timeout_s=timeout_s)


def _video_frames(people: list[JanusParticipant]) -> int:
    return sum(s.frames for p in people for s in p.video_by_feed().values())


async def _connect_pair(a: MediaPeer, b: MediaPeer) -> None:
    answer = await b.accept_offer(await a.create_offer())
    await a.apply_answer(answer)


async def mesh_round(n: int, media: MediaPeerOptions, window: float, timeout_s: float) -> Row:
    # links[(i, j)] is participant i's PeerConnection towards j.
    links: dict[tuple[int, int], MediaPeer] = {}
    try:
        for i in range(n - 1):
            for j in range(i + 1, n - 1):
                links[i, j] = MediaPeer(f"m{i}-{j}", media)
                links[j, i] = MediaPeer(f"m{j}-{i}", media)
        await asyncio.gather(*(_connect_pair(links[i, j], links[j, i])
                               for (i, j) in list(links) if i < j))
        ok = await asyncio.gather(*(pc.wait_for_frames(timeout_s=timeout_s)
                                    for pc in links.values()))
        assert all(ok)
        joiner = n - 1
        started = time.monotonic()
        for i in range(n - 1):
            links[joiner, i] = MediaPeer(f"m{joiner}-{i}", media)
            links[i, joiner] = MediaPeer(f"m{i}-{joiner}", media)
        await asyncio.gather(*(_connect_pair(links[joiner, i], links[i, joiner])
                               for i in range(n - 1)))
        ok = await asyncio.gather(*(pc.wait_for_frames(timeout_s=timeout_s)
                                    for pc in links.values()))
        assert all(ok), "not every stream decoded"

        def first(pc: MediaPeer) -> float | None:
            firsts = [s.first_frame_at for s in pc.video_stats() if s.first_frame_at]
            return ms_since(started, min(firsts)) if firsts else None

        joiner_ms = [v for i in range(n - 1) if (v := first(links[joiner, i])) is not None]
        seen_ms = [v for i in range(n - 1) if (v := first(links[i, joiner])) is not None]
        frames0 = sum(s.frames for pc in links.values() for s in pc.video_stats())
        _, bench_cpu = await CpuWindow(None).measure(window)
        frames1 = sum(s.frames for pc in links.values() for s in pc.video_stats())
        fps = (frames1 - frames0) / window / max(1, n * (n - 1))
        return Row("mesh", n, joiner_ms, seen_ms, None, bench_cpu, fps)
    finally:
        await asyncio.gather(*(pc.close() for pc in links.values()), return_exceptions=True)


def print_table(rows: list[Row]) -> None:
    table = [HEADER] + [r.cells() for r in rows]
    widths = [max(len(r[c]) for r in table) for c in range(len(HEADER))]
    for k, r in enumerate(table):
        print("  ".join(cell.rjust(w) for cell, w in zip(r, widths, strict=True)))
        if k == 0:
            print("  ".join("-" * w for w in widths))


def parse_sizes(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sfu", default="2,4,6,8", help="meeting sizes through Janus")
    parser.add_argument("--mesh", default="2,4", help="meeting sizes in mesh")
    parser.add_argument("--window", type=float, default=5.0, help="CPU window, seconds")
    parser.add_argument("--width", type=int, default=320)
    parser.add_argument("--height", type=int, default=240)
    parser.add_argument("--fps", type=int, default=15)
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args()
    media = MediaPeerOptions(width=args.width, height=args.height, fps=args.fps)
    rows: list[Row] = []
    print(f"# {args.width}x{args.height} VP8 @ {args.fps} fps + opus, {os.cpu_count()} CPUs, "
          f"CPU %: 100 = one core", flush=True)
    for n in parse_sizes(args.mesh):
        rows.append(await mesh_round(n, media, args.window, args.timeout))
        print("  ".join(rows[-1].cells()), flush=True)
    if parse_sizes(args.sfu):
        async with running_janus() as server:
            for n in parse_sizes(args.sfu):
                rows.append(await sfu_round(server, n, media, args.window, args.timeout))
                print("  ".join(rows[-1].cells()), flush=True)
            print(f"# janus pid {server.pid}: total CPU "
                  f"{proc_cpu_seconds(server.pid):.1f} s", flush=True)
    print()
    print_table(rows)


if __name__ == "__main__":
    asyncio.run(main())
