"""Input bounds and transport hardening: sequence numbers beyond 64 bits are a clear
``validation_failed`` (not a 500); a socket packet announcing many binary attachments closes the
connection instead of holding memory; every response carries the security headers, and HSTS
when the public address is https."""

from __future__ import annotations

import json

import aiohttp
import pytest

from server.keys import SIO
from tests.support.flows import start_thread

from .support import eventually, server_with

HUGE = [2**63, 2**64, 10**30]


@pytest.mark.parametrize("value", HUGE)
async def test_huge_sequence_numbers_are_refused(server, value):
    anna = await server.login("anna")
    t = await start_thread(anna, server.demo.patients["anna"], server.demo.care_contacts["anna"])
    path = f"/api/v1/threads/{t['thread']['id']}/messages"
    for param in ("after_seq", "before_seq"):
        status, body = await anna.get(path, params={param: str(value)})
        assert status == 422 and body["error"]["code"] == "validation_failed", (param, body)
    status, body = await anna.post(f"/api/v1/threads/{t['thread']['id']}/read", {"seq": value})
    assert status == 422 and body["error"]["code"] == "validation_failed"
    live = await server.socket(anna)
    for event, data in (
        ("catch_up", {"thread_id": t["thread"]["id"], "after_seq": value}),
        ("mark_read", {"thread_id": t["thread"]["id"], "seq": value}),
    ):
        ack = await live.call(event, data)
        assert ack["error"]["code"] == "validation_failed", (event, ack)
    assert (await anna.get(path, params={"after_seq": str(2**53)}))[0] == 200


async def test_a_packet_announcing_many_attachments_closes_the_socket(server):
    anna = await server.login("anna")
    live = await server.socket(anna)
    header = "51000-/chat," + json.dumps(["send_message", {"_placeholder": True, "num": 0}])
    await live.sio.eio.send(header)
    await live.sio.eio.send(b"\x00" * 10_000)
    assert await eventually(lambda: not live.sio.connected, 5.0)
    assert server.app[SIO]._binary_packet == {}


async def test_a_packet_with_few_attachments_is_answered(server):
    anna = await server.login("anna")
    live = await server.socket(anna)
    ack = await live.sio.call("typing", {"thread_id": b"\x00\x01"}, namespace="/chat", timeout=5)
    assert ack["error"]["code"] == "validation_failed"
    assert live.sio.connected


SECURITY_HEADERS = ("X-Content-Type-Options", "X-Frame-Options", "Content-Security-Policy")


async def _get(url: str) -> tuple[int, dict[str, str]]:
    async with aiohttp.ClientSession() as http, http.get(url) as resp:
        await resp.read()
        return resp.status, dict(resp.headers)


async def test_every_response_has_the_security_headers(server):
    paths = ["/", "/no-such-page", "/assets/no-such-file.js", "/api/v1/openapi.json",
             "/api/v1/nothing", "/socket.io/?EIO=4&transport=polling&sid=nope"]
    for path in paths:
        status, headers = await _get(server.base_url + path)
        for name in SECURITY_HEADERS:
            assert name in headers, (path, status, name)
        assert "Strict-Transport-Security" not in headers, path  # plain http, no https URL
    assert (await _get(server.base_url + "/no-such-page"))[0] == 404


async def test_hsts_when_the_public_address_is_https(base_config, db_template):
    async with server_with(
        base_config, db_template.demo, public_url="https://nara.example.se"
    ) as server:
        for path in ("/", "/no-such-page", "/api/v1/openapi.json"):
            _, headers = await _get(server.base_url + path)
            assert headers["Strict-Transport-Security"].startswith("max-age="), path
    async with server_with(
        base_config, db_template.demo, public_url="https://nara.example.se", hsts="0"
    ) as server:
        assert "Strict-Transport-Security" not in (await _get(server.base_url + "/"))[1]
    async with server_with(base_config, db_template.demo, hsts="1") as server:
        assert "Strict-Transport-Security" in (await _get(server.base_url + "/"))[1]
