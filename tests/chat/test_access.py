"""Who may see what: patients, guardians, staff of other units, municipal nurses, the log."""

import asyncio

import pytest
import socketio

from tests.support.clients import SocketClient
from tests.support.flows import cid, history, send, start_thread


async def _anna_thread(server):
    anna = await server.login("anna")
    first = await start_thread(
        anna, server.demo.patients["anna"], server.demo.care_contacts["anna"]
    )
    return anna, first["thread"]["id"]


async def test_patient_cannot_reach_another_patients_thread(server):
    _, thread_id = await _anna_thread(server)
    bertil = await server.login("bertil")
    for method, path, body in (
        ("GET", f"/api/v1/threads/{thread_id}", None),
        ("GET", f"/api/v1/threads/{thread_id}/messages", None),
        ("POST", f"/api/v1/threads/{thread_id}/messages", {"client_id": cid(), "body": "hej"}),
        ("POST", f"/api/v1/threads/{thread_id}/read", {"seq": 1}),
    ):
        status, answer = await bertil.request(method, path, body)
        assert status == 404 and answer["error"]["code"] == "not_found", path
    # Exactly like a thread that does not exist.
    status, missing = await bertil.get("/api/v1/threads/00000000-0000-4000-8000-000000000000")
    assert status == 404 and missing == answer
    live = await server.socket(bertil)
    ack = await live.call(
        "send_message", {"thread_id": thread_id, "client_id": cid(), "body": "intrång"}
    )
    assert ack["error"]["code"] == "not_found"
    ack = await live.call("catch_up", {"thread_id": thread_id, "after_seq": 0})
    assert ack["error"]["code"] == "not_found"
    assert (await bertil.ok("GET", "/api/v1/threads"))["threads"] == []
    # Bertil's connection hears nothing of Anna's thread.
    sara = await server.login("sara")
    await send(sara, thread_id, "Till Anna")
    await asyncio.sleep(0.2)
    assert live.events["message"] == []


async def test_staff_of_another_unit_cannot_read(server):
    _, thread_id = await _anna_thread(server)
    olle = await server.login("olle")
    status, _ = await olle.get(f"/api/v1/threads/{thread_id}/messages")
    assert status == 404
    assert (await olle.ok("GET", "/api/v1/threads"))["threads"] == []


async def test_municipal_nurse_sees_only_threads_she_takes_part_in(server):
    anna, thread_id = await _anna_thread(server)
    other = await start_thread(
        anna, server.demo.patients["anna"], server.demo.care_contacts["anna"]
    )
    maja, sara = await server.login("maja"), await server.login("sara")
    assert (await maja.ok("GET", "/api/v1/threads"))["threads"] == []
    status, _ = await maja.get(f"/api/v1/threads/{thread_id}")
    assert status == 404
    maja_live = await server.socket(maja)
    await sara.ok(
        "POST",
        f"/api/v1/threads/{thread_id}/participants",
        {"user_id": str(server.demo.users["maja"])},
    )
    listed = [t["id"] for t in (await maja.ok("GET", "/api/v1/threads"))["threads"]]
    assert listed == [thread_id]
    status, _ = await maja.get(f"/api/v1/threads/{other['thread']['id']}")
    assert status == 404
    await send(maja, thread_id, "Hemsjukvården: blodtryck 135/85 i dag.")
    await send(sara, thread_id, "Tack Maja!")
    got = await maja_live.wait_for("message", lambda e: e["message"]["body"] == "Tack Maja!")
    assert got["message"]["thread_id"] == thread_id
    # She is not of the owning team, so she cannot manage it.
    status, body = await maja.post(f"/api/v1/threads/{thread_id}/status", {"status": "closed"})
    assert status == 403 and body["error"]["code"] == "forbidden"


async def test_internal_notes_never_reach_a_patient(server):
    anna, thread_id = await _anna_thread(server)
    anna_live = await server.socket(anna)
    sara = await server.login("sara")
    note = await send(sara, thread_id, "Internt: misstänkt biverkan", "internal_note")
    await send(sara, thread_id, "Hej Anna")
    await anna_live.wait_for("message", lambda e: e["message"]["body"] == "Hej Anna")
    ack = await anna_live.call("catch_up", {"thread_id": thread_id, "after_seq": 0})
    bodies = [m["body"] for m in await history(anna, thread_id)]
    for seen in (
        bodies,
        [m["body"] for m in ack["messages"]],
        [m["body"] for m in anna_live.messages()],
    ):
        assert "Internt: misstänkt biverkan" not in seen
    assert (await anna.ok("GET", "/api/v1/unread"))["total"] == 1
    thread = await anna.ok("GET", f"/api/v1/threads/{thread_id}")
    assert thread["routing"] is None
    # A patient cannot write one either.
    status, body = await anna.post(
        f"/api/v1/threads/{thread_id}/messages",
        {"client_id": cid(), "body": "x", "kind": "internal_note"},
    )
    assert status == 403
    assert note["message"]["kind"] == "internal_note"


async def test_guardian_acts_for_child_under_13(server):
    demo = server.demo
    anna = await server.login("anna")
    me = await anna.ok("GET", "/api/v1/me")
    assert {p["name"] for p in me["patients"]} == {"Anna Andersson", "Elsa Andersson"}
    first = await start_thread(
        anna, demo.patients["elsa"], demo.care_contacts["elsa"], body="Elsa har utslag på armen"
    )
    assert first["thread"]["patient"]["name"] == "Elsa Andersson"
    assert first["thread"]["team"]["key"] == "bvc"
    bertil = await server.login("bertil")
    status, _ = await bertil.post(
        "/api/v1/threads",
        {
            "patient_id": str(demo.patients["elsa"]),
            "subject": "x",
            "message": {"client_id": cid(), "body": "x"},
        },
    )
    assert status == 404


async def test_consultation_without_the_patient_is_hidden_from_the_patient(server):
    demo = server.demo
    sara, anna = await server.login("sara"), await server.login("anna")
    made = await sara.ok(
        "POST",
        "/api/v1/threads",
        {
            "patient_id": str(demo.patients["anna"]),
            "subject": "Konsultation",
            "team_id": str(demo.teams["allman"]),
            "case_type": "konsultation",
            "patient_visible": False,
            "message": {"client_id": cid(), "body": "Lars, kan du titta?"},
        },
    )
    status, _ = await anna.get(f"/api/v1/threads/{made['thread']['id']}")
    assert status == 404
    assert (await anna.ok("GET", "/api/v1/threads"))["threads"] == []


async def test_every_staff_read_is_in_the_access_log(server):
    demo = server.demo
    _, thread_id = await _anna_thread(server)
    sara, lars = await server.login("sara"), await server.login("lars")
    await sara.ok("GET", f"/api/v1/threads/{thread_id}")
    await sara.ok("GET", f"/api/v1/threads/{thread_id}/messages")
    sara_live = await server.socket(sara)
    await sara_live.call("catch_up", {"thread_id": thread_id, "after_seq": 0})
    log = await lars.ok(
        "GET",
        f"/api/v1/units/{demo.unit_id}/access-log",
        params={"patient_id": str(demo.patients["anna"])},
    )
    sara_entries = [e for e in log if e["staff_user_id"] == str(demo.users["sara"])]
    assert [e["action"] for e in reversed(sara_entries)] == [
        "thread.read",
        "messages.read",
        "messages.read",
    ]
    assert all(e["thread_id"] == thread_id and e["remote_addr"] for e in sara_entries)
    # Only a unit administrator may list it.
    status, _ = await sara.get(
        f"/api/v1/units/{demo.unit_id}/access-log",
        params={"patient_id": str(demo.patients["anna"])},
    )
    assert status == 404


async def test_socket_refuses_bad_tokens_and_foreign_origins(server):
    anna = await server.login("anna")
    with pytest.raises(socketio.exceptions.ConnectionError):
        await SocketClient().connect(server.base_url, "not-a-token")
    with pytest.raises(socketio.exceptions.ConnectionError):
        await SocketClient().connect(server.base_url, None)
    with pytest.raises(socketio.exceptions.ConnectionError):
        await SocketClient().connect(
            server.base_url, anna.token, headers={"Origin": "https://evil.example"}
        )
    ok = await server.socket(anna, headers={"Origin": server.base_url})
    assert ok.sio.connected


async def test_cookie_login_logout_and_foreign_origin_writes(server):
    client = server.anonymous()
    async with client.session.post(
        server.base_url + "/api/v1/auth/login",
        json={"username": "anna", "password": "nara-demo-2026"},
    ) as resp:
        assert resp.status == 200
        set_cookie = resp.headers["Set-Cookie"]
    assert "nara_session=" in set_cookie and "HttpOnly" in set_cookie
    assert "SameSite=Strict" in set_cookie
    assert (await client.ok("GET", "/api/v1/me"))["user"]["name"] == "Anna Andersson"
    status, answer = await client.post(
        "/api/v1/auth/logout", headers={"Origin": "https://evil.example"}
    )
    assert status == 403 and answer["error"]["code"] == "forbidden"
    status, _ = await client.post("/api/v1/auth/logout", headers={"Origin": server.base_url})
    assert status == 204
    status, answer = await client.get("/api/v1/me")
    assert status == 401 and answer["error"]["code"] == "unauthenticated"
    status, answer = await client.post(
        "/api/v1/auth/login", {"username": "anna", "password": "fel"}
    )
    assert status == 401 and answer["error"]["code"] == "invalid_credentials"
    status, unknown = await client.post(
        "/api/v1/auth/login", {"username": "ingen", "password": "fel"}
    )
    assert unknown == answer
