"""Socket.IO send_message with attachment ids works like REST."""

from __future__ import annotations

from tests.attachments import corpus
from tests.attachments.flows import anna_thread, counts, upload_ok
from tests.support.flows import cid, history


async def test_socket_send_binds_uploads(server):
    anna, t = await anna_thread(server)
    sara = await server.login("sara")
    anna_live, sara_live = await server.socket(anna), await server.socket(sara)
    uploaded = await upload_ok(anna, t, [corpus.gps_jpeg(), corpus.small_pdf()])
    ids = [a["id"] for a in uploaded]

    ack = await anna_live.call(
        "send_message",
        {"thread_id": t, "client_id": cid(), "body": "Bilder", "attachment_ids": ids},
    )
    assert ack["ok"] is True, ack
    assert [a["id"] for a in ack["message"]["attachments"]] == ids
    got = await sara_live.wait_for("message", lambda e: e["message"]["attachments"])
    assert got["message"]["attachments"] == ack["message"]["attachments"]
    assert (await history(sara, t))[-1]["attachments"] == ack["message"]["attachments"]

    before = await counts(server)
    again = await anna_live.call(
        "send_message",
        {"thread_id": t, "client_id": cid(), "body": "Igen", "attachment_ids": ids[:1]},
    )
    assert again["error"]["reason"] == "attachment_unavailable"
    bertil_live = await server.socket(await server.login("bertil"))
    foreign = await bertil_live.call(
        "send_message",
        {"thread_id": t, "client_id": cid(), "body": "x", "attachment_ids": ids[:1]},
    )
    assert foreign["error"]["code"] == "not_found"
    assert await counts(server) == before
