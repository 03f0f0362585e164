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
    # The patient side counts by its own sequence: the internal note leaves no gap there.
    assert seqs == list(range(last_seen + 1, last_seen + 7))
    assert all(m["seq"] == m["patient_seq"] for m in ack["messages"])

    # The same over REST.
    rest = await anna.ok(
        "GET", f"/api/v1/threads/{thread_id}/messages", params={"after_seq": last_seen}
    )
    assert [m["seq"] for m in rest] == seqs
    sent = await again.call(
        "send_message", {"thread_id": thread_id, "client_id": cid(), "body": "Tack!"}
    )
    assert sent["message"]["seq"] == 9  # the patient's 9th; staff count the note too
    staff_side = await sara.ok("GET", f"/api/v1/threads/{thread_id}/messages")
    assert [m["seq"] for m in staff_side] == list(range(1, 11))
    assert staff_side[2]["kind"] == "internal_note" and staff_side[2]["patient_seq"] is None
    thread = await anna.ok("GET", f"/api/v1/threads/{thread_id}")
    assert thread["last_seq"] == 9


async def test_patient_side_counts_without_gaps_live_and_in_read_marks(server):
    """Internal notes leave no trace the patient side could count: live events, read marks and
    the thread's last_seq all use the patient's own sequence; staff keep theirs."""
    demo = server.demo
    anna, sara = await server.login("anna"), await server.login("sara")
    thread_id = (await start_thread(anna, demo.patients["anna"], demo.care_contacts["anna"]))[
        "thread"
    ]["id"]
    anna_id, sara_id = str(demo.users["anna"]), str(demo.users["sara"])
    patient_live, staff_live = await server.socket(anna), await server.socket(sara)
    await send(sara, thread_id, "Internt", "internal_note")  # seq 2 for staff only
    await send(sara, thread_id, "Hej Anna")  # seq 3 for staff, the patient's 2nd
    seen = await patient_live.wait_for("message", lambda e: e["message"]["body"] == "Hej Anna")
    assert seen["message"]["seq"] == 2 == seen["message"]["patient_seq"]
    staff_seen = await staff_live.wait_for("message", lambda e: e["message"]["body"] == "Hej Anna")
    assert staff_seen["message"]["seq"] == 3
    assert not [m for m in patient_live.messages() if m["kind"] == "internal_note"]

    # Anna reads up to her 2nd; staff see that as seq 3, and her own answer says 2.
    assert (await anna.ok("POST", f"/api/v1/threads/{thread_id}/read", json={"seq": 2}))["seq"] == 2
    marks = {
        m["user"]["id"]: m["seq"]
        for m in await sara.ok("GET", f"/api/v1/threads/{thread_id}/read-marks")
    }
    assert marks[anna_id] == 3
    read_live = await staff_live.wait_for("read", lambda e: e["user_id"] == anna_id)
    assert read_live["seq"] == 3
    # Sara reads everything (seq 3): Anna sees her mark at her own 2.
    await sara.ok("POST", f"/api/v1/threads/{thread_id}/read", json={"seq": 3})
    mine = await patient_live.wait_for("read", lambda e: e["user_id"] == sara_id)
    assert mine["seq"] == 2
    marks = {
        m["user"]["id"]: m["seq"]
        for m in await anna.ok("GET", f"/api/v1/threads/{thread_id}/read-marks")
    }
    assert marks[sara_id] == 2
    listed = {t["id"]: t for t in (await anna.ok("GET", "/api/v1/threads"))["threads"]}
    assert listed[thread_id]["last_seq"] == 2 and listed[thread_id]["read_seq"] == 2
    # Paging back from the patient's own position.
    older = await anna.ok("GET", f"/api/v1/threads/{thread_id}/messages", params={"before_seq": 2})
    assert [m["seq"] for m in older] == [1]
