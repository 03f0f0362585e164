"""Many concurrent Socket.IO senders through group commit (issue 16): every acknowledged
message is stored once, with gap-free sequences, and delivered live to every other member; a
transaction's sends go out as one bus message (one ``emit_events``; on Redis one publish),
also across two processes."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections import Counter, defaultdict
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import event

from server.config import Config
from server.keys import DB, SIO
from tests.conftest import RunningServer, start_server
from tests.support.backends import PG_URL, REDIS_URL, Template
from tests.support.clients import ApiClient, SocketClient, login
from tests.support.flows import cid, history, start_thread
from tests.support.process import ServerProcess

SENDS_EACH = 6


async def test_concurrent_socket_senders_are_stored_once_in_order_and_delivered(server):
    await _concurrent_senders(server)


@pytest.fixture
async def in_flight_server(base_config: Config, db_template: Template) -> AsyncIterator[Any]:
    """A server that writes up to four batches of sends at once (PostgreSQL only)."""
    if not PG_URL:
        pytest.skip("SQLite writes one batch at a time")
    config = dataclasses.replace(base_config, send_batches_in_flight=4)
    runner, url = await start_server(config)
    running = RunningServer(url, db_template.demo, config, runner.app)
    yield running
    await running.close_clients()
    await runner.cleanup()


async def test_several_batches_in_flight_keep_every_senders_order(in_flight_server):
    """The same 16 concurrent senders with four batches in flight: a thread's sends never go
    in two batches at once, so storage, seqs and live delivery are as with one."""
    await _concurrent_senders(in_flight_server)


async def _concurrent_senders(server: Any) -> None:
    demo = server.demo
    staff = {u: await server.login(u) for u in ("sara", "lars", "ulla")}
    patients = {u: await server.login(u) for u in ("anna", "bertil")}
    clients: dict[str, ApiClient] = {**staff, **patients}
    threads: dict[str, str] = {}  # thread id → its patient
    for who in ("anna", "bertil"):
        for _ in range(2):
            first = await start_thread(
                patients[who], demo.patients[who], demo.care_contacts[who]
            )
            threads[first["thread"]["id"]] = who
    socks = {u: await server.socket(c) for u, c in clients.items()}
    per_commit = _inserts_per_commit(server)

    # Everyone of a thread sends in it, all threads at once: 16 senders.
    senders = [
        (who, thread_id)
        for thread_id, patient in threads.items()
        for who in (patient, *staff)
    ]
    acks: list[tuple[str, str, dict[str, Any]]] = []

    async def sender(who: str, thread_id: str) -> None:
        for i in range(SENDS_EACH):
            payload = {"thread_id": thread_id, "client_id": cid(), "body": f"{who} {i}"}
            ack = await socks[who].call("send_message", payload)
            assert ack.get("ok"), ack
            acks.append((who, thread_id, ack["message"]))

    await asyncio.gather(*(sender(who, t) for who, t in senders))
    assert len(acks) == len(senders) * SENDS_EACH
    assert max(per_commit) > 1  # sends did share transactions

    # Stored once each, gap-free, in each sender's order; the ack's seq is the stored one.
    for thread_id, patient in threads.items():
        rows = await history(clients["sara"], thread_id, limit=200)
        acked = {m["id"]: m["seq"] for _, t, m in acks if t == thread_id}
        assert [m["seq"] for m in rows] == list(range(1, len(acked) + 2))
        # No internal notes here: both sides' seqs are the same.
        assert {m["id"]: m["seq"] for m in rows[1:]} == acked
        for who in (patient, *staff):
            bodies = [m["body"] for m in rows if m["body"].startswith(f"{who} ")]
            assert bodies == [f"{who} {i}" for i in range(SENDS_EACH)]
        seen_by_patient = await history(clients[patient], thread_id, limit=200)
        assert [m["seq"] for m in seen_by_patient] == list(range(1, len(rows) + 1))

    # Live: every member's socket got every message of its threads it did not send itself
    # (the sending socket has it in its ack), each once.
    for who, sock in socks.items():
        visible = {t for t, p in threads.items() if who in staff or p == who}
        expected = Counter(m["id"] for w, t, m in acks if t in visible and w != who)
        await _all_arrived(sock, set(expected))
        got = Counter(m["id"] for m in sock.messages() if m["id"] in expected)
        assert got == Counter(dict.fromkeys(expected, 1)), who


async def test_a_transactions_sends_are_one_bus_message(server):
    """Each committed batch of sends is one ``emit_events`` call (one Redis publish), its sends'
    events in the batch's order; the sending socket still gets none of its own messages."""
    demo = server.demo
    staff = {u: await server.login(u) for u in ("sara", "lars")}
    anna = await server.login("anna")
    thread_id = (await start_thread(anna, demo.patients["anna"], demo.care_contacts["anna"]))[
        "thread"
    ]["id"]
    socks = {u: await server.socket(c) for u, c in {**staff, "anna": anna}.items()}
    manager = server.app[SIO].manager
    calls: list[list[tuple[str, str | None]]] = []  # per call: (event, message id)
    singles: list[str] = []  # events that went out one by one

    emit_events, emit_parts = manager.emit_events, manager.emit_parts

    async def recorded_events(events: Any, namespace: str) -> None:
        calls.append(
            [(e, p[0][0]["message"]["id"] if e == "message" else None) for e, p, _ in events]
        )
        await emit_events(events, namespace)

    async def recorded_parts(event_name: str, parts: Any, namespace: str) -> None:
        singles.append(event_name)
        await emit_parts(event_name, parts, namespace)

    manager.emit_events, manager.emit_parts = recorded_events, recorded_parts
    per_commit = _inserts_per_commit(server)
    acks: dict[str, list[str]] = defaultdict(list)  # sender → its message ids, in order

    async def sender(who: str) -> None:
        for i in range(8):
            payload = {"thread_id": thread_id, "client_id": cid(), "body": f"{who} {i}"}
            ack = await socks[who].call("send_message", payload)
            assert ack.get("ok"), ack
            acks[who].append(ack["message"]["id"])

    await asyncio.gather(*(sender(who) for who in socks))
    manager.emit_events, manager.emit_parts = emit_events, emit_parts

    assert "message" not in singles
    carried = [[m for e, m in call if e == "message"] for call in calls]
    carried = [c for c in carried if c]
    # One call per transaction that stored messages, with exactly its messages.
    assert sorted(len(c) for c in carried) == sorted(n for n in per_commit if n)
    assert max(len(c) for c in carried) > 1  # a batch went out as one
    flat = [m for c in carried for m in c]
    assert Counter(flat) == Counter(m for ids in acks.values() for m in ids)
    # In the stored order (seq), and each socket got the others' messages once, in that order.
    rows = await history(staff["sara"], thread_id, limit=200)
    assert flat == [m["id"] for m in rows[1:]]
    for who, sock in socks.items():
        expected = [m for m in flat if m not in acks[who]]
        await _all_arrived(sock, set(expected))
        assert [m["id"] for m in sock.messages() if m["id"] in flat] == expected, who


@pytest.mark.skipif(not (PG_URL and REDIS_URL), reason="needs PostgreSQL and Redis")
@pytest.mark.slow
async def test_batches_are_one_redis_message_each_across_two_processes(
    base_config, db_template
) -> None:
    """Two `nara serve` processes on PostgreSQL + Redis, every member with a socket on each:
    concurrent senders on both; every send is on the channel exactly once, batches as one
    message each; every socket on both processes gets every message it did not send, once,
    each sender's in order, each process's in seq order."""
    import redis.asyncio as redis

    demo = db_template.demo
    procs = [ServerProcess(base_config), ServerProcess(base_config)]
    urls = [await p.start() for p in procs]
    bus = redis.Redis.from_url(REDIS_URL)
    listener = bus.pubsub(ignore_subscribe_messages=True)
    users = ("sara", "lars", "ulla", "anna", "bertil")
    clients = {u: await login(urls[i % 2], u) for i, u in enumerate(users)}
    socks: dict[tuple[str, int], SocketClient] = {}
    try:
        threads: dict[str, str] = {}  # thread id → its patient
        for who in ("anna", "bertil"):
            for _ in range(2):
                first = await start_thread(
                    clients[who], demo.patients[who], demo.care_contacts[who]
                )
                threads[first["thread"]["id"]] = who
        for u in users:
            for i, url in enumerate(urls):
                socks[u, i] = sock = SocketClient()
                await sock.connect(url, clients[u].token)
        await listener.subscribe(base_config.redis_channel)
        while await listener.get_message(timeout=0.2) is not None:
            pass
        staff = ("sara", "lars", "ulla")
        # Every member of a thread sends in it, half of them through A, half through B.
        senders: list[tuple[str, str, int]] = []
        for t, patient in threads.items():
            for who in (patient, *staff):
                senders.append((who, t, len(senders) % 2))
        sent: list[tuple[str, str, int, dict[str, Any]]] = []  # who, thread, process, message

        async def sender(who: str, thread_id: str, proc: int) -> None:
            for i in range(6):
                payload = {"thread_id": thread_id, "client_id": cid(), "body": f"{who} {i}"}
                ack = await socks[who, proc].call("send_message", payload)
                assert ack.get("ok"), ack
                sent.append((who, thread_id, proc, ack["message"]))

        await asyncio.gather(*(sender(*s) for s in senders))

        # The channel: each send in exactly one message, and some message carried several.
        on_bus: list[list[str]] = []
        deadline = asyncio.get_running_loop().time() + 2.0
        while asyncio.get_running_loop().time() < deadline:
            m = await listener.get_message(timeout=0.1)
            if m is None:
                continue
            data = json.loads(m["data"])
            if data.get("method") != "nara_emit_parts":
                continue
            events = [[data["event"], data["parts"]], *data.get("more", [])]
            ids = [parts[0][0]["message"]["id"] for e, parts in events if e == "message"]
            if ids:
                on_bus.append(ids)
        carried = Counter(m for ids in on_bus for m in ids)
        assert carried == Counter(m["id"] for *_, m in sent)
        assert len(on_bus) < len(sent) and max(len(ids) for ids in on_bus) > 1, on_bus

        # Every socket on both processes: what it did not send, once; in order.
        for (who, i), sock in socks.items():
            visible = {t for t, p in threads.items() if who in staff or p == who}
            expected = {
                m["id"]: (w, t, proc, m["seq"])
                for w, t, proc, m in sent
                if t in visible and (w, proc) != (who, i)
            }
            await _all_arrived(sock, set(expected))
            got = [m["id"] for m in sock.messages() if m["id"] in expected]
            assert Counter(got) == Counter(dict.fromkeys(expected, 1)), (who, i)
            mine = {m["id"] for w, _, proc, m in sent if (w, proc) == (who, i)}
            assert not mine & {m["id"] for m in sock.messages()}, (who, i)  # skipped
            for key in {(w, t) for w, t, _p, _s in expected.values()}:  # each sender's order
                seqs = [expected[m][3] for m in got if expected[m][:2] == key]
                assert seqs == sorted(seqs), (who, i, key)
            for key in {(t, p) for _w, t, p, _s in expected.values()}:  # each process's
                seqs = [expected[m][3] for m in got if expected[m][1:3] == key]
                assert seqs == sorted(seqs), (who, i, key)
    finally:
        await listener.aclose()
        await bus.aclose()
        for sock in socks.values():
            if sock.sio.connected:
                await sock.close()
        for c in clients.values():
            await c.close()
        for p in procs:
            await p.stop()


def _inserts_per_commit(server: Any) -> list[int]:
    """Messages inserted per committed transaction, from now on (SQLAlchemy's events)."""
    engine = server.app[DB].engine.sync_engine
    open_: dict[int, int] = {}
    done: list[int] = [0]

    def statement(conn: Any, _cursor: Any, sql: str, *_a: Any) -> None:
        if "INSERT INTO messages" in sql:
            open_[id(conn)] = open_.get(id(conn), 0) + 1

    def commit(conn: Any) -> None:
        done.append(open_.pop(id(conn), 0))

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "commit", commit)
    event.listen(engine, "rollback", lambda conn: open_.pop(id(conn), None))
    return done


async def _all_arrived(sock: SocketClient, ids: set[str]) -> None:
    remaining = set(ids)

    def arrived(event: dict[str, Any]) -> bool:
        remaining.discard(event["message"]["id"])
        return not remaining

    if remaining:
        await sock.wait_for("message", arrived, timeout_s=10)
