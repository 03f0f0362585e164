"""A client may not send Socket.IO's own lifecycle events: an event named ``disconnect``
(``connect``, ``connect_error``) is refused on /chat and /video and runs no handler — no ghost
participant whose place is kept while its socket still listens."""

from __future__ import annotations

import pytest

from tests.support.flows import cid, start_thread
from tests.video.meeting_support import Meeting

RESERVED = ("disconnect", "connect", "connect_error")


@pytest.mark.parametrize("event", RESERVED)
async def test_chat_refuses_reserved_event_names(server, event):
    anna = await server.login("anna")
    t = await start_thread(anna, server.demo.patients["anna"], server.demo.care_contacts["anna"])
    live = await server.socket(anna)
    ack = await live.call(event, {"token": anna.token})
    assert ack["error"]["code"] == "invalid_request", ack
    # The socket is still the same working connection.
    assert live.sio.connected
    ack = await live.call(
        "send_message", {"thread_id": t["thread"]["id"], "client_id": cid(), "body": "Hej igen"}
    )
    assert ack["ok"]


@pytest.mark.parametrize("event", RESERVED)
async def test_video_refuses_reserved_event_names(server, event):
    meeting = Meeting(server)
    try:
        await meeting.create("sara", members=("lars",))
        assert meeting.id is not None
        sara = await meeting.client("sara", auto_media=False)
        await sara.join(meeting.id)
        lars = await meeting.client("lars", auto_media=False)
        await lars.join(meeting.id)
        assert await sara.wait_until(lambda: lars.me["id"] in sara.participants)

        ack = await lars.sio.call(event, {}, namespace="/video", timeout=10)
        assert ack["error"]["code"] == "invalid_request", ack
        # lars is still in the meeting on this socket: his events work, nobody saw him leave.
        ack = await lars.call("chat", {"body": "Jag är kvar"})
        assert ack["ok"]
        assert await sara.wait_until(lambda: any(e == "chat" for e, _ in sara.events))
        assert not any(e == "left" for e, _ in sara.events)
        state = sara.participants[lars.me["id"]]
        assert state.get("connected", True) is not False, state
    finally:
        await meeting.close()
