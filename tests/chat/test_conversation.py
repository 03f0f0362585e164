"""A patient and a care team of three professions: live delivery, history, unread, receipts."""

import asyncio

from tests.support.flows import cid, history, send, start_thread


async def test_patient_and_team_of_three_professions(server):
    demo = server.demo
    anna = await server.login("anna")
    team = {name: await server.login(name) for name in ("sara", "lars", "ulla")}
    anna_live = await server.socket(anna)
    team_live = {name: await server.socket(c) for name, c in team.items()}

    first = await start_thread(anna, demo.patients["anna"], demo.care_contacts["anna"])
    thread_id = first["thread"]["id"]
    assert first["message"]["seq"] == 1

    # The first message reaches every connected team member live.
    for live in team_live.values():
        got = await live.wait_for("message", lambda e: e["message"]["thread_id"] == thread_id)
        assert got["message"]["body"] == first["message"]["body"]
    me = await team["sara"].ok("GET", "/api/v1/me")
    assert me["user"]["profession"] == "sjuksköterska"
    professions = set()
    for c in team.values():
        professions.add((await c.ok("GET", "/api/v1/me"))["user"]["profession"])
    assert professions == {"sjuksköterska", "distriktsläkare", "undersköterska"}

    # Sara answers over Socket.IO; Anna sees it live.
    ack = await team_live["sara"].call(
        "send_message", {"thread_id": thread_id, "client_id": cid(), "body": "Hej Anna!"}
    )
    assert ack["ok"] and ack["message"]["seq"] == 2
    got = await anna_live.wait_for("message", lambda e: e["message"]["seq"] == 2)
    assert got["message"]["author"]["name"] == "Sara Lind"

    # Lars writes an internal note: the team sees it, Anna never does.
    note = await send(team["lars"], thread_id, "Internt: kolla labbsvar först", "internal_note")
    await team_live["ulla"].wait_for(
        "message", lambda e: e["message"]["id"] == note["message"]["id"]
    )
    await send(team["lars"], thread_id, "Vi ringer dig i morgon.")
    # Anna counts without the note: the answer is her 3rd (the team's 4th), no gap to see.
    await anna_live.wait_for("message", lambda e: e["message"]["seq"] == 3)
    assert all(m["kind"] != "internal_note" for m in anna_live.messages())
    assert sorted({m["seq"] for m in anna_live.messages()})[-2:] == [2, 3]

    # Unread: Anna has two unread answers (not the note); Ulla has all four.
    unread = await anna.ok("GET", "/api/v1/unread")
    assert unread["total"] == 2 and unread["threads"][thread_id] == 2
    assert (await team["ulla"].ok("GET", "/api/v1/unread"))["threads"][thread_id] == 4

    # Read receipt: Anna reads up to her 3; the team sees it as 4; her unread goes to zero.
    await anna.ok("POST", f"/api/v1/threads/{thread_id}/read", {"seq": 3})
    receipt = await team_live["sara"].wait_for("read", lambda e: e["seq"] == 4)
    assert receipt["user_id"] == str(demo.users["anna"])
    assert (await anna.ok("GET", "/api/v1/unread"))["total"] == 0
    marks = await team["sara"].ok("GET", f"/api/v1/threads/{thread_id}/read-marks")
    assert {m["user"]["name"]: m["seq"] for m in marks}["Anna Andersson"] == 4

    # History as each side sees it.
    assert [m["seq"] for m in await history(anna, thread_id)] == [1, 2, 3]
    assert [m["seq"] for m in await history(team["ulla"], thread_id)] == [1, 2, 3, 4]


async def test_history_pagination_is_complete_and_ordered(server):
    demo = server.demo
    anna, sara = await server.login("anna"), await server.login("sara")
    thread_id = (await start_thread(anna, demo.patients["anna"], demo.care_contacts["anna"]))[
        "thread"
    ]["id"]
    for i in range(24):
        await send(sara if i % 2 else anna, thread_id, f"meddelande {i}")
    latest = await history(anna, thread_id, limit=10)
    assert [m["seq"] for m in latest] == list(range(16, 26))
    seen = [m["seq"] for m in latest]
    while seen[0] > 1:
        page = await history(anna, thread_id, limit=10, before_seq=seen[0])
        seen = [m["seq"] for m in page] + seen
    assert seen == list(range(1, 26))


async def test_typing_reaches_the_other_side(server):
    demo = server.demo
    anna, sara = await server.login("anna"), await server.login("sara")
    thread_id = (await start_thread(anna, demo.patients["anna"], demo.care_contacts["anna"]))[
        "thread"
    ]["id"]
    anna_live, sara_live = await server.socket(anna), await server.socket(sara)
    ack = await anna_live.call("typing", {"thread_id": thread_id})
    assert ack["ok"]
    got = await sara_live.wait_for("typing")
    assert got["thread_id"] == thread_id and got["name"] == "Anna Andersson"
    # Typing an internal note is not shown to the patient.
    await sara_live.call("typing", {"thread_id": thread_id, "internal": True})
    await sara_live.call("typing", {"thread_id": thread_id})
    await anna_live.wait_for("typing", lambda e: e["user_id"] == str(demo.users["sara"]))
    await asyncio.sleep(0.1)
    assert all(not e["internal"] for e in anna_live.events["typing"])
