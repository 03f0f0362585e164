"""Chat load: the issue-16 workload, open loop, stepped rates until saturation.

20 users (7 staff, 13 patients), 12 threads of 2–3 members (the patient, the one staff member
of the owning team, in 5 threads also an added colleague). Every socket sends through
Socket.IO with acks (or REST with --rest), patients and staff in turn, at a fixed rate that is
not slowed down by the server (open loop). Per step it prints the achieved rate, the
send → delivery latency at every other member (p50/p95/p99), the server CPU per message and
the server's RSS, what the load generator (this process) and PostgreSQL (the run's backends)
+ Redis spent per message, and how busy the machine's cores were (every process on it). The
server runs as separate `nara serve` processes: one on the embedded defaults (SQLite,
in-process bus) or, with --backend pg, N of them on PostgreSQL + Redis (clients spread over
them round robin).

    .venv/bin/python bench/chat_load.py                                 # SQLite
    .venv/bin/python bench/chat_load.py --backend pg                    # PostgreSQL + Redis
    .venv/bin/python bench/chat_load.py --backend pg --processes 2
    .venv/bin/python bench/chat_load.py --backend pg --profile /tmp/p   # py-spy, each step
    .venv/bin/python bench/chat_load.py --idle 2000                     # + idle connections
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import socketio  # noqa: E402

from chat.storage import Database  # noqa: E402
from server.config import Config  # noqa: E402
from server.demo import add_patients, load_demo  # noqa: E402
from server.migrate import upgrade  # noqa: E402
from tests.support.backends import pg_admin, pg_url_for  # noqa: E402
from tests.support.clients import ApiClient, login  # noqa: E402
from tests.support.process import ServerProcess  # noqa: E402

PG = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
TICK = os.sysconf("SC_CLK_TCK")
# (owning team, its staff member, an added colleague or None): 7 threads of 2, 5 of 3.
THREADS = [
    ("triage", "sara", None),
    ("rehab", "fia", None),
    ("psykisk_halsa", "kim", None),
    ("mvc", "bodil", None),
    ("bvc", "bodil", None),
    ("diabetes", "dan", None),
    ("hjarta", "dan", None),
    ("triage", "sara", "lars"),
    ("rehab", "fia", "ulla"),
    ("psykisk_halsa", "kim", "lars"),
    ("diabetes", "dan", "ulla"),
    ("mvc", "bodil", "lars"),
]
STAFF = ["sara", "lars", "ulla", "fia", "kim", "bodil", "dan"]
PATIENTS = 13


async def bench_database(backend: str, tmp: Path) -> tuple[str, str | None]:
    """A migrated, empty database for one bench run: its URL, and the PostgreSQL database
    name to drop afterwards (None for SQLite, which lives in `tmp`)."""
    dropname = None
    if backend == "pg":
        dropname = f"nara_bench_{uuid.uuid4().hex[:8]}"
        await pg_admin(f'CREATE DATABASE "{dropname}"', PG)
        url = pg_url_for(dropname, PG)
    else:
        url = f"sqlite+aiosqlite:///{tmp / 'bench.sqlite3'}"
    try:
        await asyncio.to_thread(upgrade, url)
    except BaseException:
        if dropname:
            await pg_admin(f'DROP DATABASE IF EXISTS "{dropname}" WITH (FORCE)', PG)
        raise
    return url, dropname


async def prepare(args: argparse.Namespace, tmp: Path) -> tuple[Config, str | None]:
    url, dropname = await bench_database(args.backend, tmp)
    db = Database(url)
    await load_demo(db)
    await add_patients(db, PATIENTS + args.idle_patients)
    await db.dispose()
    config = Config(
        data_dir=tmp,
        database_url=url,
        redis_url=REDIS if args.backend == "pg" else "",
        redis_channel=f"bench-{uuid.uuid4().hex[:6]}",
        nlp_enabled=args.nlp,
    )
    return config, dropname


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def service_cpu(database: str) -> dict[int, float]:
    """CPU by process of the PostgreSQL backends serving this run's database (its name is in
    their process title; SQLite: none) and of Redis (shared with other users of it)."""
    seen: dict[int, float] = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            comm = (proc / "comm").read_text().strip()
            if comm == "postgres" and database:
                if database.encode() not in (proc / "cmdline").read_bytes():
                    continue
            elif comm != "redis-server":
                continue
            seen[int(proc.name)] = cpu_s(int(proc.name))
        except (OSError, ValueError, IndexError):
            continue  # ended meanwhile
    return seen


def cpu_since(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU spent between two :func:`service_cpu` readings by the processes alive at the end
    (a backend that closed meanwhile is not counted: a lower bound)."""
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


def machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of all cores since boot (/proc/stat)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    total = sum(fields[:8])
    return total - idle, total


def own_cpu_s() -> float:
    """This bench process: the load generator's clients."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Member:
    name: str
    client: ApiClient
    sio: socketio.AsyncClient
    is_staff: bool


@dataclass
class Room:
    thread_id: str
    members: list[Member]
    turn: int = 0


@dataclass
class Tally:
    sent: dict[str, tuple[float, str, int]] = field(default_factory=dict)  # cid → (t, sender, n)
    latencies: list[float] = field(default_factory=list)
    delivered: int = 0

    def seen(self, who: str, message: dict[str, Any]) -> None:
        sent = self.sent.get(message.get("client_id") or "")
        if sent is not None and sent[1] != who:
            self.latencies.append((time.perf_counter() - sent[0]) * 1000)
            self.delivered += 1


async def connect(url: str, token: str, who: str, tally: Tally | None) -> socketio.AsyncClient:
    sio = socketio.AsyncClient(reconnection=False)
    if tally is not None:

        async def on_message(event: dict[str, Any]) -> None:
            tally.seen(who, event["message"])

        sio.on("message", on_message, namespace="/chat")
    await sio.connect(
        url, namespaces=["/chat"], auth={"token": token}, transports=["websocket"], wait_timeout=10
    )
    return sio


async def setup_rooms(urls: list[str], tally: Tally) -> tuple[list[Room], list[Member]]:
    """Log everyone in, connect, and have each thread's staff member start its thread."""
    people: dict[str, Member] = {}
    names = STAFF + [f"patient{i}" for i in range(1, PATIENTS + 1)]
    for i, name in enumerate(names):
        url = urls[i % len(urls)]
        client = await login(url, name)
        sio = await connect(url, client.token or "", name, tally)
        people[name] = Member(name, client, sio, not name.startswith("patient"))
    teams = {t["key"]: t["id"] for t in await people["sara"].client.ok("GET", "/api/v1/teams")}
    rooms = []
    for i, (team, staff, colleague) in enumerate(THREADS, start=1):
        patient = people[f"patient{i}"]
        me = await patient.client.ok("GET", "/api/v1/me")
        owner = people[staff]
        created = await owner.client.ok(
            "POST",
            "/api/v1/threads",
            {
                "patient_id": me["patients"][0]["id"],
                "team_id": teams[team],
                "subject": "Last",
                "message": {"client_id": f"s-{uuid.uuid4().hex}", "body": "Hej, hur mår du?"},
            },
        )
        thread_id = created["thread"]["id"]
        members = [patient, owner]
        if colleague:
            await owner.client.ok(
                "POST",
                f"/api/v1/threads/{thread_id}/participants",
                {"user_id": (await people[colleague].client.ok("GET", "/api/v1/me"))["user"]["id"]},
            )
            members.append(people[colleague])
        rooms.append(Room(thread_id, members))
    return rooms, list(people.values())


async def step(
    rate: int, seconds: float, rooms: list[Room], tally: Tally, rest: bool
) -> dict[str, Any]:
    tally.latencies.clear()
    tally.delivered = 0
    interval = 1.0 / rate
    acked = failed = expected = 0
    inflight: set[asyncio.Task[None]] = set()
    start = time.perf_counter()
    n = 0

    async def send_one(room: Room, sender: Member) -> None:
        nonlocal acked, failed, expected
        client_id = f"b-{uuid.uuid4().hex}"
        tally.sent[client_id] = (time.perf_counter(), sender.name, len(room.members) - 1)
        body = {"client_id": client_id, "body": "Tack, det går bra. " * 4}
        try:
            if rest:
                status, _ = await sender.client.post(
                    f"/api/v1/threads/{room.thread_id}/messages", body
                )
                ok = status == 201
            else:
                ack = await sender.sio.call(
                    "send_message", {"thread_id": room.thread_id, **body}, "/chat", timeout=10
                )
                ok = bool(ack.get("ok"))
        except Exception:  # a timed-out send counts as not sent
            ok = False
        if ok:
            acked += 1
            expected += len(room.members) - 1
        else:
            failed += 1

    while time.perf_counter() - start < seconds:
        room = rooms[n % len(rooms)]
        sender = room.members[room.turn % len(room.members)]
        room.turn += 1
        task = asyncio.create_task(send_one(room, sender))
        inflight.add(task)
        task.add_done_callback(inflight.discard)
        n += 1
        delay = start + n * interval - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
    if inflight:
        await asyncio.wait(inflight, timeout=30)
    elapsed = time.perf_counter() - start
    await asyncio.sleep(0.5)  # let deliveries drain
    lat = sorted(tally.latencies)
    return {
        "rate": rate,
        "achieved": acked / elapsed,
        "acked": acked,
        "failed": failed,
        "delivered": f"{tally.delivered}/{expected}",
        "p50": _pct(lat, 50),
        "p95": _pct(lat, 95),
        "p99": _pct(lat, 99),
    }


def _pct(values: list[float], p: int) -> float:
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(len(values) * p / 100))]


def py_spy(pids: list[int], out: str, rate: int, seconds: float) -> list[subprocess.Popen[bytes]]:
    spy = str(Path(sys.executable).with_name("py-spy"))
    return [
        subprocess.Popen(
            [spy, "record", "-p", str(pid), "-d", str(int(seconds)), "-r", "200", "-f", "raw",
             "-o", f"{out}-{rate}-{pid}.txt", "--nonblocking"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for pid in pids
    ]


def raise_open_files(wanted: int) -> None:
    """Each idle connection is a file descriptor here and one in a server."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= wanted:
        return
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(wanted, hard), max(wanted, hard)))
    except (ValueError, OSError):  # not allowed above the hard limit
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    print(f"open files: {resource.getrlimit(resource.RLIMIT_NOFILE)[0]}", flush=True)


async def idle_connections(urls: list[str], count: int, patients: int) -> list[Any]:
    """Authenticated /chat connections that only listen (idle patients' phones)."""
    socks: list[Any] = []
    clients = [
        await login(urls[i % len(urls)], f"patient{PATIENTS + 1 + i}") for i in range(patients)
    ]
    for i in range(count):
        c = clients[i % len(clients)]
        socks.append(await connect(c.base_url, c.token or "", "idle", None))
    return socks + clients


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=["sqlite", "pg"], default="sqlite")
    parser.add_argument("--processes", type=int, default=1, help="nara serve processes (pg)")
    parser.add_argument("--rates", default="20,50,100,200,300,400,600,800,1000,1200")
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--rest", action="store_true", help="send over REST, not Socket.IO")
    parser.add_argument("--nlp", action="store_true", help="the emergency check on patients' text")
    parser.add_argument("--profile", default="", help="py-spy raw profiles to this prefix")
    parser.add_argument("--idle", type=int, default=0, help="idle authenticated connections")
    args = parser.parse_args()
    args.idle_patients = min(args.idle, 50)
    if args.idle:
        raise_open_files(args.idle * 2 + 1000)  # the servers inherit the limit
    if args.processes > 1 and args.backend != "pg":
        parser.error("several processes need --backend pg (Redis carries the events)")
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        config, dropname = await prepare(args, tmp)
        servers = [ServerProcess(config) for _ in range(args.processes)]
        try:
            urls = [await s.start() for s in servers]
            pids = [s.proc.pid for s in servers if s.proc is not None]
            tally = Tally()
            rooms, people = await setup_rooms(urls, tally)
            idle = await idle_connections(urls, args.idle, args.idle_patients) if args.idle else []
            rss = sum(rss_mb(p) for p in pids)
            print(
                f"backend={args.backend} processes={args.processes} "
                f"transport={'REST' if args.rest else 'Socket.IO'} nlp={args.nlp} "
                f"users={len(people)} threads={len(rooms)} idle={args.idle} "
                f"server_rss={rss:.0f}MB"
            )
            print(
                f"{'rate':>6} {'achieved':>9} {'failed':>6} {'delivered':>13} {'p50 ms':>8} "
                f"{'p95 ms':>8} {'p99 ms':>8} {'cpu ms/msg':>10} {'rss MB':>7} "
                f"{'client ms/msg':>13} {'pg+redis ms/msg':>15} {'machine busy %':>14}"
            )
            saturation = best50 = 0
            for rate in [int(r) for r in args.rates.split(",")]:
                spies = py_spy(pids, args.profile, rate, args.seconds) if args.profile else []
                cpu0 = sum(cpu_s(p) for p in pids)
                client0, services0 = own_cpu_s(), service_cpu(dropname or "")
                busy0, total0 = machine_busy()
                r = await step(rate, args.seconds, rooms, tally, args.rest)
                per = 1000 / max(1, r["acked"])
                cpu = (sum(cpu_s(p) for p in pids) - cpu0) * per
                client = (own_cpu_s() - client0) * per
                services = cpu_since(services0, service_cpu(dropname or "")) * per
                busy1, total1 = machine_busy()
                busy = 100 * (busy1 - busy0) / max(1, total1 - total0)
                for spy in spies:
                    spy.wait()
                rss = sum(rss_mb(p) for p in pids)
                print(
                    f"{rate:>6} {r['achieved']:>9.0f} {r['failed']:>6} {r['delivered']:>13} "
                    f"{r['p50']:>8.1f} {r['p95']:>8.1f} {r['p99']:>8.1f} {cpu:>10.2f} {rss:>7.0f} "
                    f"{client:>13.2f} {services:>15.2f} {busy:>14.0f}",
                    flush=True,
                )
                held = r["achieved"] >= 0.95 * rate and r["p99"] < 1000
                if held:
                    saturation = rate
                if held and r["p99"] <= 50:
                    best50 = rate
                if not held:
                    break
            print(f"saturation (achieved >= 95 %, p99 < 1 s): {saturation} msg/s")
            print(f"highest rate with p99 <= 50 ms: {best50} msg/s")
            for sock in idle:
                if isinstance(sock, socketio.AsyncClient):
                    await sock.disconnect()
                else:
                    await sock.close()
            for m in people:
                await m.sio.disconnect()
                await m.client.close()
        finally:
            for s in servers:
                await s.stop()
            if dropname:
                await pg_admin(f'DROP DATABASE IF EXISTS "{dropname}" WITH (FORCE)', PG)


if __name__ == "__main__":
    asyncio.run(main())
