"""A meeting is announced where people look: the patient's home page and the staff inbox get
``meeting`` on /chat when it starts, when they are invited and when it ends, and
``GET /meetings`` (no thread) lists the meetings for them that have not ended."""

from __future__ import annotations

from typing import Any

import pytest

from signaling.client import MeetingClient
from tests.conftest import RunningServer
from tests.support.clients import ApiClient, SocketClient
from tests.support.flows import start_thread


async def _socket(server: RunningServer, api: ApiClient) -> SocketClient:
    sock = SocketClient()
    sock.sio.on("meeting", sock._recorder("meeting"), namespace="/chat")
    await sock.connect(server.base_url, api.token)
    server._sockets.append(sock)
    return sock


async def _mine(api: ApiClient) -> list[str]:
    meetings: list[dict[str, Any]] = await api.ok("GET", "/api/v1/meetings")
    return [m["id"] for m in meetings]


@pytest.mark.slow
async def test_meeting_announced_live_listed_and_gone_when_ended(server: RunningServer) -> None:
    demo = server.demo
    anna, sara, lars, bertil, maja = [
        await server.login(n) for n in ("anna", "sara", "lars", "bertil", "maja")
    ]
    socks = {n: await _socket(server, c) for n, c in
             (("anna", anna), ("lars", lars), ("bertil", bertil), ("maja", maja))}
    thread = await start_thread(anna, demo.patients["anna"], demo.care_contacts["anna"])
    created = await sara.ok(
        "POST", "/api/v1/meetings", {"title": "Videobesök", "thread_id": thread["thread"]["id"]}
    )
    mid = created["id"]

    def live(e: dict[str, Any]) -> bool:
        return bool(e["meeting_id"] == mid and e["status"] == "live")

    for name in ("anna", "lars"):  # the patient side and the owning team
        got = await socks[name].wait_for("meeting", live)
        assert set(got) == {"meeting_id", "thread_id", "status"}  # no title, no names
    assert mid in await _mine(anna) and mid in await _mine(lars)
    assert mid not in await _mine(bertil) and mid not in await _mine(maja)
    assert not socks["bertil"].events["meeting"] and not socks["maja"].events["meeting"]

    # A colleague of another organisation, invited by a host, finds it in her inbox.
    await sara.ok(
        "POST", f"/api/v1/meetings/{mid}/members", {"user_id": str(demo.users["maja"])}
    )
    await socks["maja"].wait_for("meeting", lambda e: e["meeting_id"] == mid)
    assert mid in await _mine(maja)

    # The host ends it for all: the announcement goes away everywhere.
    host = MeetingClient("sara", auto_media=False)
    await host.connect(server.base_url, sara.token)
    try:
        await host.join(mid)
        await host.call("end", {})
    finally:
        await host.close()
    await socks["anna"].wait_for(
        "meeting", lambda e: e["meeting_id"] == mid and e["status"] == "ended"
    )
    assert mid not in await _mine(anna) and mid not in await _mine(maja)
