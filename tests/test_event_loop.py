"""The event loop the server runs on (server/loop.py, NARA_EVENT_LOOP): uvloop and asyncio's
own both serve REST and Socket.IO; a missing uvloop falls back; a sending socket gets its
message in the ack, not again as an event (its user's other sockets do get it)."""

from __future__ import annotations

import asyncio
import builtins
import sys
from typing import Any

import pytest

from server.config import Config
from server.demo import DemoIds
from server.loop import loop_factory, run, running_loop_name
from tests.conftest import start_server
from tests.support.clients import SocketClient, login
from tests.support.flows import cid, start_thread
from tests.support.process import ServerProcess


async def _scenario(config: Config, demo: DemoIds) -> dict[str, Any]:
    """A real server on an ephemeral port and real clients, all on the running loop."""
    runner, url = await start_server(config)
    sockets: list[SocketClient] = []
    clients = []
    try:
        anna, sara = await login(url, "anna"), await login(url, "sara")
        clients += [anna, sara]
        anna_here, anna_elsewhere = SocketClient(), SocketClient()
        sara_sock, sara_elsewhere = SocketClient(), SocketClient()
        sockets += [anna_here, anna_elsewhere, sara_sock, sara_elsewhere]
        for sock, client in (
            (anna_here, anna), (anna_elsewhere, anna), (sara_sock, sara), (sara_elsewhere, sara)
        ):
            await sock.connect(url, client.token)
        first = await start_thread(anna, demo.patients["anna"], demo.care_contacts["anna"])
        thread_id = first["thread"]["id"]
        await sara_sock.wait_for("message", lambda e: e["message"]["thread_id"] == thread_id)
        ack = await anna_here.call(
            "send_message", {"thread_id": thread_id, "client_id": cid(), "body": "Över socket"}
        )
        assert "error" not in ack, ack
        message_id = ack["message"]["id"]

        def same(e: dict[str, Any]) -> bool:
            return bool(e["message"]["id"] == message_id)

        staff_copy = await sara_sock.wait_for("message", same)
        other_copy = await anna_elsewhere.wait_for("message", same)
        # The answer ends the patient's wait: thread_updated, and the ack carries the thread.
        updates = {s: len(s.events["thread_updated"]) for s in sockets}
        answer = await sara_sock.call(
            "send_message", {"thread_id": thread_id, "client_id": cid(), "body": "Svar"}
        )
        assert answer["thread"]["id"] == thread_id
        await anna_here.wait_for("message", lambda e: e["message"]["id"] == answer["message"]["id"])
        for sock in (anna_here, anna_elsewhere, sara_elsewhere):  # each gets one

            def grew(_: Any, sock: SocketClient = sock) -> bool:
                return len(sock.events["thread_updated"]) > updates[sock]

            await sock.wait_for("thread_updated", grew)
        await asyncio.sleep(0.2)  # what the sending socket would have got by now
        return {
            "answer_updates_to_sender": len(sara_sock.events["thread_updated"])
            - updates[sara_sock],
            "loop": running_loop_name(),
            "ack": ack["message"],
            "staff_copy": staff_copy["message"],
            "other_copy": other_copy["message"],
            "sender_copies": [m for m in anna_here.messages() if m["id"] == message_id],
        }
    finally:
        for sock in sockets:
            if sock.sio.connected:
                await sock.close()
        for client in clients:
            await client.close()
        await runner.cleanup()


@pytest.mark.parametrize("choice", ["uvloop", "asyncio"])
async def test_server_serves_on_each_loop(base_config: Config, demo: DemoIds, choice: str) -> None:
    # The server and its clients run in a thread of their own, on the loop NARA_EVENT_LOOP
    # names (this test's own loop is pytest's).
    seen = await asyncio.to_thread(run, _scenario(base_config, demo), choice)
    assert seen["loop"] == choice
    assert seen["other_copy"] == seen["ack"]  # the sender's other socket: the event
    assert seen["staff_copy"]["id"] == seen["ack"]["id"]
    assert seen["sender_copies"] == []  # the sending socket: only the ack
    assert seen["answer_updates_to_sender"] == 0  # its ack carries the thread


def test_loop_choice_and_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    assert loop_factory("asyncio") == ("asyncio", None)
    name, factory = loop_factory("uvloop")
    assert name == "uvloop" and factory is not None
    with pytest.raises(ValueError):
        loop_factory("trio")
    real_import = builtins.__import__

    def no_uvloop(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "uvloop":
            raise ImportError("no uvloop here")
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "uvloop", raising=False)
    monkeypatch.setattr(builtins, "__import__", no_uvloop)
    assert loop_factory("uvloop") == ("asyncio", None)

    async def which() -> str:
        return running_loop_name()

    assert run(which(), "uvloop") == "asyncio"


def test_config_reads_the_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NARA_EVENT_LOOP", raising=False)
    assert Config.from_env().event_loop == "uvloop"
    monkeypatch.setenv("NARA_EVENT_LOOP", "asyncio")
    assert Config.from_env().event_loop == "asyncio"


@pytest.mark.slow
@pytest.mark.parametrize("choice", ["uvloop", "asyncio"])
async def test_nara_serve_on_each_loop(base_config: Config, demo: DemoIds, choice: str) -> None:
    """``nara serve`` (the CLI's run path) with NARA_EVENT_LOOP: it says which loop it runs,
    and serves REST and Socket.IO."""
    proc = ServerProcess(base_config, {"NARA_EVENT_LOOP": choice})
    url = await proc.start()
    try:
        assert f"({choice} event loop)" in proc.banner
        anna = await login(url, "anna")
        sock = SocketClient()
        await sock.connect(url, anna.token)
        try:
            first = await start_thread(anna, demo.patients["anna"], demo.care_contacts["anna"])
            ack = await sock.call(
                "send_message",
                {"thread_id": first["thread"]["id"], "client_id": cid(), "body": "Hej"},
            )
            assert ack["ok"] is True and ack["message"]["body"] == "Hej"
        finally:
            await sock.close()
            await anna.close()
    finally:
        await proc.stop()
