"""Chat load: N Socket.IO clients (patients and staff) in M threads, sending at rising rates.

Prints, per rate step, the sustained messages/s, the send→delivery latency at every other
participant (p50/p95/p99) and the server's memory. The server runs as its own process
(`nara serve`), on the embedded defaults or, with --backend pg, on PostgreSQL + Redis.

    .venv/bin/python bench/chat_load.py                      # SQLite + in-process bus
    .venv/bin/python bench/chat_load.py --backend pg         # PostgreSQL + Redis
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from chat.storage import Database  # noqa: E402
from server.config import Config  # noqa: E402
from server.demo import add_patients, load_demo  # noqa: E402
from server.migrate import upgrade  # noqa: E402
from tests.support.backends import pg_admin, pg_url_for  # noqa: E402
from tests.support.clients import SocketClient, login  # noqa: E402
from tests.support.process import ServerProcess  # noqa: E402

PG = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")


async def prepare(args: argparse.Namespace, tmp: Path) -> tuple[Config, str | None]:
    dropname = None
    if args.backend == "pg":
        dropname = f"nara_bench_{uuid.uuid4().hex[:8]}"
        await pg_admin(f'CREATE DATABASE "{dropname}"', PG)
        url = pg_url_for(dropname, PG)
    else:
        url = f"sqlite+aiosqlite:///{tmp / 'bench.sqlite3'}"
    await asyncio.to_thread(upgrade, url)
    db = Database(url)
    await load_demo(db)
    await add_patients(db, args.threads)
    await db.dispose()
    config = Config(
        data_dir=tmp,
        database_url=url,
        redis_url=REDIS if args.backend == "pg" else "",
        redis_channel=f"bench-{uuid.uuid4().hex[:6]}",
        nlp_enabled=False,
    )
    return config, dropname


def rss_mb(pid: int) -> tuple[float, float]:
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


class Bench:
    def __init__(self) -> None:
        self.sent: dict[str, float] = {}
        self.latencies: list[float] = []

    def on_message(self, event: dict) -> None:
        sent = self.sent.get(event["message"].get("client_id") or "")
        if sent is not None:
            self.latencies.append((time.perf_counter() - sent) * 1000)


async def connect_all(url: str, args: argparse.Namespace, bench: Bench):
    patients, threads, sockets, clients = [], [], [], []
    for i in range(1, args.threads + 1):
        client = await login(url, f"patient{i}")
        clients.append(client)
        me = await client.ok("GET", "/api/v1/me")
        contact = (await client.ok("GET", "/api/v1/care-contacts"))[0]
        first = await client.ok(
            "POST",
            "/api/v1/threads",
            {
                "patient_id": me["patients"][0]["id"],
                "subject": "Last",
                "care_contact_id": contact["id"],
                "message": {"client_id": f"c-{uuid.uuid4().hex}", "body": "start"},
            },
        )
        threads.append(first["thread"]["id"])
        patients.append(client)
    staff = ["sara", "lars", "ulla"] * max(1, args.staff // 3)
    for name in staff[: args.staff]:
        clients.append(await login(url, name))
    for client in clients:
        sock = SocketClient()
        sock.sio.on("message", _handler(bench), namespace="/chat")
        await sock.connect(url, client.token)
        sockets.append(sock)
    return patients, threads, sockets[: len(patients)], sockets, clients


def _handler(bench: Bench):
    async def handle(event: dict) -> None:
        bench.on_message(event)

    return handle


async def step(rate: int, seconds: float, threads, patient_sockets, bench: Bench, recipients: int):
    bench.latencies.clear()
    interval = 1.0 / rate
    acked = 0
    inflight: set[asyncio.Task] = set()
    start = time.perf_counter()
    n = 0

    async def send_one(sock, thread_id: str) -> None:
        nonlocal acked
        client_id = f"b-{uuid.uuid4().hex}"
        bench.sent[client_id] = time.perf_counter()
        try:
            ack = await sock.call(
                "send_message", {"thread_id": thread_id, "client_id": client_id, "body": "x" * 80}
            )
        except Exception:  # a timed-out send counts as not sent
            return
        if ack.get("ok"):
            acked += 1

    while time.perf_counter() - start < seconds:
        i = n % len(threads)
        task = asyncio.create_task(send_one(patient_sockets[i], threads[i]))
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
    lat = sorted(bench.latencies)
    expected = acked * recipients
    return {
        "rate": rate,
        "sent_per_s": acked / elapsed,
        "delivered": f"{len(lat)}/{expected}",
        "p50": _pct(lat, 50),
        "p95": _pct(lat, 95),
        "p99": _pct(lat, 99),
    }


def _pct(values: list[float], p: int) -> float:
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(len(values) * p / 100))]


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=["sqlite", "pg"], default="sqlite")
    parser.add_argument("--threads", type=int, default=20, help="M threads, one patient each")
    parser.add_argument("--staff", type=int, default=6, help="staff connections on the team")
    parser.add_argument("--rates", default="50,100,200,400,800")
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        config, dropname = await prepare(args, tmp)
        server = ServerProcess(config)
        url = await server.start()
        assert server.proc is not None
        bench = Bench()
        try:
            patients, threads, patient_socks, sockets, clients = await connect_all(url, args, bench)
            rss, _ = rss_mb(server.proc.pid)
            print(
                f"backend={args.backend} threads={args.threads} clients={len(sockets)} "
                f"server_rss_idle={rss:.0f}MB"
            )
            print(
                f"{'rate':>6} {'sent/s':>8} {'delivered':>13} {'p50 ms':>8} {'p95 ms':>8} "
                f"{'p99 ms':>8} {'rss MB':>7}"
            )
            # Each message goes to every other participant: the staff connections.
            for rate in [int(r) for r in args.rates.split(",")]:
                r = await step(rate, args.seconds, threads, patient_socks, bench, args.staff)
                rss, peak = rss_mb(server.proc.pid)
                print(
                    f"{r['rate']:>6} {r['sent_per_s']:>8.0f} {r['delivered']:>13} "
                    f"{r['p50']:>8.1f} {r['p95']:>8.1f} {r['p99']:>8.1f} {rss:>7.0f}"
                )
            print(f"server peak rss {peak:.0f}MB")
            for s in sockets:
                await s.close()
            for c in clients:
                await c.close()
        finally:
            await server.stop()
            if dropname:
                await pg_admin(f'DROP DATABASE IF EXISTS "{dropname}" WITH (FORCE)', PG)


if __name__ == "__main__":
    asyncio.run(main())
