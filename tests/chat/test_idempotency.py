"""Sends are idempotent on the client's id: twice, concurrently, across transports, restarts."""

import asyncio

import pytest

from tests.support.clients import login
from tests.support.flows import cid, history, start_thread
from tests.support.process import ServerProcess


async def _thread(server, who="anna"):
    client = await server.login(who)
    first = await start_thread(client, server.demo.patients[who], server.demo.care_contacts[who])
    return client, first["thread"]["id"]


async def test_same_client_id_twice_stores_one_message(server):
    anna, thread_id = await _thread(server)
    payload = {"client_id": cid(), "body": "Samma meddelande"}
    url = f"/api/v1/threads/{thread_id}/messages"
    s1, first = await anna.post(url, payload)
    s2, second = await anna.post(url, payload)
    assert (s1, s2) == (201, 201)
    assert first["message"]["id"] == second["message"]["id"]
    assert first["message"]["seq"] == second["message"]["seq"]
    assert (first["duplicate"], second["duplicate"]) == (False, True)
    assert [m["body"] for m in await history(anna, thread_id)].count("Samma meddelande") == 1


async def test_rest_and_socket_give_the_same_result(server):
    anna, thread_id = await _thread(server)
    live = await server.socket(anna)
    payload = {"client_id": cid(), "body": "Via socket först"}
    ack = await live.call("send_message", {"thread_id": thread_id, **payload})
    status, rest = await anna.post(f"/api/v1/threads/{thread_id}/messages", payload)
    assert ack["ok"] and status == 201
    assert rest["message"] == ack["message"] and rest["duplicate"] is True


async def test_concurrent_duplicates_store_one(server):
    anna, thread_id = await _thread(server)
    payload = {"client_id": cid(), "body": "Skickat fem gånger samtidigt"}
    url = f"/api/v1/threads/{thread_id}/messages"
    results = await asyncio.gather(*(anna.post(url, payload) for _ in range(5)))
    assert {status for status, _ in results} == {201}
    assert len({body["message"]["id"] for _, body in results}) == 1
    assert [m["seq"] for m in await history(anna, thread_id)] == [1, 2]


async def test_sequence_is_gap_free_under_concurrent_writers(server):
    anna, thread_id = await _thread(server)
    sara, lars = await server.login("sara"), await server.login("lars")
    url = f"/api/v1/threads/{thread_id}/messages"

    async def burst(client):
        for i in range(15):
            status, _ = await client.post(url, {"client_id": cid(), "body": f"m{i}"})
            assert status == 201

    await asyncio.gather(burst(anna), burst(sara), burst(lars))
    seqs = [m["seq"] for m in await history(sara, thread_id, limit=200)]
    assert seqs == list(range(1, 47))


async def test_reused_id_with_other_content_is_refused(server):
    anna, thread_id = await _thread(server)
    url = f"/api/v1/threads/{thread_id}/messages"
    client_id = cid()
    await anna.ok("POST", url, {"client_id": client_id, "body": "Första"})
    status, body = await anna.post(url, {"client_id": client_id, "body": "Annat"})
    assert status == 409 and body["error"]["code"] == "idempotency_mismatch"


@pytest.mark.slow
async def test_resend_after_server_restart(base_config, db_template):
    proc = ServerProcess(base_config)
    url = await proc.start()
    try:
        anna = await login(url, "anna")
        first = await start_thread(
            anna, db_template.demo.patients["anna"], db_template.demo.care_contacts["anna"]
        )
        thread_id = first["thread"]["id"]
        payload = {"client_id": cid(), "body": "Skickat före omstart"}
        before = await anna.ok("POST", f"/api/v1/threads/{thread_id}/messages", payload)
        await proc.stop()
        url = await proc.start()
        anna.base_url = url  # same token: sessions survive a restart
        after = await anna.ok("POST", f"/api/v1/threads/{thread_id}/messages", payload)
        assert after["message"]["id"] == before["message"]["id"] and after["duplicate"]
        assert [m["seq"] for m in await history(anna, thread_id)] == [1, 2]
        await anna.close()
    finally:
        await proc.stop()
