"""Many concurrent Socket.IO senders through group commit (issue 16): every acknowledged
message is stored once, with gap-free sequences, and delivered live to every other member."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

from sqlalchemy import event

from server.keys import DB
from tests.support.clients import ApiClient, SocketClient
from tests.support.flows import cid, history, start_thread

SENDS_EACH = 6


async def test_concurrent_socket_senders_are_stored_once_in_order_and_delivered(server):
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
