"""Two server processes sharing PostgreSQL and Redis deliver across processes."""

import pytest

from tests.support.backends import PG_URL, REDIS_URL
from tests.support.clients import SocketClient, login
from tests.support.flows import cid, start_thread
from tests.support.process import ServerProcess

pytestmark = [
    pytest.mark.skipif(
        not (PG_URL and REDIS_URL), reason="needs DATABASE_URL (PostgreSQL) and REDIS_URL"
    ),
    pytest.mark.slow,
]


async def test_message_sent_through_a_reaches_client_on_b(base_config, db_template):
    demo = db_template.demo
    a, b = ServerProcess(base_config), ServerProcess(base_config)
    url_a, url_b = await a.start(), await b.start()
    clients, sockets = [], []
    try:
        anna = await login(url_a, "anna")
        sara = await login(url_b, "sara")
        clients += [anna, sara]
        sara_on_b, anna_on_a = SocketClient(), SocketClient()
        await sara_on_b.connect(url_b, sara.token)
        await anna_on_a.connect(url_a, anna.token)
        sockets += [sara_on_b, anna_on_a]

        first = await start_thread(anna, demo.patients["anna"], demo.care_contacts["anna"])
        thread_id = first["thread"]["id"]
        got = await sara_on_b.wait_for("message", lambda e: e["message"]["thread_id"] == thread_id)
        assert got["message"]["id"] == first["message"]["id"]

        ack = await sara_on_b.call(
            "send_message", {"thread_id": thread_id, "client_id": cid(), "body": "Svar från B"}
        )
        got = await anna_on_a.wait_for("message", lambda e: e["message"]["body"] == "Svar från B")
        assert got["message"]["id"] == ack["message"]["id"]
        # Each message arrived once.
        assert len([m for m in anna_on_a.messages() if m["body"] == "Svar från B"]) == 1
    finally:
        for s in sockets:
            await s.close()
        for c in clients:
            await c.close()
        await a.stop()
        await b.stop()
