"""The send path survives a crash between commit and publish; every reader has a gap-free
sequence; thread creation is idempotent (issue 16)."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest

from chat.storage import Database
from tests.support.backends import PG_URL, REDIS_URL
from tests.support.clients import ApiClient, SocketClient, login
from tests.support.flows import cid, history, send, start_thread
from tests.support.process import ServerProcess

CRASH = "KRASCHA-HÄR"
two_processes = pytest.mark.skipif(
    not (PG_URL and REDIS_URL), reason="needs DATABASE_URL (PostgreSQL) and REDIS_URL"
)
slow = pytest.mark.slow  # separate server processes: kill -9, restarts


def crashing(stale_s: float) -> dict[str, str]:
    return {
        "NARA_FAULT_CRASH_AFTER_COMMIT": CRASH,
        "NARA_LIVE_OUTBOX_STALE_SECONDS": str(stale_s),
    }


async def _send_and_die(proc: ServerProcess, client: ApiClient, thread_id: str, body: str) -> str:
    """Send a message the process commits and then dies on, before publishing it."""
    client_id = cid()
    with pytest.raises(aiohttp.ClientError):
        await client.post(
            f"/api/v1/threads/{thread_id}/messages", {"client_id": client_id, "body": body}
        )
    assert proc.proc is not None
    assert await asyncio.wait_for(proc.proc.wait(), 15) == 137
    return client_id


async def _socket(url: str, client: ApiClient) -> SocketClient:
    sock = SocketClient()
    await sock.connect(url, client.token)
    return sock


@pytest.mark.slow
@slow
async def test_committed_message_reaches_clients_after_crash_and_restart(base_config, db_template):
    """kill -9 between commit and publish: the restarted process publishes what was
    committed, and the client's resend gets the stored message (duplicate) echoed live."""
    demo = db_template.demo
    proc = ServerProcess(base_config, extra_env=crashing(stale_s=2))
    url = await proc.start()
    anna, sara = await login(url, "anna"), await login(url, "sara")
    socks: list[SocketClient] = []
    try:
        first = await start_thread(anna, demo.patients["anna"], demo.care_contacts["anna"])
        thread_id = first["thread"]["id"]
        client_id = await _send_and_die(proc, sara, thread_id, f"Svar {CRASH}")

        proc.extra_env = {"NARA_LIVE_OUTBOX_STALE_SECONDS": "2"}  # no more crashes
        url = await proc.start()
        for c in (anna, sara):
            c.base_url = url
        anna_live, sara_live = await _socket(url, anna), await _socket(url, sara)
        socks += [anna_live, sara_live]
        got = await anna_live.wait_for(
            "message", lambda e: e["message"]["client_id"] == client_id, timeout_s=10
        )
        assert got["message"]["seq"] == 2 and got["message"]["patient_seq"] == 2

        # The sender never got an answer and resends: the stored message, echoed live to it.
        resend = {"client_id": client_id, "body": f"Svar {CRASH}"}
        status, again = await sara.post(f"/api/v1/threads/{thread_id}/messages", resend)
        assert status == 201 and again["duplicate"] is True
        assert again["message"]["id"] == got["message"]["id"]
        await sara_live.wait_for("message", lambda e: e["message"]["client_id"] == client_id)
        assert [m["seq"] for m in await history(sara, thread_id)] == [1, 2]
    finally:
        for s in socks:
            await s.close()
        await anna.close()
        await sara.close()
        await proc.stop()


@pytest.mark.slow
@slow
async def test_resend_echoes_the_stored_message_to_the_sender(base_config, db_template):
    """The sweep is far off here: only the resend's echo can tell the sender."""
    demo = db_template.demo
    proc = ServerProcess(base_config, extra_env=crashing(stale_s=600))
    url = await proc.start()
    anna = await login(url, "anna")
    socks: list[SocketClient] = []
    try:
        first = await start_thread(anna, demo.patients["anna"], demo.care_contacts["anna"])
        thread_id = first["thread"]["id"]
        client_id = await _send_and_die(proc, anna, thread_id, f"Hej {CRASH}")
        proc.extra_env = {"NARA_LIVE_OUTBOX_STALE_SECONDS": "600"}
        url = await proc.start()
        anna.base_url = url
        phone, laptop = await _socket(url, anna), await _socket(url, anna)
        socks += [phone, laptop]
        resend = {"thread_id": thread_id, "client_id": client_id, "body": f"Hej {CRASH}"}
        ack = await phone.call("send_message", resend)
        assert ack["ok"] and ack["duplicate"] is True and ack["message"]["seq"] == 2
        echoed = await laptop.wait_for("message", lambda e: e["message"]["client_id"] == client_id)
        assert echoed["message"]["id"] == ack["message"]["id"]
    finally:
        for s in socks:
            await s.close()
        await anna.close()
        await proc.stop()


@two_processes
@slow
async def test_other_process_publishes_what_a_dead_one_committed(base_config, db_template):
    """A dies between commit and publish; nobody restarts it: B's sweep delivers to the
    clients connected to B."""
    demo = db_template.demo
    a = ServerProcess(base_config, extra_env=crashing(stale_s=1))
    b = ServerProcess(base_config, extra_env={"NARA_LIVE_OUTBOX_STALE_SECONDS": "1"})
    url_a, url_b = await a.start(), await b.start()
    anna, sara = await login(url_b, "anna"), await login(url_a, "sara")
    socks: list[SocketClient] = []
    try:
        first = await start_thread(anna, demo.patients["anna"], demo.care_contacts["anna"])
        thread_id = first["thread"]["id"]
        anna_on_b = await _socket(url_b, anna)
        socks.append(anna_on_b)
        client_id = await _send_and_die(a, sara, thread_id, f"Från A {CRASH}")
        got = await anna_on_b.wait_for(
            "message", lambda e: e["message"]["client_id"] == client_id, timeout_s=10
        )
        assert got["message"]["seq"] == 2
        # Each committed message once from the sweep (the outbox row is gone after it).
        await asyncio.sleep(2.5)
        assert [m["client_id"] for m in anna_on_b.messages()].count(client_id) == 1
    finally:
        for s in socks:
            await s.close()
        await anna.close()
        await sara.close()
        await a.stop()
        await b.stop()


@pytest.mark.slow
async def test_patient_side_counts_only_what_it_sees(server):
    """Internal notes take a seq but no patient_seq: the patient's sequence has no gaps, and
    the patient catches up from its own last contiguous position."""
    demo = server.demo
    anna, sara = await server.login("anna"), await server.login("sara")
    thread_id = (await start_thread(anna, demo.patients["anna"], demo.care_contacts["anna"]))[
        "thread"
    ]["id"]
    live = await server.socket(anna)
    note = await send(sara, thread_id, "Internt: ring tillbaka", "internal_note")
    assert note["message"]["seq"] == 2 and note["message"]["patient_seq"] is None
    answer = await send(sara, thread_id, "Svar 1")
    assert (answer["message"]["seq"], answer["message"]["patient_seq"]) == (3, 2)
    await live.wait_for("message", lambda e: e["message"]["body"] == "Svar 1")
    assert [m["patient_seq"] for m in live.messages()] == [2]
    await live.close()  # offline

    for i in range(2, 5):
        await send(sara, thread_id, f"Internt {i}", "internal_note")
        await send(sara, thread_id, f"Svar {i}")
    again = await server.socket(anna)
    ack = await again.call("catch_up", {"thread_id": thread_id, "after_patient_seq": 2})
    assert ack["ok"]
    assert [m["patient_seq"] for m in ack["messages"]] == [3, 4, 5]
    assert [m["body"] for m in ack["messages"]] == ["Svar 2", "Svar 3", "Svar 4"]
    rest = await anna.ok(
        "GET", f"/api/v1/threads/{thread_id}/messages", params={"after_patient_seq": 2}
    )
    assert [m["patient_seq"] for m in rest] == [3, 4, 5]
    # The whole history as the patient sees it: 1..n without a gap.
    assert [m["patient_seq"] for m in await history(anna, thread_id)] == [1, 2, 3, 4, 5]
    # Staff count everything by seq, also without gaps.
    assert [m["seq"] for m in await history(sara, thread_id)] == list(range(1, 10))
    bad = await again.call("catch_up", {"thread_id": thread_id})
    assert bad["error"]["code"] == "validation_failed"


async def _create(client: ApiClient, demo: Any, body: str, client_id: str) -> tuple[int, Any]:
    return await client.post(
        "/api/v1/threads",
        {
            "patient_id": str(demo.patients["anna"]),
            "subject": "Recept",
            "care_contact_id": str(demo.care_contacts["anna"]),
            "message": {"client_id": client_id, "body": body},
        },
    )


async def test_thread_creation_resent_returns_the_stored_thread(server):
    anna = await server.login("anna")
    client_id = cid()
    s1, first = await _create(anna, server.demo, "Kan jag förnya receptet?", client_id)
    s2, second = await _create(anna, server.demo, "Kan jag förnya receptet?", client_id)
    assert (s1, s2) == (201, 201)
    assert (first["duplicate"], second["duplicate"]) == (False, True)
    assert second["thread"]["id"] == first["thread"]["id"]
    assert second["message"]["id"] == first["message"]["id"]
    threads = (await anna.ok("GET", "/api/v1/threads"))["threads"]
    assert [t["id"] for t in threads].count(first["thread"]["id"]) == 1 and len(threads) == 1

    status, body = await _create(anna, server.demo, "Något helt annat", client_id)
    assert status == 409 and body["error"]["code"] == "idempotency_mismatch"
    # The id of a message in another thread, or not the first one, is refused the same way.
    used = (await send(anna, first["thread"]["id"], "Ett till"))["message"]["client_id"]
    status, body = await _create(anna, server.demo, "Ett till", used)
    assert status == 409 and body["error"]["code"] == "idempotency_mismatch"


async def test_concurrent_thread_creation_stores_one(server):
    anna = await server.login("anna")
    client_id = cid()
    results = await asyncio.gather(
        *(_create(anna, server.demo, "Samtidigt", client_id) for _ in range(4))
    )
    assert {status for status, _ in results} == {201}
    assert len({body["thread"]["id"] for _, body in results}) == 1
    assert sorted(body["duplicate"] for _, body in results) == [False, True, True, True]
    assert len((await anna.ok("GET", "/api/v1/threads"))["threads"]) == 1


@pytest.mark.slow
@slow
async def test_thread_creation_resent_after_restart(base_config, db_template):
    proc = ServerProcess(base_config)
    url = await proc.start()
    anna = await login(url, "anna")
    try:
        client_id = cid()
        _, first = await _create(anna, db_template.demo, "Före omstart", client_id)
        await proc.stop()
        anna.base_url = await proc.start()
        status, again = await _create(anna, db_template.demo, "Före omstart", client_id)
        assert status == 201 and again["duplicate"] is True
        assert again["thread"]["id"] == first["thread"]["id"]
    finally:
        await anna.close()
        await proc.stop()


@two_processes
@slow
async def test_thread_creation_resent_to_another_process(base_config, db_template):
    a, b = ServerProcess(base_config), ServerProcess(base_config)
    url_a, url_b = await a.start(), await b.start()
    on_a = await login(url_a, "anna")
    on_b = ApiClient(url_b, on_a.token)
    try:
        client_id = cid()
        results = await asyncio.gather(
            _create(on_a, db_template.demo, "Två processer", client_id),
            _create(on_b, db_template.demo, "Två processer", client_id),
        )
        assert {status for status, _ in results} == {201}
        assert len({body["thread"]["id"] for _, body in results}) == 1
        status, body = await _create(on_b, db_template.demo, "Annan text", client_id)
        assert status == 409 and body["error"]["code"] == "idempotency_mismatch"
    finally:
        await on_a.close()
        await on_b.close()
        await a.stop()
        await b.stop()


async def test_on_commit_runs_after_commit_and_never_after_rollback(database, db_template):
    db = Database(database.url)
    ran: list[str] = []

    async def mark(name: str) -> None:
        ran.append(name)

    try:
        async with db.write() as store:
            store.on_commit(lambda: mark("committed"))
            assert ran == []  # not inside the transaction
        assert ran == ["committed"]
        with pytest.raises(RuntimeError):
            async with db.write() as store:
                store.on_commit(lambda: mark("rolled back"))
                raise RuntimeError("abort")
        assert ran == ["committed"]
    finally:
        await db.dispose()


async def test_live_outbox_row_is_written_with_the_message(database, db_template):
    """The durable events sit in live_outbox from the same commit; publishing deletes them."""
    from chat.events import Publisher

    db = Database(database.url)
    sent: list[tuple[str, list[str]]] = []

    class Live:
        async def publish(self, event: str, payload: dict[str, Any], audiences: Any) -> None:
            sent.append((event, list(audiences)))

    events = Publisher(Live())
    try:
        async with db.write() as store:
            events.publish(store, "message", {"message": {"body": "x"}}, ["user:1"])
            events.publish(store, "typing", {}, ["user:1"], durable=False)
            events.publish(store, "nobody", {}, [])
        assert sent == [("message", ["user:1"]), ("typing", ["user:1"])]
        async with db.read() as store:
            assert len(await store.live_outbox.stale(events.clock())) == 1
        await events.flush(db)
        async with db.read() as store:
            assert await store.live_outbox.stale(events.clock()) == []
        # Left behind (as by a process that died): the sweep publishes it and removes it.
        async with db.write() as store:
            left = [{"event": "message", "payload": {}, "rooms": ["r"]}]
            await store.live_outbox.add(left, events.clock())
        sent.clear()
        assert await events.sweep(db, stale_s=0) == 1
        assert sent == [("message", ["r"])]
        assert await events.sweep(db, stale_s=0) == 0
    finally:
        await db.dispose()
