"""Crash load (issue 16): kill -9 under load, then count what was lost, duplicated or unseen.

A Jepsen-style run. N `nara serve` processes share one PostgreSQL database and Redis. K client
users (staff and patients of the `chat_load.py` threads) are each connected over Socket.IO to
one process and send at a steady rate, each message with its own client_id, waiting for the ack.
On a timed-out or failed ack, or a disconnect, the client reconnects (to another process while
its own is down; back home once it is up again) and resends the same client_id until it is
acknowledged (`duplicate: true` counts). After every (re)connect a client catches up over the
socket from its last contiguous position, as the web client does. A chaos loop kills one process
with SIGKILL every --kill-every seconds (in turn) and restarts it on a new port.

After the run (all processes up, live deliveries drained) each client catches up over REST
(`after_seq`, or `after_patient_seq` on the patient side, which counts by its own sequence),
and the messages table is read directly. Printed: duration, kills, sends attempted and
acknowledged, resends, ack latency p50/p99, and the counts that must be zero — acknowledged sends
lost, duplicated messages, gaps in seq / patient_seq, committed messages a member never saw
(live or by catch-up; an author's ack counts as its own arrival, since the sending connection
gets no live copy), messages a member missed live although connected throughout, internal
notes on the patient side, wrong seqs — plus how many were seen only by catch-up.

    .venv/bin/python bench/crash_load.py                    # 60 s, 2 processes, kill every 5 s
    .venv/bin/python bench/crash_load.py --seconds 120 --kill-every 3 --rate 40
    .venv/bin/python bench/crash_load.py --processes 3 --clients 30

Needs PostgreSQL (BENCH_DATABASE_URL, default postgres@127.0.0.1:5432, trust) and Redis
(BENCH_REDIS_URL, default 127.0.0.1:6379); the bench database is dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import random
import signal
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import socketio  # noqa: E402
from sqlalchemy import select  # noqa: E402
from sqlalchemy.ext.asyncio import create_async_engine  # noqa: E402

from bench.chat_load import PG, REDIS, THREADS, bench_database  # noqa: E402
from chat.models import Message, Thread  # noqa: E402
from chat.storage import Database  # noqa: E402
from server.config import Config  # noqa: E402
from server.demo import add_patients, load_demo  # noqa: E402
from tests.support.backends import pg_admin  # noqa: E402
from tests.support.clients import ApiClient, SocketClient, login  # noqa: E402
from tests.support.flows import history  # noqa: E402
from tests.support.process import ServerProcess  # noqa: E402

NS = "/chat"
INTERNAL_EVERY = 4  # every 4th staff send in a thread is an internal note
RETRY_PAUSE_S = 0.2
EXAMPLES = 5  # offending cases printed per count


# ---------------------------------------------------------------- the processes under test


@dataclass
class Slot:
    """One position of the cluster: a `nara serve` process, restarted on a new port."""

    index: int
    server: ServerProcess
    url: str = ""
    live: bool = False


@dataclass
class Cluster:
    slots: list[Slot]
    kills: int = 0
    restart_s: list[float] = field(default_factory=list)

    @classmethod
    def of(cls, config: Config, processes: int) -> Cluster:
        return cls([Slot(i, ServerProcess(config)) for i in range(processes)])

    async def start(self) -> None:
        for slot in self.slots:
            slot.url = await slot.server.start()
            slot.live = True

    def candidates(self, home: int) -> list[str]:
        """Live addresses, the home slot first, the others in random order."""
        others = [s.url for s in self.slots if s.live and s.index != home]
        random.shuffle(others)
        own = self.slots[home]
        return ([own.url] if own.live else []) + others

    def any_url(self) -> str:
        return next(s.url for s in self.slots if s.live)

    async def kill(self, index: int) -> None:
        slot = self.slots[index]
        slot.live = False
        await slot.server.stop(signal.SIGKILL)
        self.kills += 1

    async def restart(self, index: int) -> None:
        slot = self.slots[index]
        began = time.monotonic()
        slot.url = await slot.server.start()
        slot.live = True
        self.restart_s.append(time.monotonic() - began)

    async def stop(self) -> None:
        for slot in self.slots:
            slot.live = False
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await slot.server.stop()


async def chaos(cluster: Cluster, every: float, start: float, until: float) -> None:
    """Kill -9 one process at start + every, start + 2 * every, … (in turn) and start it
    again at once; a kill waits for the previous restart."""
    for k, index in enumerate(itertools.cycle(range(len(cluster.slots))), start=1):
        at = start + k * every
        if at >= until:
            return
        await asyncio.sleep(max(0.0, at - time.monotonic()))
        await cluster.kill(index)
        while True:
            try:
                await cluster.restart(index)
                break
            except Exception as exc:  # a start that failed: try again, never leave it down
                print(f"restart of process {index} failed ({type(exc).__name__}); again")
                await cluster.slots[index].server.stop(signal.SIGKILL)
                await asyncio.sleep(1)


# ---------------------------------------------------------------- what each client has seen


@dataclass
class ThreadSeen:
    """One client's view of one thread: message id → the seqs it was shown (its side's)."""

    seq_of: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    live: dict[str, float] = field(default_factory=dict)  # id → first live arrival (wall clock)
    caught: set[str] = field(default_factory=set)
    seqs: set[int] = field(default_factory=set)
    position: int = 0  # last contiguous seq

    def add(self, message: dict[str, Any], live_at: float | None = None) -> None:
        mid = str(message["id"])
        self.seq_of[mid].add(int(message["seq"]))
        self.seqs.add(int(message["seq"]))
        if live_at is None:
            self.caught.add(mid)
        else:
            self.live.setdefault(mid, live_at)
        while self.position + 1 in self.seqs:
            self.position += 1


@dataclass
class Connection:
    """One Socket.IO connection of a client, from connect to disconnect (wall clock); its
    live `message` events with their arrival times."""

    sock: SocketClient
    url: str
    opened: float
    lost: asyncio.Event = field(default_factory=asyncio.Event)
    closed: float | None = None
    messages: list[tuple[float, dict[str, Any]]] = field(default_factory=list)
    absorbed: int = 0  # live `message` events already taken into ThreadSeen

    async def on_message(self, event: dict[str, Any]) -> None:
        self.messages.append((time.time(), event["message"]))

    def mark_lost(self) -> None:
        if self.closed is None:
            self.closed = time.time()
        self.lost.set()


@dataclass
class Member:
    name: str
    user_id: str
    is_staff: bool
    api: ApiClient
    home: int
    threads: list[str] = field(default_factory=list)
    seen: dict[str, ThreadSeen] = field(default_factory=lambda: defaultdict(ThreadSeen))
    connections: list[Connection] = field(default_factory=list)
    ready: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def conn(self) -> Connection | None:
        return self.connections[-1] if self.connections else None

    def absorb(self) -> None:
        """Take the live `message` events received so far into the per-thread views."""
        for conn in self.connections:
            for at, message in conn.messages[conn.absorbed :]:
                self.seen[str(message["thread_id"])].add(message, live_at=at)
            conn.absorbed = len(conn.messages)


# ---------------------------------------------------------------- sends and their tally


@dataclass
class Send:
    client_id: str
    author: Member
    thread_id: str
    kind: str
    body: str
    first_at: float
    attempts: int = 0
    acked_at: float | None = None
    ack_ids: set[str] = field(default_factory=set)
    ack_seqs: set[int] = field(default_factory=set)  # as shown to the author (its side's)
    duplicate_acks: int = 0


@dataclass
class Tally:
    sends: list[Send] = field(default_factory=list)
    resend_reasons: Counter[str] = field(default_factory=Counter)
    reconnects: int = 0
    moves_home: int = 0
    connect_failures: int = 0
    catch_up_failures: int = 0


# ---------------------------------------------------------------- client behaviour


async def open_connection(member: Member, cluster: Cluster, tally: Tally) -> Connection:
    """Connect to the home process if it is up, else to another live one; retry until one
    answers."""
    while True:
        for url in cluster.candidates(member.home):
            sock = SocketClient()
            conn = Connection(sock, url, opened=0.0)
            sock.sio.on("disconnect", lambda *_a, c=conn: c.mark_lost(), namespace=NS)
            sock.sio.on("message", conn.on_message, namespace=NS)  # timed, not SocketClient's
            try:
                await asyncio.wait_for(sock.connect(url, member.api.token), 10)
            except Exception:
                tally.connect_failures += 1
                with contextlib.suppress(Exception):
                    await sock.sio.disconnect()
                continue
            conn.opened = time.time()
            return conn
        await asyncio.sleep(RETRY_PAUSE_S)


async def catch_up_socket(member: Member, conn: Connection) -> None:
    """Socket `catch_up` for every thread from the last contiguous position."""
    member.absorb()
    key = "after_seq" if member.is_staff else "after_patient_seq"
    for thread_id in member.threads:
        seen = member.seen[thread_id]
        while True:
            ack = await conn.sock.sio.call(
                "catch_up",
                {"thread_id": thread_id, key: seen.position, "limit": 500},
                namespace=NS,
                timeout=10,
            )
            if not ack.get("ok"):
                raise RuntimeError(ack.get("error", {}).get("code", "catch_up failed"))
            for message in ack["messages"]:
                seen.add(message)
            if len(ack["messages"]) < 500:
                break


async def keep_connected(member: Member, cluster: Cluster, tally: Tally) -> None:
    """Supervisor of one client's connection: reconnect and catch up whenever it drops."""
    while True:
        conn = await open_connection(member, cluster, tally)
        member.connections.append(conn)
        if conn.lost.is_set() or not conn.sock.sio.connected:
            conn.mark_lost()
        else:
            try:
                await catch_up_socket(member, conn)
            except Exception:
                tally.catch_up_failures += 1  # the connection dropped meanwhile, most likely
            member.ready.set()
        await conn.lost.wait()
        member.ready.clear()
        tally.reconnects += 1


async def drop(conn: Connection) -> None:
    with contextlib.suppress(Exception):
        await conn.sock.sio.disconnect()
    conn.mark_lost()


async def attempt(conn: Connection, send: Send, wait_s: float) -> dict[str, Any] | str:
    """One try: the ack, or why there was none."""
    payload = {
        "thread_id": send.thread_id,
        "client_id": send.client_id,
        "body": send.body,
        "kind": send.kind,
    }
    call = asyncio.ensure_future(conn.sock.sio.call("send_message", payload, NS, timeout=wait_s))
    lost = asyncio.ensure_future(conn.lost.wait())
    try:
        await asyncio.wait({call, lost}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        lost.cancel()
    if not call.done():
        call.cancel()
        return "disconnected"
    try:
        ack = call.result()
    except asyncio.CancelledError:
        return "disconnected"
    except socketio.exceptions.TimeoutError:
        return "timeout"
    except Exception:  # not connected (any more)
        return "disconnected"
    if not isinstance(ack, dict) or not ack.get("ok"):
        code = ack.get("error", {}).get("code") if isinstance(ack, dict) else None
        return f"error:{code}"
    return ack


async def deliver(member: Member, send: Send, tally: Tally, wait_s: float, give_up: float) -> None:
    """Send, and resend the same client_id until acknowledged (or `give_up`, monotonic)."""
    while time.monotonic() < give_up:
        try:
            await asyncio.wait_for(member.ready.wait(), max(0.01, give_up - time.monotonic()))
        except TimeoutError:
            return
        conn = member.conn
        if conn is None or conn.lost.is_set():
            await asyncio.sleep(0.01)
            continue
        if send.attempts:
            tally.resend_reasons["total"] += 1
        send.attempts += 1
        result = await attempt(conn, send, wait_s)
        if isinstance(result, dict):
            send.acked_at = time.monotonic()
            # The ack carries the message: the sending connection gets no live copy of it
            # (the web client shows its own message from the ack), so the ack is its arrival.
            member.seen[send.thread_id].add(result["message"], live_at=time.time())
            send.ack_ids.add(str(result["message"]["id"]))
            send.ack_seqs.add(int(result["message"]["seq"]))
            send.duplicate_acks += bool(result.get("duplicate"))
            return
        tally.resend_reasons[result] += 1
        await drop(conn)  # reconnect (the supervisor picks a live process) and resend
        await asyncio.sleep(RETRY_PAUSE_S)


async def run_sender(
    member: Member,
    cluster: Cluster,
    tally: Tally,
    args: argparse.Namespace,
    start: float,
    until: float,
    run: str,
) -> None:
    """Steady sends, round robin over the member's threads; the one in flight at `until` is
    still resent until acknowledged."""
    interval = args.clients / args.rate
    next_at = start + random.uniform(0, interval)
    turns: Counter[str] = Counter()
    for n in itertools.count():
        await asyncio.sleep(max(0.0, next_at - time.monotonic()))
        if time.monotonic() >= until:
            return
        thread_id = member.threads[n % len(member.threads)]
        turns[thread_id] += 1
        internal = member.is_staff and turns[thread_id] % INTERNAL_EVERY == 0
        send = Send(
            client_id=f"{run}-{member.name}-{n}",
            author=member,
            thread_id=thread_id,
            kind="internal_note" if internal else "text",
            body=f"Meddelande {n} från {member.name}.",
            first_at=time.monotonic(),
        )
        tally.sends.append(send)
        await deliver(member, send, tally, args.ack_timeout, until + args.finish)
        next_at = max(next_at + interval, time.monotonic())
        conn = member.conn
        home = cluster.slots[member.home]
        if conn is not None and home.live and conn.url != home.url:
            tally.moves_home += 1
            await drop(conn)  # back to its own process; the supervisor reconnects there


# ---------------------------------------------------------------- set-up


def plan_threads(clients: int) -> list[tuple[str, str, str | None, str]]:
    """(team, staff, colleague, patient) for as many threads as `clients` users allow; the
    `chat_load.py` threads, cycled with new patients beyond its 12."""
    plans: list[tuple[str, str, str | None, str]] = []
    users: set[str] = set()
    for i in range(10_000):
        team, staff, colleague = THREADS[i % len(THREADS)]
        patient = f"patient{i + 1}"
        new = {staff, patient} | ({colleague} if colleague else set())
        if len(users | new) > clients:
            break
        users |= new
        plans.append((team, staff, colleague, patient))
    return plans


async def prepare(tmp: Path, patients: int) -> tuple[Config, str]:
    url, dropname = await bench_database("pg", tmp)
    assert dropname is not None
    try:
        db = Database(url)
        try:
            await load_demo(db)
            await add_patients(db, patients)
        finally:
            await db.dispose()
    except BaseException:
        await pg_admin(f'DROP DATABASE IF EXISTS "{dropname}" WITH (FORCE)', PG)
        raise
    config = Config(
        data_dir=tmp,
        database_url=url,
        redis_url=REDIS,
        redis_channel=f"bench-{uuid.uuid4().hex[:6]}",
        nlp_enabled=False,
    )
    return config, dropname


async def setup_members(
    cluster: Cluster, plans: list[tuple[str, str, str | None, str]]
) -> tuple[list[Member], dict[str, list[Member]]]:
    """Log everyone in (spread over the processes), start the threads, add the colleagues."""
    names = list(dict.fromkeys(n for p in plans for n in (p[1], p[2], p[3]) if n))
    members: dict[str, Member] = {}
    patient_ids: dict[str, str] = {}
    for i, name in enumerate(names):
        home = i % len(cluster.slots)
        api = await login(cluster.slots[home].url, name)
        me = await api.ok("GET", "/api/v1/me")
        is_staff = not name.startswith("patient")
        members[name] = Member(name, str(me["user"]["id"]), is_staff, api, home)
        if not is_staff:
            patient_ids[name] = str(me["patients"][0]["id"])
    teams = {t["key"]: t["id"] for t in await members[plans[0][1]].api.ok("GET", "/api/v1/teams")}
    rooms: dict[str, list[Member]] = {}
    for team, staff, colleague, patient in plans:
        owner = members[staff]
        created = await owner.api.ok(
            "POST",
            "/api/v1/threads",
            {
                "patient_id": patient_ids[patient],
                "team_id": teams[team],
                "subject": "Krasch",
                "message": {"client_id": f"s-{uuid.uuid4().hex}", "body": "Hej, hur mår du?"},
            },
        )
        thread_id = str(created["thread"]["id"])
        room = [members[patient], owner]
        if colleague:
            await owner.api.ok(
                "POST",
                f"/api/v1/threads/{thread_id}/participants",
                {"user_id": members[colleague].user_id},
            )
            room.append(members[colleague])
        for m in room:
            m.threads.append(thread_id)
        rooms[thread_id] = room
    return list(members.values()), rooms


async def final_catch_up(member: Member, url: str) -> None:
    """REST history from the last contiguous position, page by page."""
    member.absorb()
    member.api.base_url = url  # the process it logged in on may have moved
    key = "after_seq" if member.is_staff else "after_patient_seq"
    for thread_id in member.threads:
        seen = member.seen[thread_id]
        while True:
            page = await history(member.api, thread_id, **{key: seen.position, "limit": 200})
            for message in page:
                seen.add(message)
            if len(page) < 200:
                break


# ---------------------------------------------------------------- the check against the database


@dataclass(frozen=True)
class Row:
    id: str
    thread_id: str
    seq: int
    patient_seq: int | None
    author_id: str | None
    client_id: str | None
    kind: str
    created_at: float


async def read_database(
    url: str, thread_ids: list[str]
) -> tuple[list[Row], dict[str, tuple[int, int]]]:
    """The messages of the bench threads, and each thread's (last_seq, last_patient_seq)."""
    engine = create_async_engine(url)
    ids = [uuid.UUID(t) for t in thread_ids]
    try:
        async with engine.connect() as conn:
            result = await conn.execute(
                select(
                    Message.id,
                    Message.thread_id,
                    Message.seq,
                    Message.patient_seq,
                    Message.author_id,
                    Message.client_id,
                    Message.kind,
                    Message.created_at,
                ).where(Message.thread_id.in_(ids))
            )
            rows = [
                Row(
                    str(r.id),
                    str(r.thread_id),
                    int(r.seq),
                    None if r.patient_seq is None else int(r.patient_seq),
                    None if r.author_id is None else str(r.author_id),
                    r.client_id,
                    str(r.kind),
                    r.created_at.timestamp(),
                )
                for r in result
            ]
            heads = await conn.execute(
                select(Thread.id, Thread.last_seq, Thread.last_patient_seq).where(
                    Thread.id.in_(ids)
                )
            )
            last = {str(h.id): (int(h.last_seq), int(h.last_patient_seq)) for h in heads}
    finally:
        await engine.dispose()
    return rows, last


@dataclass
class Storage:
    lost: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    seq_gaps: list[str] = field(default_factory=list)
    unacked: int = 0
    unacked_stored: int = 0
    stray: list[str] = field(default_factory=list)


def check_storage(
    rows: list[Row], last: dict[str, tuple[int, int]], sends: list[Send], run: str
) -> Storage:
    out = Storage()
    by_key: dict[tuple[str | None, str], list[Row]] = defaultdict(list)
    by_cid: dict[str, list[Row]] = defaultdict(list)
    ids = {r.id for r in rows}
    for r in rows:
        if r.client_id:
            by_key[(r.author_id, r.client_id)].append(r)
            by_cid[r.client_id].append(r)
    for cid, stored in by_cid.items():
        if len(stored) > 1:
            out.duplicated.append(
                f"{cid} stored {len(stored)} times: seqs {[r.seq for r in stored]}"
            )
    attempted = {s.client_id for s in sends}
    out.stray = [cid for cid in by_cid if cid.startswith(run) and cid not in attempted]
    for s in sends:
        stored = by_key.get((s.author.user_id, s.client_id), [])
        if s.acked_at is None:
            out.unacked += 1
            out.unacked_stored += bool(stored)
            continue
        if not stored or not s.ack_ids <= ids:
            out.lost.append(f"{s.client_id} (acked as {sorted(s.ack_ids)}, stored {len(stored)})")
        if len(s.ack_ids) > 1:
            out.duplicated.append(f"{s.client_id} acknowledged as {len(s.ack_ids)} messages")
    for thread_id, (last_seq, last_patient_seq) in last.items():
        mine = [r for r in rows if r.thread_id == thread_id]
        for name, values, top in (
            ("seq", [r.seq for r in mine], last_seq),
            (
                "patient_seq",
                [r.patient_seq for r in mine if r.patient_seq is not None],
                last_patient_seq,
            ),
        ):
            missing = sorted(set(range(1, top + 1)) - set(values))
            extra = len(values) - len(set(values)) + len([v for v in values if v > top])
            if missing or extra:
                out.seq_gaps.append(
                    f"thread {thread_id} {name}: missing {missing[:10]}, extra {extra}"
                )
    return out


@dataclass
class Delivery:
    pairs: int = 0
    never: list[str] = field(default_factory=list)
    only_catch_up: int = 0
    eligible: int = 0  # pairs whose member was connected from created_at until due
    missed_live: list[str] = field(default_factory=list)
    leaked: list[str] = field(default_factory=list)
    wrong_seq: list[str] = field(default_factory=list)
    publish_ms: list[float] = field(default_factory=list)  # created_at → first live arrival


def connected_throughout(member: Member, start: float, end: float, live_end: float) -> bool:
    return any(
        c.opened and c.opened <= start and (c.closed or live_end) >= end for c in member.connections
    )


def around(member: Member, at: float) -> str:
    """The member's connections near `at`, in seconds relative to it (for offending cases)."""
    near = [
        f"{c.opened - at:+.1f}..{'open' if c.closed is None else f'{c.closed - at:+.1f}'} {c.url}"
        for c in member.connections
        if c.opened and c.opened - 15 < at < (c.closed or float("inf")) + 15
    ]
    return f"; its connections (s from created_at): {', '.join(near) or 'none'}"


def first_live(rows: list[Row], rooms: dict[str, list[Member]]) -> dict[str, float]:
    """When each message first arrived live at any member but its author (whose ack is no
    publish): it had been published by then."""
    first: dict[str, float] = {}
    for r in rows:
        times = [t for m in rooms[r.thread_id] if m.user_id != r.author_id
                 and (t := m.seen[r.thread_id].live.get(r.id))]
        if times:
            first[r.id] = min(times)
    return first


def check_delivery(
    rows: list[Row],
    rooms: dict[str, list[Member]],
    run: str,
    sends: list[Send],
    slack: float,
    window: float,
    live_end: float,
) -> Delivery:
    """Per (member, message) the member may see. A member must get a message live when it was
    connected (one connection) from the commit until `slack` s after the message first
    arrived live anywhere (`window` s after the commit if nobody got it live)."""
    out = Delivery()
    by_id = {r.id: r for r in rows}
    published = first_live(rows, rooms)
    out.publish_ms = [
        (published[r.id] - r.created_at) * 1000
        for r in rows
        if r.id in published and (r.client_id or "").startswith(run)
    ]
    for r in rows:
        if not (r.client_id or "").startswith(run):
            continue
        for member in rooms[r.thread_id]:
            if not member.is_staff and r.patient_seq is None:
                continue
            seen = member.seen[r.thread_id]
            out.pairs += 1
            live, caught = r.id in seen.live, r.id in seen.caught
            what = f"{r.client_id} seq {r.seq} → {member.name}{around(member, r.created_at)}"
            if not live and not caught:
                out.never.append(what)
            elif not live:
                out.only_catch_up += 1
            due = published[r.id] + slack if r.id in published else r.created_at + window
            if due <= live_end and connected_throughout(member, r.created_at, due, live_end):
                out.eligible += 1
                if not live:
                    out.missed_live.append(what)
    check_shown(out, by_id, rooms, sends)
    return out


def check_shown(
    out: Delivery, by_id: dict[str, Row], rooms: dict[str, list[Member]], sends: list[Send]
) -> None:
    """Every seq a client was shown (live, catch-up, its own acks) is the stored one of its
    side; nothing internal reached the patient side."""
    shown: list[tuple[Member, str, set[int]]] = [
        (m, mid, seqs)
        for thread_id, room in rooms.items()
        for m in room
        for mid, seqs in m.seen[thread_id].seq_of.items()
    ]
    shown += [(s.author, mid, s.ack_seqs) for s in sends for mid in s.ack_ids]
    for member, mid, seqs in shown:
        row = by_id.get(mid)
        if row is None:
            out.wrong_seq.append(f"{mid} → {member.name}: not in the database")
            continue
        if not member.is_staff and row.patient_seq is None:
            out.leaked.append(f"{row.client_id} → {member.name}")
        expected = row.seq if member.is_staff else row.patient_seq
        if seqs != {expected}:
            out.wrong_seq.append(f"{row.client_id} → {member.name}: {sorted(seqs)} ≠ {expected}")


# ---------------------------------------------------------------- report


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]


def line(label: str, value: object, examples: list[str] | None = None) -> None:
    print(f"  {label:<58} {value}")
    for e in (examples or [])[:EXAMPLES]:
        print(f"  {'':<60}{e}")


def report(
    args: argparse.Namespace,
    cluster: Cluster,
    tally: Tally,
    storage: Storage,
    delivery: Delivery,
    members: list[Member],
    rooms: dict[str, list[Member]],
    timing: dict[str, float],
) -> None:
    acked = [s for s in tally.sends if s.acked_at is not None]
    latency = [((s.acked_at or 0) - s.first_at) * 1000 for s in acked]
    first_try = [((s.acked_at or 0) - s.first_at) * 1000 for s in acked if s.attempts == 1]
    reasons = ", ".join(f"{k} {v}" for k, v in sorted(tally.resend_reasons.items()) if k != "total")
    staff = sum(m.is_staff for m in members)
    restart = pct(cluster.restart_s, 50) if cluster.restart_s else float("nan")
    print(
        f"crash_load: {args.processes} processes on PostgreSQL + Redis, {len(members)} clients "
        f"({staff} staff, {len(members) - staff} patients) in {len(rooms)} threads, "
        f"{args.rate:g} msg/s, kill -9 every {args.kill_every:g} s, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    line("duration under chaos / whole run (s)", f"{timing['chaos']:.1f} / {timing['total']:.1f}")
    line(
        "kills (SIGKILL), restart time median / max (s)",
        f"{cluster.kills}, {restart:.1f} / {max(cluster.restart_s, default=float('nan')):.1f}",
    )
    line(
        "reconnects (moves back home), failed connect attempts",
        f"{tally.reconnects} ({tally.moves_home}), {tally.connect_failures}",
    )
    line("sends attempted / acknowledged", f"{len(tally.sends)} / {len(acked)}")
    line("  acknowledged as duplicate: true", sum(s.duplicate_acks > 0 for s in acked))
    line("  never acknowledged (of which stored)", f"{storage.unacked} ({storage.unacked_stored})")
    line("resends", f"{tally.resend_reasons['total']} ({reasons or 'none'})")
    line(
        "ack latency p50 / p99 / max (ms, first try → ack)",
        f"{pct(latency, 50):.0f} / {pct(latency, 99):.0f} / {max(latency, default=0):.0f}",
    )
    line(
        "  of sends acknowledged on the first try: p50 / p99 (ms)",
        f"{pct(first_try, 50):.0f} / {pct(first_try, 99):.0f}",
    )
    live = delivery.publish_ms
    line(
        "created_at → first live arrival p50 / p99 / max (ms)",
        f"{pct(live, 50):.0f} / {pct(live, 99):.0f} / {max(live, default=0):.0f}",
    )
    line("socket catch-ups that failed (connection dropped)", tally.catch_up_failures)
    print("  must be 0:")
    line("acknowledged sends lost (acked, not stored)", len(storage.lost), storage.lost)
    line(
        "duplicated (author+client_id twice, one client_id, two seqs)",
        len(storage.duplicated),
        storage.duplicated,
    )
    line("threads with gaps in seq or patient_seq", len(storage.seq_gaps), storage.seq_gaps)
    line("stored client_ids never sent", len(storage.stray), storage.stray)
    line(
        f"committed, never seen by a member (of {delivery.pairs} pairs)",
        len(delivery.never),
        delivery.never,
    )
    line(
        f"missed live though connected until due (of {delivery.eligible} pairs)",
        len(delivery.missed_live),
        delivery.missed_live,
    )
    line("internal notes seen on the patient side", len(delivery.leaked), delivery.leaked)
    line(
        "seq shown ≠ stored seq (patient side: patient_seq)",
        len(delivery.wrong_seq),
        delivery.wrong_seq,
    )
    share = 100 * delivery.only_catch_up / max(1, delivery.pairs)
    line(
        "seen only by catch-up (member, message) pairs", f"{delivery.only_catch_up} ({share:.1f} %)"
    )


# ---------------------------------------------------------------- the run


async def close_all(members: list[Member]) -> None:
    for m in members:
        for conn in m.connections:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await conn.sock.sio.disconnect()
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await m.api.close()


async def close_all_sockets(members: list[Member]) -> None:
    for m in members:
        m.absorb()
        for conn in m.connections:
            await drop(conn)


async def stop_tasks(tasks: list[asyncio.Task[None]]) -> None:
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    tasks.clear()


async def load(
    cluster: Cluster,
    members: list[Member],
    tally: Tally,
    args: argparse.Namespace,
    run_id: str,
    tasks: list[asyncio.Task[None]],
) -> tuple[float, float]:
    """Connect everyone, send under chaos, let live delivery drain: (seconds under chaos,
    wall-clock end of the live phase). Every task started goes into `tasks`."""
    tasks += [asyncio.create_task(keep_connected(m, cluster, tally)) for m in members]
    await asyncio.wait_for(asyncio.gather(*(m.ready.wait() for m in members)), 30)
    start = time.monotonic()
    until = start + args.seconds
    workers = [asyncio.create_task(chaos(cluster, args.kill_every, start, until))]
    workers += [
        asyncio.create_task(run_sender(m, cluster, tally, args, start, until, run_id))
        for m in members
    ]
    tasks += workers
    await asyncio.gather(*workers)
    chaos_s = time.monotonic() - start
    await asyncio.sleep(args.drain)  # live deliveries, outbox sweeps after the last kill
    return chaos_s, time.time()


async def clean_up(
    tasks: list[asyncio.Task[None]], members: list[Member], cluster: Cluster, dropname: str
) -> None:
    """Every step, whatever the others do (also when interrupted): the processes first, then
    the database, then the clients."""
    steps = [
        lambda: stop_tasks(tasks),
        cluster.stop,
        lambda: pg_admin(f'DROP DATABASE IF EXISTS "{dropname}" WITH (FORCE)', PG),
        lambda: close_all(members),
    ]
    for step in steps:
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await step()


async def run(args: argparse.Namespace, tmp: Path) -> None:
    plans = plan_threads(args.clients)
    if not plans:
        raise SystemExit("--clients: at least 2 (one staff member and one patient)")
    args.clients = len({n for p in plans for n in (p[1], p[2], p[3]) if n})
    config, dropname = await prepare(tmp, len(plans))
    cluster = Cluster.of(config, args.processes)
    members: list[Member] = []
    tasks: list[asyncio.Task[None]] = []
    run_id = f"k{uuid.uuid4().hex[:6]}"
    try:
        began = time.monotonic()
        await cluster.start()
        members, rooms = await setup_members(cluster, plans)
        tally = Tally()
        chaos_s, live_end = await load(cluster, members, tally, args, run_id, tasks)
        await stop_tasks(tasks)
        await close_all_sockets(members)
        for m in members:
            await final_catch_up(m, cluster.any_url())
        rows, last = await read_database(config.database_url, list(rooms))
        storage = check_storage(rows, last, tally.sends, run_id)
        delivery = check_delivery(
            rows, rooms, run_id, tally.sends, args.slack, args.window, live_end
        )
        timing = {"chaos": chaos_s, "total": time.monotonic() - began}
        report(args, cluster, tally, storage, delivery, members, rooms, timing)
    finally:
        await clean_up(tasks, members, cluster, dropname)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=60.0, help="load under chaos")
    parser.add_argument("--processes", type=int, default=2, help="nara serve processes")
    parser.add_argument("--kill-every", type=float, default=5.0, help="seconds between kills")
    parser.add_argument("--clients", type=int, default=19, help="client users (19: 12 threads)")
    parser.add_argument("--rate", type=float, default=20.0, help="messages per second, all clients")
    parser.add_argument("--ack-timeout", type=float, default=5.0, help="seconds before a resend")
    parser.add_argument(
        "--finish",
        type=float,
        default=60.0,
        help="seconds after the run to get the last sends acknowledged",
    )
    parser.add_argument(
        "--drain", type=float, default=8.0, help="seconds for live delivery after the last ack"
    )
    parser.add_argument(
        "--slack",
        type=float,
        default=3.0,
        help="a member connected from a commit until this long after its first live arrival "
        "anywhere must get it live",
    )
    parser.add_argument(
        "--window",
        type=float,
        default=10.0,
        help="… or, if nobody got it live, this long after the commit",
    )
    args = parser.parse_args()
    if args.processes < 1 or args.rate <= 0 or args.kill_every <= 0:
        parser.error("--processes, --rate and --kill-every must be positive")
    return args


async def main() -> None:
    args = parse_args()
    task = asyncio.current_task()
    if task is not None:  # kill <pid>: clean up as on Ctrl-C
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    with tempfile.TemporaryDirectory() as tmpdir:
        await run(args, Path(tmpdir))


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except (KeyboardInterrupt, asyncio.CancelledError):
        print("interrupted: processes stopped, bench database dropped", file=sys.stderr)
        sys.exit(130)
