"""Video benchmark: time from join to the first decoded remote frame (mesh and Janus SFU)
and Janus's CPU use, with synthetic aiortc participants.

Every meeting is N-1 participants already talking plus one late joiner; the figures are
the joiner's (join started → first decoded frame of each other participant) and the
others' (joiner's join started → first decoded frame of the joiner). Janus CPU is read
from /proc/<pid>/stat over a steady window with all N in the meeting. SFU participants
run in worker processes (one asyncio process tops out at one core); "bench CPU" is the
participants' CPU (all workers, or the one mesh process), 100 = one core.

Run as root (Janus runs in a network namespace):
    .venv/bin/python bench/video.py [--sfu 2,4,6,8] [--mesh 2,4] [--window 5]

``--servers 2`` runs the through-server rows on two ``nara serve`` processes sharing Redis
(``REDIS_URL``, default redis://127.0.0.1:6379/0) and one SQLite file: participants are spread
over both processes, so every meeting has sockets on a process that does not own it (rows
``nara-*-2p``; "server CPU" is both processes together).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import faulthandler
import json
import multiprocessing as mp
import os
import signal
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp  # noqa: E402

from server.demo import DEMO_PASSWORD  # noqa: E402
from signaling.client import MeetingClient, MeetingError  # noqa: E402
from signaling.janus import JanusClient, VideoRoom  # noqa: E402
from signaling.media import MediaPeer, MediaPeerOptions  # noqa: E402
from signaling.probe import (  # noqa: E402
    JanusParticipant,
    follow_publishers,
    join_and_publish,
    leave,
)
from signaling.testing.harness import JanusServer, running_janus  # noqa: E402

CLK_TCK = os.sysconf("SC_CLK_TCK")
ROOT = Path(__file__).resolve().parents[1]


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
    server_cpu_pct: float | None = None  # the Nära server process (through-server rows)
    server_setup_ms: float | None = None  # server CPU from the first join to all-see-all

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
            "-" if self.server_setup_ms is None else f"{self.server_setup_ms:.0f}",
            "-" if self.server_cpu_pct is None else f"{self.server_cpu_pct:.1f}",
            "-" if self.janus_cpu_pct is None else f"{self.janus_cpu_pct:.1f}",
            f"{self.bench_cpu_pct:.0f}",
            f"{self.recv_fps:.1f}",
        ]


HEADER = ["mode", "N", "joiner ms (med)", "joiner ms (max)", "others see joiner ms (med)",
          "server CPU ms (setup)", "server CPU %", "janus CPU %", "bench CPU %", "recv fps/stream"]


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


# --- SFU: participants in worker processes (one Python process saturates one core) ------


@dataclass(frozen=True)
class WorkerConfig:
    url: str
    api_secret: str
    room: VideoRoom
    media: MediaPeerOptions
    timeout_s: float


def _worker(conn: Connection, cfg: WorkerConfig) -> None:
    asyncio.run(_worker_main(conn, cfg))


async def _warm_up(media: MediaPeerOptions) -> None:
    """First PeerConnection of a process pays for certificate generation and codec set-up;
    keep that out of the join figures."""
    a, b = MediaPeer("warm-a", media), MediaPeer("warm-b", media)
    try:
        await _connect_pair(a, b)
        await b.wait_for_frames(timeout_s=20)
    finally:
        await a.close()
        await b.close()


async def _worker_main(conn: Connection, cfg: WorkerConfig) -> None:
    """Commands from the bench: ("join", key...) | ("report",) | ("leave",)."""
    await _warm_up(cfg.media)
    people: list[JanusParticipant] = []
    followers: list[asyncio.Task[None]] = []
    async with JanusClient(cfg.url, cfg.api_secret) as client:
        while True:
            cmd = await asyncio.to_thread(conn.recv)
            if cmd[0] == "join":
                joined = await asyncio.gather(*(
                    join_and_publish(client, cfg.room, key, media=cfg.media,
                                     timeout_s=cfg.timeout_s)
                    for key in cmd[1:]
                ))
                for p in joined:
                    people.append(p)
                    followers.append(asyncio.create_task(follow_publishers(
                        p, cfg.room, media=cfg.media, timeout_s=cfg.timeout_s)))
                conn.send([(p.key, p.feed_id, p.joined_at) for p in joined])
            elif cmd[0] == "report":
                conn.send(({
                    p.key: {
                        "feed": p.feed_id,
                        "joined_at": p.joined_at,
                        "first": {f: st.first_frame_at for f, st in p.video_by_feed().items()},
                        "frames": {f: st.frames for f, st in p.video_by_feed().items()},
                    }
                    for p in people
                }, time.process_time()))
            elif cmd[0] == "leave":
                for task in followers:
                    task.cancel()
                await asyncio.gather(*followers, return_exceptions=True)
                await asyncio.gather(*(leave(p) for p in people), return_exceptions=True)
                conn.send("left")
                return


class Workers:
    def __init__(self, count: int, cfg: WorkerConfig) -> None:
        ctx = mp.get_context("spawn")
        self.conns: list[Connection] = []
        self.procs: list[BaseProcess] = []
        self.locks: list[asyncio.Lock] = []
        self._next = 0  # round-robin position across join calls
        for _ in range(count):
            parent, child = ctx.Pipe()
            proc = ctx.Process(target=_worker, args=(child, cfg), daemon=True)
            proc.start()
            self.conns.append(parent)
            self.procs.append(proc)
            self.locks.append(asyncio.Lock())

    async def ask(self, index: int, cmd: tuple[str, ...]) -> Any:
        # One request at a time per pipe: answers carry no id.
        async with self.locks[index]:
            conn = self.conns[index]
            conn.send(cmd)
            return await asyncio.to_thread(conn.recv)

    async def join(self, keys: list[str]) -> list[tuple[str, int, float]]:
        """Join ``keys`` spread round-robin over the workers, all at the same time."""
        count = len(self.conns)
        groups: list[list[str]] = [[] for _ in range(count)]
        for key in keys:
            groups[self._next % count].append(key)
            self._next += 1
        parts = await asyncio.gather(*(self.ask(i, ("join", *g))
                                       for i, g in enumerate(groups) if g))
        return [x for part in parts for x in part]

    async def report(self) -> tuple[dict[str, Any], float]:
        parts = await asyncio.gather(*(self.ask(i, ("report",)) for i in range(len(self.conns))))
        merged: dict[str, Any] = {}
        for people, _ in parts:
            merged.update(people)
        return merged, sum(cpu for _, cpu in parts)

    async def close(self) -> None:
        await asyncio.gather(*(self.ask(i, ("leave",)) for i in range(len(self.conns))),
                             return_exceptions=True)
        for proc in self.procs:
            proc.join(timeout=10)
            if proc.is_alive():
                proc.kill()


async def _wait_full_mesh(workers: Workers, keys: list[str], timeout_s: float) -> dict[str, Any]:
    """Until every participant in ``keys`` decoded video from every other one."""
    deadline = time.monotonic() + timeout_s
    while True:
        report, _ = await workers.report()
        feeds = {report[k]["feed"] for k in keys}
        if all(
            all(report[k]["frames"].get(f, 0) > 0 for f in feeds - {report[k]["feed"]})
            for k in keys
        ):
            return report
        if time.monotonic() > deadline:
            raise TimeoutError("not every stream decoded")
        await asyncio.sleep(0.05)


async def sfu_round(server: JanusServer, n: int, media: MediaPeerOptions,
                    window: float, timeout_s: float, processes: int) -> Row:
    async with JanusClient(server.url, server.api_secret) as client:
        control = await client.create_session()
        handle = await control.attach_videoroom()
        room = await handle.create_room(publishers=n)
        cfg = WorkerConfig(server.url, server.api_secret, room, media, timeout_s)
        workers = Workers(processes, cfg)
        try:
            keys = [f"bench-{i}" for i in range(n - 1)]
            await workers.join(keys)
            await _wait_full_mesh(workers, keys, timeout_s)
            # The late joiner; the others hear of it from Janus and subscribe on their own.
            ((joiner, joiner_feed, joined_at),) = await workers.join(["bench-joiner"])
            everyone = [*keys, joiner]
            report = await _wait_full_mesh(workers, everyone, timeout_s)
            joiner_ms = [(t - joined_at) * 1000 for t in report[joiner]["first"].values()]
            seen_ms = [(report[k]["first"][joiner_feed] - joined_at) * 1000 for k in keys]
            frames0 = _frames(report)
            j0, t0 = proc_cpu_seconds(server.pid), time.monotonic()
            _, cpu0 = await workers.report()
            await asyncio.sleep(window)
            report, cpu1 = await workers.report()
            wall = time.monotonic() - t0
            janus_cpu = (proc_cpu_seconds(server.pid) - j0) / wall * 100
            fps = (_frames(report) - frames0) / wall / max(1, n * (n - 1))
            return Row("sfu", n, joiner_ms, seen_ms, janus_cpu, (cpu1 - cpu0) / wall * 100, fps)
        finally:
            await workers.close()
            await handle.destroy_room(room)
            await control.destroy()


def _frames(report: dict[str, Any]) -> int:
    return sum(sum(r["frames"].values()) for r in report.values())


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


# --- Through the Nära server: MeetingClients on /video, the server in its own process -----

# A standalone meeting: sara creates it (host), the others are members. Staff enter
# directly; anna (patient) waits and sara's client admits her. The late joiner is staff.
NARA_USERS = ["sara", "anna", "ulla", "fia", "kim", "bodil", "dan", "lars"]


@dataclass(frozen=True)
class NaraWorkerConfig:
    base_url: str
    width: int
    height: int
    fps: int


def _nara_worker(conn: Connection, cfg: NaraWorkerConfig) -> None:
    asyncio.run(_nara_worker_main(conn, cfg))


async def _auto_admit(host: MeetingClient) -> None:
    """The host admits whoever waits (the bench's patient)."""
    while True:
        for w in list(host.waiting):
            with contextlib.suppress(MeetingError):
                await host.call("admit", {"participant_id": w["id"]})
        await host.wait_until(lambda: bool(host.waiting), timeout_s=5)


async def _nara_worker_main(conn: Connection, cfg: NaraWorkerConfig) -> None:
    """("join", meeting, (user, token)...) | ("report",) | ("leave",) | ("quit",)."""
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    await _warm_up(MediaPeerOptions(width=cfg.width, height=cfg.height, fps=cfg.fps))
    clients: list[MeetingClient] = []
    admitters: list[asyncio.Task[None]] = []
    while True:
        cmd = await asyncio.to_thread(conn.recv)
        if cmd[0] == "join":
            async def one(user: str, token: str, meeting: str = cmd[1]) -> MeetingClient:
                c = MeetingClient(user, size=(cfg.width, cfg.height), fps=cfg.fps)
                await c.connect(cfg.base_url, token)
                await c.join(meeting)
                if c.me["role"] == "host":
                    admitters.append(asyncio.create_task(_auto_admit(c)))
                return c

            joined = await asyncio.gather(*(one(u, t) for u, t in cmd[2:]))
            clients.extend(joined)
            conn.send([(c.name, c.me["id"], c.joined_at) for c in joined])
        elif cmd[0] == "report":
            out = {}
            for c in clients:
                got = c.received()
                out[c.name] = {
                    "pid": c.me.get("id"),
                    "joined_at": c.joined_at,
                    "topology": c.topology,
                    "first": {
                        pid: c.joined_at + r["first_video_ms"] / 1000
                        for pid, r in got.items() if r["first_video_ms"] is not None
                    },
                    "frames": {pid: r["video_frames"] for pid, r in got.items()},
                }
            conn.send((out, time.process_time()))
        elif cmd[0] == "leave":
            for task in admitters:
                task.cancel()
            admitters.clear()
            for c in clients:
                if c.me.get("role") == "host" and c.state == "admitted":
                    with contextlib.suppress(MeetingError):
                        await c.call("end")
            await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)
            clients.clear()
            conn.send("left")
        elif cmd[0] == "quit":
            conn.send("bye")
            return


class NaraWorkers(Workers):
    def __init__(self, count: int, cfg: NaraWorkerConfig,  # noqa: D107
                 urls: list[str] | None = None) -> None:
        ctx = mp.get_context("spawn")
        self.conns, self.procs, self.locks = [], [], []
        self._next = 0
        for i in range(count):
            parent, child = ctx.Pipe()
            mine = cfg if not urls else NaraWorkerConfig(
                urls[i % len(urls)], cfg.width, cfg.height, cfg.fps)
            proc = ctx.Process(target=_nara_worker, args=(child, mine), daemon=True)
            proc.start()
            self.conns.append(parent)
            self.procs.append(proc)
            self.locks.append(asyncio.Lock())

    async def join_users(self, meeting: str, users: list[tuple[str, str]]) -> list[Any]:
        count = len(self.conns)
        groups: list[list[tuple[str, str]]] = [[] for _ in range(count)]
        for u in users:
            groups[self._next % count].append(u)
            self._next += 1
        parts = await asyncio.gather(*(self.ask(i, ("join", meeting, *g))
                                       for i, g in enumerate(groups) if g))
        return [x for part in parts for x in part]

    async def leave_all(self) -> None:
        await asyncio.gather(*(self.ask(i, ("leave",)) for i in range(len(self.conns))))

    async def close(self) -> None:
        await asyncio.gather(*(self.ask(i, ("quit",)) for i in range(len(self.conns))),
                             return_exceptions=True)
        for proc in self.procs:
            proc.join(timeout=10)
            if proc.is_alive():
                proc.kill()


async def _nara_all_see_all(workers: NaraWorkers, names: list[str],
                            timeout_s: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while True:
        report, _ = await workers.report()
        pids = {report[n]["pid"] for n in names}
        if all(all(report[n]["frames"].get(p, 0) > 0 for p in pids - {report[n]["pid"]})
               for n in names):
            return report
        if time.monotonic() > deadline:
            raise TimeoutError("not every stream decoded through the server")
        await asyncio.sleep(0.05)


class NaraServer:
    """``nara serve`` in its own process on a fresh SQLite demo database (with ``redis_url``,
    one of several processes sharing it)."""

    def __init__(self, tmp: Path, env: dict[str, str], redis_url: str = "") -> None:
        self.tmp, self.extra, self.redis_url = tmp, env, redis_url
        self.proc: asyncio.subprocess.Process | None = None
        self.base_url = ""

    def _env(self) -> dict[str, str]:
        return {**os.environ, "NARA_DATA_DIR": str(self.tmp),
                "DATABASE_URL": f"sqlite:///{self.tmp / 'nara.sqlite3'}",
                "REDIS_URL": self.redis_url, "NARA_REDIS_CHANNEL": f"bench-{self.tmp.name}",
                "NARA_HOST": "127.0.0.1", "NARA_PORT": "0", "NARA_NLP": "0", **self.extra}

    async def start(self) -> str:
        root = str(ROOT)
        if not (self.tmp / "nara.sqlite3").exists():
            for cmd in (["db", "upgrade"], ["demo"]):
                setup = await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "server.cli", *cmd, env=self._env(), cwd=root,
                    stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
                assert await setup.wait() == 0, cmd
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "server.cli", "serve", env=self._env(), cwd=root,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL)
        assert self.proc.stdout is not None
        while True:
            line = await asyncio.wait_for(self.proc.stdout.readline(), 60)
            assert line, "nara serve exited"
            if b"listens on " in line:
                self.base_url = line.split(b"listens on ")[1].split()[0].decode().rstrip("/")
                return self.base_url

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    async def stop(self) -> None:
        if self.proc and self.proc.returncode is None:
            self.proc.terminate()
            try:
                await asyncio.wait_for(self.proc.wait(), 90)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()


async def _nara_login(http: aiohttp.ClientSession, base: str, user: str) -> str:
    async with http.post(f"{base}/api/v1/auth/login",
                         json={"username": user, "password": DEMO_PASSWORD}) as r:
        assert r.status == 200, await r.text()
        return str((await r.json())["token"])


def _servers_cpu(servers: list[NaraServer]) -> float:
    return sum(proc_cpu_seconds(s.pid) for s in servers)


async def nara_round(servers: list[NaraServer], janus_pid: int | None, mode: str, n: int,
                     tokens: dict[str, str], user_ids: dict[str, str], workers: NaraWorkers,
                     window: float, timeout_s: float) -> Row:
    server = servers[0]
    users = NARA_USERS[: n - 1] + [NARA_USERS[-1]]  # the last one is the late joiner
    async with aiohttp.ClientSession() as http:
        async with http.post(
            f"{server.base_url}/api/v1/meetings",
            json={"title": "bench", "member_ids": [user_ids[u] for u in users[1:]]},
            headers={"Authorization": f"Bearer {tokens['sara']}"},
        ) as r:
            assert r.status == 201, await r.text()
            meeting = (await r.json())["id"]
    try:
        setup0 = _servers_cpu(servers)
        first = users[:-1]
        await workers.join_users(meeting, [(u, tokens[u]) for u in first])
        await _nara_all_see_all(workers, first, timeout_s)
        ((joiner, joiner_pid, joined_at),) = await workers.join_users(
            meeting, [(users[-1], tokens[users[-1]])])
        report = await _nara_all_see_all(workers, users, timeout_s)
        setup_ms = (_servers_cpu(servers) - setup0) * 1000
        assert {report[u]["topology"] for u in users} == {mode}, report
        joiner_ms = [(t - joined_at) * 1000 for t in report[joiner]["first"].values()]
        seen_ms = [(report[u]["first"][joiner_pid] - joined_at) * 1000 for u in first]

        def frames(rep: dict[str, Any]) -> int:
            return sum(sum(r["frames"].values()) for r in rep.values())

        frames0 = frames(report)
        s0 = _servers_cpu(servers)
        j0 = proc_cpu_seconds(janus_pid) if janus_pid else None
        _, cpu0 = await workers.report()
        t0 = time.monotonic()
        await asyncio.sleep(window)
        report, cpu1 = await workers.report()
        wall = time.monotonic() - t0
        server_cpu = (_servers_cpu(servers) - s0) / wall * 100
        janus_cpu = ((proc_cpu_seconds(janus_pid) - j0) / wall * 100
                     if janus_pid and j0 is not None else None)
        fps = (frames(report) - frames0) / wall / max(1, n * (n - 1))
        label = f"nara-{mode}" + (f"-{len(servers)}p" if len(servers) > 1 else "")
        return Row(label, n, joiner_ms, seen_ms, janus_cpu,
                   (cpu1 - cpu0) / wall * 100, fps, server_cpu, setup_ms)
    finally:
        await workers.leave_all()


async def nara_bench(mode: str, sizes: list[int], args: argparse.Namespace,
                     janus: JanusServer | None) -> list[Row]:
    env = {"NARA_VIDEO_MESH_MAX": "8" if mode == "mesh" else "1",
           "NARA_VIDEO_MAX_PARTICIPANTS": "8"}
    if janus is not None:
        env["NARA_JANUS_SERVERS"] = json.dumps([{
            "name": "bench", "url": janus.url, "api_secret": janus.api_secret,
            "admin_url": janus.admin_url, "admin_secret": janus.admin_secret}])
    redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    with tempfile.TemporaryDirectory(prefix="nara-bench-") as tmp:
        servers = [NaraServer(Path(tmp), env, redis_url if args.servers > 1 else "")
                   for _ in range(args.servers)]
        for server in servers:
            await server.start()
        cfg = NaraWorkerConfig(servers[0].base_url, args.width, args.height, args.fps)
        workers = NaraWorkers(max(args.processes, args.servers), cfg,
                              [s.base_url for s in servers])
        rows: list[Row] = []
        try:
            async with aiohttp.ClientSession() as http:
                tokens = {u: await _nara_login(http, servers[0].base_url, u)
                          for u in NARA_USERS}
            user_ids = await _demo_user_ids(Path(tmp))
            for n in sizes:
                rounds = []
                for _ in range(args.rounds):
                    rounds.append(await nara_round(
                        servers, janus.pid if janus else None, mode, n, tokens, user_ids,
                        workers, args.window, args.timeout))
                    print("  ".join(rounds[-1].cells()), flush=True)
                rows.append(merge_rows(rounds))
        finally:
            await workers.close()
            for server in servers:
                await server.stop()
        return rows


async def _demo_user_ids(tmp: Path) -> dict[str, str]:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp / 'nara.sqlite3'}")
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(text("SELECT username, id FROM users"))
            return {str(u): str(uuid.UUID(str(i))) if len(str(i)) != 32
                    else str(uuid.UUID(hex=str(i))) for u, i in rows}
    finally:
        await engine.dispose()


def merge_rows(rows: list[Row]) -> Row:
    """Pool the latency samples of several rounds; average the rates."""
    def avg(xs: list[float]) -> float:
        return sum(xs) / len(xs)

    janus = [r.janus_cpu_pct for r in rows if r.janus_cpu_pct is not None]
    server = [r.server_cpu_pct for r in rows if r.server_cpu_pct is not None]
    return Row(
        rows[0].mode,
        rows[0].n,
        [x for r in rows for x in r.joiner_ms],
        [x for r in rows for x in r.seen_by_others_ms],
        avg(janus) if janus else None,
        avg([r.bench_cpu_pct for r in rows]),
        avg([r.recv_fps for r in rows]),
        avg(server) if server else None,
        avg([r.server_setup_ms for r in rows if r.server_setup_ms is not None])
        if any(r.server_setup_ms is not None for r in rows) else None,
    )


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
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sfu", default="2,4,6,8", help="meeting sizes through Janus")
    parser.add_argument("--mesh", default="2,4", help="meeting sizes in mesh")
    parser.add_argument("--window", type=float, default=5.0, help="CPU window, seconds")
    parser.add_argument("--width", type=int, default=320)
    parser.add_argument("--height", type=int, default=240)
    parser.add_argument("--fps", type=int, default=15)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--rounds", type=int, default=3, help="meetings per size")
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 2,
                        help="worker processes for the SFU participants")
    parser.add_argument("--nara-mesh", default="2,4",
                        help="meeting sizes in mesh through the Nära server")
    parser.add_argument("--servers", type=int, default=1,
                        help="nara serve processes (several share Redis)")
    parser.add_argument("--nara-sfu", default="2,4,6,8",
                        help="meeting sizes through the Nära server and Janus")
    args = parser.parse_args()
    media = MediaPeerOptions(width=args.width, height=args.height, fps=args.fps)
    rows: list[Row] = []
    print(f"# {args.width}x{args.height} VP8 @ {args.fps} fps + opus, {os.cpu_count()} CPUs, "
          f"{args.rounds} rounds per size, CPU %: 100 = one core", flush=True)
    await _warm_up(media)
    for n in parse_sizes(args.mesh):
        rounds = []
        for _ in range(args.rounds):
            rounds.append(await mesh_round(n, media, args.window, args.timeout))
            print("  ".join(rounds[-1].cells()), flush=True)
        rows.append(merge_rows(rounds))
    if parse_sizes(args.sfu):
        async with running_janus() as server:
            for n in parse_sizes(args.sfu):
                rounds = []
                for _ in range(args.rounds):
                    rounds.append(await sfu_round(server, n, media, args.window,
                                                  args.timeout, args.processes))
                    print("  ".join(rounds[-1].cells()), flush=True)
                rows.append(merge_rows(rounds))
            print(f"# janus pid {server.pid}: total CPU "
                  f"{proc_cpu_seconds(server.pid):.1f} s", flush=True)
    if parse_sizes(args.nara_mesh):
        rows += await nara_bench("mesh", parse_sizes(args.nara_mesh), args, None)
    if parse_sizes(args.nara_sfu):
        async with running_janus() as janus:
            rows += await nara_bench("sfu", parse_sizes(args.nara_sfu), args, janus)
    print()
    print_table(rows)


if __name__ == "__main__":
    asyncio.run(main())
