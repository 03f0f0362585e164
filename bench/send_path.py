"""SQL statements and database round trips per send, over Socket.IO and REST.

Runs the server in this process (create_app) on a fresh database with the demo loaded, sends
a number of messages as a patient and as staff, and counts what SQLAlchemy sends to the
database per message: statements, transactions (BEGIN/COMMIT/ROLLBACK), pool pings and, on
PostgreSQL, asyncpg statement preparations. Round trips = all of these (asyncpg makes one per
statement, one per BEGIN/COMMIT/ROLLBACK, one per ping and one per preparation).

    .venv/bin/python bench/send_path.py                 # SQLite
    .venv/bin/python bench/send_path.py --backend pg    # PostgreSQL + Redis

Sends in a row (patient, then staff: the promise changes only on the first), then alternating
(patient, staff, patient, …: every send changes the promise), counting the one side's sends.

With ``--concurrent N``: N Socket.IO senders at once instead (the chat_load.py users and
threads; sender i is a member of thread i mod 12), each sending ``--sends`` messages one after
another, acks awaited; besides the counts per send, the messages per transaction (sends per
COMMIT: what group commit put together) and the send rate.

    .venv/bin/python bench/send_path.py --backend pg --concurrent 12 --sends 50
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiohttp import web  # noqa: E402
from sqlalchemy import event  # noqa: E402

from bench.chat_load import PATIENTS, PG, REDIS, Tally, bench_database, setup_rooms  # noqa: E402
from server.app import create_app  # noqa: E402
from server.config import Config  # noqa: E402
from server.demo import add_patients, load_demo  # noqa: E402
from server.keys import DB  # noqa: E402
from tests.support.backends import pg_admin  # noqa: E402
from tests.support.clients import SocketClient, login  # noqa: E402
from tests.support.flows import cid, start_thread  # noqa: E402


class Counts:
    def __init__(self) -> None:
        self.c: Counter[str] = Counter()
        self.on = False

    def hit(self, what: str) -> None:
        if self.on:
            self.c[what] += 1

    def attach(self, engine: Any) -> None:
        sync = engine.sync_engine
        event.listen(sync, "before_cursor_execute", lambda *a: self._statement(a[2]))
        for name in ("begin", "commit", "rollback"):
            # In autocommit mode (Database.lookup) the driver sends no BEGIN/COMMIT/ROLLBACK.
            event.listen(
                sync, name, lambda conn, *_a, n=name: None if _autocommit(conn) else self.hit(n)
            )
        try:
            import asyncpg

            original_prepare = asyncpg.Connection.prepare
            original_fetchrow = asyncpg.Connection.fetchrow

            async def prepare(conn: Any, *a: Any, **kw: Any) -> Any:
                self.hit("prepare")
                return await original_prepare(conn, *a, **kw)

            async def fetchrow(conn: Any, query: str, *a: Any, **kw: Any) -> Any:
                self.hit("ping" if query.strip() == ";" else "fetchrow")
                return await original_fetchrow(conn, query, *a, **kw)

            asyncpg.Connection.prepare = prepare  # type: ignore[method-assign]
            asyncpg.Connection.fetchrow = fetchrow  # type: ignore[method-assign]
        except ImportError:
            pass

    def _statement(self, sql: str) -> None:
        words = sql.split()
        head = words[0].upper() if words else "?"
        table = next(
            (w.strip('"') for w in words[1:12] if w.strip('"').islower() and "_" in w or
             w.strip('"') in ("threads", "messages", "users", "sessions", "teams", "patients")),
            "",
        )
        self.hit("statements")
        self.hit(f"  {head} {table}".rstrip())

    def report(self, label: str, n: int) -> None:
        c = self.c
        trips = c["statements"] + c["begin"] + c["commit"] + c["rollback"] + c["ping"]
        trips += c["prepare"]
        print(
            f"{label}: {c['statements'] / n:.1f} statements, {trips / n:.1f} round trips per send "
            f"(BEGIN {c['begin'] / n:.1f}, COMMIT {c['commit'] / n:.1f}, ROLLBACK "
            f"{c['rollback'] / n:.1f}, pings {c['ping'] / n:.1f}, prepares {c['prepare'] / n:.1f})"
        )
        for key, value in sorted(c.items()):
            if key.startswith("  "):
                print(f"    {key.strip():<40} {value / n:.1f}")
        c.clear()


def _autocommit(conn: Any) -> bool:
    return bool(conn.get_execution_options().get("isolation_level") == "AUTOCOMMIT")


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=["sqlite", "pg"], default="sqlite")
    parser.add_argument("--sends", type=int, default=50)
    parser.add_argument(
        "--concurrent", type=int, default=0, help="N Socket.IO senders at once (per send)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        url, dropname = await bench_database(args.backend, tmp)
        try:
            from chat.storage import Database

            setup_db = Database(url)
            demo = await load_demo(setup_db)
            await add_patients(setup_db, PATIENTS)
            await setup_db.dispose()
            assert demo is not None
            config = Config(
                data_dir=tmp,
                database_url=url,
                redis_url=REDIS if args.backend == "pg" else "",
                redis_channel=f"bench-{uuid.uuid4().hex[:6]}",
                nlp_enabled=False,
            )
            runner = web.AppRunner(create_app(config), access_log=None)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            base = f"http://127.0.0.1:{runner.addresses[0][1]}"
            counts = Counts()
            counts.attach(runner.app[DB].engine)
            if args.concurrent:
                await concurrent(base, counts, args.sends, args.concurrent)
            else:
                await measure(base, demo, counts, args.sends)
            await runner.cleanup()
        finally:
            if dropname:
                await pg_admin(f'DROP DATABASE IF EXISTS "{dropname}" WITH (FORCE)', PG)


async def send(sock: SocketClient, thread_id: str) -> None:
    await sock.call("send_message", {"thread_id": thread_id, "client_id": cid(), "body": "x"})


async def measure(base: str, demo: Any, counts: Counts, n: int) -> None:
    anna, sara = await login(base, "anna"), await login(base, "sara")
    first = await start_thread(anna, demo.patients["anna"], demo.care_contacts["anna"])
    thread_id = first["thread"]["id"]
    socks = []
    for client in (anna, sara):
        sock = SocketClient()
        await sock.connect(base, client.token)
        socks.append(sock)
    for who, client, sock in (("patient", anna, socks[0]), ("staff", sara, socks[1])):
        for _ in range(5):  # warm the statement caches
            await send(sock, thread_id)
        counts.on = True
        cpu = time.process_time()
        for _ in range(n):
            await send(sock, thread_id)
        cpu = (time.process_time() - cpu) * 1000 / n
        counts.on = False
        counts.report(f"Socket.IO send ({who}, {cpu:.1f} ms CPU incl. client)", n)
        url = f"/api/v1/threads/{thread_id}/messages"
        counts.on = True
        cpu = time.process_time()
        for _ in range(n):
            await client.ok("POST", url, {"client_id": cid(), "body": "x"})
        cpu = (time.process_time() - cpu) * 1000 / n
        counts.on = False
        counts.report(f"REST send ({who}, {cpu:.1f} ms CPU incl. client)", n)
    # Alternating, as in chat_load.py: every patient message starts a wait, every staff answer
    # ends it (the promise changes, so the answer carries the thread's view).
    for who, sock in (("patient", socks[0]), ("staff", socks[1])):
        counts.on, cpu = False, 0.0
        for _ in range(n):
            other = socks[1] if sock is socks[0] else socks[0]
            await send(other, thread_id)
            counts.on = True
            start = time.process_time()
            await send(sock, thread_id)
            cpu += time.process_time() - start
            counts.on = False
        counts.report(
            f"Socket.IO send ({who}, alternating, {cpu * 1000 / n:.1f} ms CPU incl. client)", n
        )
    for sock in socks:
        await sock.close()
    await anna.close()
    await sara.close()


async def concurrent(base: str, counts: Counts, n: int, senders: int) -> None:
    """``senders`` Socket.IO senders at once, ``n`` sends each (chat_load.py's threads)."""
    rooms, people = await setup_rooms([base], Tally())
    pairs = [
        (room, room.members[(i // len(rooms)) % len(room.members)])
        for i, room in ((i, rooms[i % len(rooms)]) for i in range(senders))
    ]

    async def run(count: int) -> None:
        async def one(room: Any, member: Any) -> None:
            for _ in range(count):
                body = {"thread_id": room.thread_id, "client_id": cid(), "body": "x"}
                ack = await member.sio.call("send_message", body, "/chat", timeout=10)
                assert ack.get("ok"), ack

        await asyncio.gather(*(one(room, member) for room, member in pairs))

    await run(5)  # warm the statement caches
    counts.on = True
    cpu, wall = time.process_time(), time.perf_counter()
    await run(n)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    counts.on = False
    total = n * senders
    commits = counts.c["commit"]
    print(
        f"{senders} concurrent senders: {total / wall:.0f} sends/s, "
        f"{total / max(1, commits):.1f} sends per COMMIT, "
        f"{cpu * 1000 / total:.1f} ms CPU incl. clients"
    )
    counts.report(f"Socket.IO send ({senders} at once)", total)
    for m in people:
        await m.sio.disconnect()
        await m.client.close()


if __name__ == "__main__":
    asyncio.run(main())
