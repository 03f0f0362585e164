"""A client that was offline catches up on everything after its last sequence number."""

from tests.support.flows import cid, send, start_thread


async def test_offline_client_catches_up_without_gaps_or_doubles(server):
    demo = server.demo
    anna, sara = await server.login("anna"), await server.login("sara")
    thread_id = (await start_thread(anna, demo.patients["anna"], demo.care_contacts["anna"]))[
        "thread"
    ]["id"]
    live = await server.socket(anna)
    await send(sara, thread_id, "svar 1")
    await live.wait_for("message", lambda e: e["message"]["seq"] == 2)
    last_seen = max(m["seq"] for m in live.messages())
    await live.close()  # offline

    await send(sara, thread_id, "Internt", "internal_note")
    for i in range(2, 8):
        await send(sara, thread_id, f"svar {i}")

    again = await server.socket(anna)
    ack = await again.call("catch_up", {"thread_id": thread_id, "after_seq": last_seen})
    assert ack["ok"]
    seqs = [m["seq"] for m in ack["messages"]]
    assert seqs == sorted(set(seqs))  # ordered, no doubles
    assert [m["body"] for m in ack["messages"]] == [f"svar {i}" for i in range(2, 8)]
    assert seqs[0] == 4  # seq 3 is the internal note, which the patient never gets

    # The same over REST.
    rest = await anna.ok(
        "GET", f"/api/v1/threads/{thread_id}/messages", params={"after_seq": last_seen}
    )
    assert [m["seq"] for m in rest] == seqs
    sent = await again.call(
        "send_message", {"thread_id": thread_id, "client_id": cid(), "body": "Tack!"}
    )
    assert sent["message"]["seq"] == 10
