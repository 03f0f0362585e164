"""Notifications: how fast one worker delivers to a local SMTP server, and the delay from a
staff answer to the SMTP server's acceptance of the notice.

The server runs as its own `nara serve` process (one process: one delivery worker); the SMTP
server (aiosmtpd) runs in this process on loopback.

1. Delay: staff answer N patients' threads at a steady rate (REST, as the web client does);
   for each, the time from sending the answer to the SMTP server accepting its notice.
2. Throughput: a backlog of M notices is put into the outbox while the server is down; the
   server starts and its worker drains it. Notices per second from first to last acceptance.

    .venv/bin/python bench/notifications.py                  # SQLite
    .venv/bin/python bench/notifications.py --backend pg     # PostgreSQL + Redis
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

from sqlalchemy import select  # noqa: E402

from bench.chat_load import PG, REDIS, bench_database  # noqa: E402
from chat.models import Patient, User, utcnow  # noqa: E402
from chat.notifications.models import NotificationPreference  # noqa: E402
from chat.storage import Database  # noqa: E402
from server.config import Config  # noqa: E402
from server.demo import add_patients, load_demo  # noqa: E402
from tests.notifications.support import MailSink  # noqa: E402
from tests.support.backends import pg_admin  # noqa: E402
from tests.support.clients import login  # noqa: E402
from tests.support.process import ServerProcess  # noqa: E402


async def prepare(args: argparse.Namespace, tmp: Path) -> tuple[Config, str | None, dict]:
    url, dropname = await bench_database(args.backend, tmp)
    db = Database(url)
    await load_demo(db)
    names = await add_patients(db, args.patients)
    people: dict[uuid.UUID, tuple[uuid.UUID, str]] = {}
    async with db.write() as store:
        rows = await store.session.execute(
            select(Patient.id, User.id, User.username)
            .join(User, User.id == Patient.user_id)
            .where(User.username.in_(names))
        )
        for patient_id, user_id, username in rows:
            address = f"{username}@example.se"
            store.notifications.add(
                NotificationPreference(
                    user_id=user_id,
                    email=address,
                    email_verified_at=utcnow(),
                    email_enabled=True,
                    sms_enabled=False,
                    push_enabled=False,
                )
            )
            people[patient_id] = (user_id, address)
    await db.dispose()
    config = Config(
        data_dir=tmp,
        database_url=url,
        redis_url=REDIS if args.backend == "pg" else "",
        redis_channel=f"bench-{uuid.uuid4().hex[:6]}",
        nlp_enabled=False,
    )
    return config, dropname, people


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


async def delay_phase(url: str, people: dict, mail: MailSink, rate: float) -> list[float]:
    """Each patient writes (no notice); then staff answer each thread once, at ``rate``."""
    sem = asyncio.Semaphore(4)
    threads: dict[str, str] = {}

    async def start(username: str, patient_id: uuid.UUID, address: str) -> None:
        async with sem:
            client = await login(url, username)
            contacts = await client.ok("GET", "/api/v1/care-contacts")
            started = await client.ok(
                "POST",
                "/api/v1/threads",
                {
                    "patient_id": str(patient_id),
                    "care_contact_id": contacts[0]["id"],
                    "subject": "Fråga",
                    "message": {"client_id": f"b-{uuid.uuid4().hex}", "body": "En fråga."},
                },
            )
            threads[address] = started["thread"]["id"]
            await client.close()

    await asyncio.gather(
        *(start(addr.split("@")[0], pid, addr) for pid, (_u, addr) in people.items())
    )
    sara = await login(url, "sara")
    sent_at: dict[str, float] = {}
    acked: list[float] = []
    tasks = []

    async def answer(address: str) -> None:
        sent_at[address] = time.perf_counter()
        await sara.ok(
            "POST",
            f"/api/v1/threads/{threads[address]}/messages",
            {"client_id": f"b-{uuid.uuid4().hex}", "body": "Dina provsvar är klara."},
        )
        acked.append((time.perf_counter() - sent_at[address]) * 1000)

    for address in threads:
        tasks.append(asyncio.create_task(answer(address)))
        await asyncio.sleep(1 / rate)
    await asyncio.gather(*tasks)
    await mail.wait_for(len(threads), timeout_s=120)
    await sara.close()
    accepted = {m.rcpt[0]: m.at for m in mail.mails}
    out = [(accepted[a] - sent_at[a]) * 1000 for a in sent_at if a in accepted]
    print(f"answers acknowledged: p50 {pct(acked, 50):.1f} ms, p99 {pct(acked, 99):.1f} ms")
    if os.environ.get("BENCH_VERBOSE"):
        print([round(x) for x in out])
    return out


async def backlog(config: Config, people: dict, count: int) -> None:
    """M pending notices (distinct topics: no coalescing) for the patients, round robin."""
    db = Database(config.effective_database_url)
    now = utcnow()
    users = [u for u, _ in people.values()]
    rows = [
        {
            "id": uuid.uuid4(),
            "user_id": users[i % len(users)],
            "topic": f"bench:{i}",
            "thread_id": None,
            "unit_id": None,
            "window": 0,
            "channel": "email",
            "reason": "message",
            "seq": None,
            "state": "pending",
            "not_before": now,
            "attempts": 0,
            "created_at": now,
        }
        for i in range(count)
    ]
    async with db.write() as store:
        for start in range(0, len(rows), 500):
            await store.notifications.enqueue(rows[start : start + 500])
    await db.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=["sqlite", "pg"], default="sqlite")
    parser.add_argument("--patients", type=int, default=100)
    parser.add_argument("--rate", type=float, default=20.0, help="answers per second (delay)")
    parser.add_argument("--backlog", type=int, default=2000, help="notices (throughput)")
    parser.add_argument("--smtp-delay-ms", type=float, default=0.0)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="nara-bench-notify-"))
    mail = MailSink(delay_s=args.smtp_delay_ms / 1000)
    smtp = await mail.start()
    config, dropname, people = await prepare(args, tmp)
    env = {"NARA_SMTP_URL": smtp, "NARA_WEB_PUSH": "0", "NARA_LOGIN_RATE_LIMIT": "0"}
    try:
        server = ServerProcess(config, env)
        url = await server.start()
        delays = await delay_phase(url, people, mail, args.rate)
        await server.stop()
        print(
            f"delay answer → SMTP accepted ({len(delays)} answers at {args.rate:g}/s, "
            f"{args.backend}): p50 {pct(delays, 50):.1f} ms, p99 {pct(delays, 99):.1f} ms, "
            f"max {max(delays):.1f} ms"
        )
        mail.mails.clear()
        await backlog(config, people, args.backlog)
        server = ServerProcess(config, env)
        await server.start()
        await mail.wait_for(args.backlog, timeout_s=600)
        first, last = mail.mails[0].at, mail.mails[-1].at
        rate = (len(mail.mails) - 1) / (last - first) if last > first else float("nan")
        print(
            f"one worker: {len(mail.mails)} notices in {last - first:.2f} s = {rate:.0f} "
            f"notices/s to the local SMTP server ({args.backend})"
        )
        await server.stop()
    finally:
        await mail.stop()
        if dropname:
            await pg_admin(f'DROP DATABASE IF EXISTS "{dropname}" WITH (FORCE)', PG)


if __name__ == "__main__":
    asyncio.run(main())
