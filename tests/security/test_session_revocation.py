"""A session that ends — logout, a deactivated account, expiry — ends its open sockets too: at
once through the bus (also across processes), or at the next sweep for a change made straight
in the database. Other sessions of the same person stay connected."""

from __future__ import annotations

import pytest
import socketio
from sqlalchemy import update

from chat.models import Session, User, utcnow
from server.keys import DB, SESSIONS
from signaling.client import MeetingClient
from tests.support.backends import PG_URL, REDIS_URL
from tests.support.clients import SocketClient, login
from tests.support.flows import cid, send, start_thread
from tests.support.process import ServerProcess
from tests.video.meeting_support import Meeting, error_code

from .support import eventually, server_with


def gone(sock: SocketClient) -> bool:
    return "/chat" not in sock.sio.namespaces or not sock.sio.connected


async def test_logout_ends_the_chat_socket_at_once(server):
    demo = server.demo
    anna, anna_phone, sara = (
        await server.login("anna"),
        await server.login("anna"),
        await server.login("sara"),
    )
    t = (await start_thread(anna, demo.patients["anna"], demo.care_contacts["anna"]))["thread"]
    sock, phone = await server.socket(anna), await server.socket(anna_phone)

    status, _ = await anna.post("/api/v1/auth/logout")
    assert status == 204
    # Closed by the server right away (the periodic re-check is 15 s away).
    assert await eventually(lambda: gone(sock), 3.0)
    with pytest.raises(socketio.exceptions.BadNamespaceError):
        await sock.call("catch_up", {"thread_id": t["id"], "after_seq": 0})
    with pytest.raises(socketio.exceptions.ConnectionError):
        await server.socket(anna)  # the old token does not connect again
    assert (await anna.get("/api/v1/me"))[0] == 401

    # The ended socket hears nothing more; anna's other session is untouched.
    await send(sara, t["id"], "Svar efter utloggning")
    got = await phone.wait_for("message", lambda e: e["message"]["body"] == "Svar efter utloggning")
    assert got and phone.sio.connected
    assert "Svar efter utloggning" not in [m["body"] for m in sock.messages()]
    ack = await phone.call(
        "send_message", {"thread_id": t["id"], "client_id": cid(), "body": "Från mobilen"}
    )
    assert ack["ok"]


async def test_logout_ends_the_video_socket(server):
    meeting = Meeting(server)
    try:
        mid = await meeting.create("sara", members=("lars",))
        lars = await meeting.client("lars")
        token = meeting.apis["lars"].token
        status, _ = await meeting.apis["lars"].post("/api/v1/auth/logout")
        assert status == 204
        assert await eventually(lambda: not lars.sio.connected, 3.0)
        with pytest.raises(socketio.exceptions.BadNamespaceError):
            await lars.join(mid)
        # With the old token a new /video socket is only a guest: it cannot join as lars.
        again = MeetingClient("lars", auto_media=False)
        meeting.clients.append(again)
        await again.connect(server.base_url, token)
        assert await error_code(again.join(mid)) == "unauthenticated"
    finally:
        await meeting.close()


async def test_deactivating_an_account_ends_all_its_sockets(server):
    demo = server.demo
    bertil, bertil_tablet = await server.login("bertil"), await server.login("bertil")
    socks = [await server.socket(bertil), await server.socket(bertil_tablet)]
    sara = await server.login("sara")
    sara_sock = await server.socket(sara)

    assert await server.app[SESSIONS].deactivate(demo.users["bertil"])
    assert await eventually(lambda: all(gone(s) for s in socks), 3.0)
    assert sara_sock.sio.connected
    assert (await bertil.get("/api/v1/me"))[0] == 401
    status, body = await server.anonymous().post(
        "/api/v1/auth/login", {"username": "bertil", "password": "nara-demo-2026"}
    )
    assert status == 401 and body["error"]["code"] == "invalid_credentials"


async def test_changes_made_in_the_database_end_sockets_at_the_next_sweep(base_config, db_template):
    async with server_with(base_config, db_template.demo, session_recheck_s=0.5) as server:
        demo = server.demo
        anna, bertil, sara = (
            await server.login("anna"),
            await server.login("bertil"),
            await server.login("sara"),
        )
        t = (await start_thread(bertil, demo.patients["bertil"], demo.care_contacts["bertil"]))
        anna_sock, bertil_sock = await server.socket(anna), await server.socket(bertil)
        sara_sock = await server.socket(sara)
        async with server.app[DB].write() as store:
            # bertil's account is turned off by hand; anna's session runs out.
            await store.session.execute(
                update(User).where(User.id == demo.users["bertil"]).values(active=False)
            )
            await store.session.execute(
                update(Session).where(Session.user_id == demo.users["anna"]).values(
                    expires_at=utcnow()
                )
            )
        assert await eventually(lambda: gone(anna_sock) and gone(bertil_sock), 5.0)
        await send(sara, t["thread"]["id"], "Hör du mig?")
        assert await sara_sock.wait_for("message", lambda e: e["message"]["body"] == "Hör du mig?")
        assert "Hör du mig?" not in [m["body"] for m in bertil_sock.messages()]


@pytest.mark.skipif(
    not (PG_URL and REDIS_URL), reason="needs DATABASE_URL (PostgreSQL) and REDIS_URL"
)
async def test_logout_on_one_process_ends_sockets_on_another(base_config, db_template):
    # A re-check interval far longer than the test: only the published revocation can do it.
    env = {"NARA_SESSION_RECHECK_SECONDS": "600"}
    a, b = ServerProcess(base_config, env), ServerProcess(base_config, env)
    url_a, url_b = await a.start(), await b.start()
    clients, sockets = [], []
    try:
        lars = await login(url_a, "lars")
        clients.append(lars)
        chat_on_b = SocketClient()
        await chat_on_b.connect(url_b, lars.token)
        sockets.append(chat_on_b)
        video_on_b = MeetingClient("lars", auto_media=False)
        await video_on_b.connect(url_b, lars.token)

        status, _ = await lars.post("/api/v1/auth/logout")
        assert status == 204
        assert await eventually(
            lambda: gone(chat_on_b) and not video_on_b.sio.connected, 3.0
        ), "sockets on the other process are still open"
        await video_on_b.close()
    finally:
        for s in sockets:
            if s.sio.connected:
                await s.close()
        for c in clients:
            await c.close()
        await a.stop()
        await b.stop()
