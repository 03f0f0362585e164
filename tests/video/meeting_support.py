"""Meetings against the real Nära server: servers configured with a real Janus/coturn and
MeetingClient participants that log in like a browser."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import web

from server.config import Config
from signaling.client import MeetingClient, MeetingError
from signaling.testing.coturn_server import CoturnServer
from signaling.testing.janus_server import JanusServer
from tests.conftest import RunningServer, start_server
from tests.support.clients import ApiClient, login
from tests.support.flows import start_thread

SIZE = (160, 120)
FPS = 10


def janus_json(*servers: JanusServer) -> str:
    return json.dumps(
        [
            {
                "name": f"j{i}",
                "url": s.url,
                "api_secret": s.api_secret,
                "admin_url": s.admin_url,
                "admin_secret": s.admin_secret,
            }
            for i, s in enumerate(servers, 1)
        ]
    )


def video_config(
    base: Config,
    *,
    janus: JanusServer | None = None,
    coturn: CoturnServer | None = None,
    **overrides: Any,
) -> Config:
    values: dict[str, Any] = {}
    if janus is not None:
        values["janus_servers_json"] = janus_json(janus)
    if coturn is not None:
        values["turn_secret"] = coturn.secret
        values["turn_urls"] = tuple(coturn.turn_urls)
    values.update(overrides)
    return dataclasses.replace(base, **values)


@asynccontextmanager
async def running_server(config: Config, demo: Any) -> AsyncIterator[RunningServer]:
    runner, url = await start_server(config)
    running = RunningServer(url, demo, config, runner.app)
    try:
        yield running
    finally:
        await running.close_clients()
        await runner.cleanup()


class Meeting:
    """People in one meeting, created by a host; every client is closed at the end."""

    def __init__(self, server: RunningServer) -> None:
        self.server = server
        self.apis: dict[str, ApiClient] = {}
        self.clients: list[MeetingClient] = []
        self.id: uuid.UUID | None = None
        self.thread_id: str | None = None

    async def api(self, name: str) -> ApiClient:
        if name not in self.apis:
            self.apis[name] = await self.server.login(name)
        return self.apis[name]

    async def create(
        self, host: str = "sara", *, with_thread: bool = True, members: tuple[str, ...] = ()
    ) -> uuid.UUID:
        demo = self.server.demo
        body: dict[str, Any] = {"title": "Vårdplanering"}
        if with_thread:
            anna = await self.api("anna")
            thread = await start_thread(anna, demo.patients["anna"], demo.care_contacts["anna"])
            self.thread_id = str(thread["thread"]["id"])
            body["thread_id"] = self.thread_id
        body["member_ids"] = [str(demo.users[m]) for m in members]
        created = await (await self.api(host)).ok("POST", "/api/v1/meetings", body)
        self.id = uuid.UUID(created["id"])
        return self.id

    async def add_member(self, host: str, member: str) -> None:
        user = str(self.server.demo.users[member])
        await (await self.api(host)).ok(
            "POST", f"/api/v1/meetings/{self.id}/members", {"user_id": user}
        )

    async def invite(self, host: str = "sara", guest: str = "Tolk Amir") -> str:
        out = await (await self.api(host)).ok(
            "POST", f"/api/v1/meetings/{self.id}/invites", {"guest_name": guest}
        )
        return str(out["token"])

    async def client(self, name: str | None, *, relay_only: bool = False,
                     base_url: str | None = None, auto_media: bool = True) -> MeetingClient:
        """A connected (not yet joined) client; ``None`` connects without logging in."""
        c = MeetingClient(name or "guest", relay_only=relay_only, size=SIZE, fps=FPS,
                          auto_media=auto_media)
        self.clients.append(c)
        token = (await self.api(name)).token if name else None
        await c.connect(base_url or self.server.base_url, token)
        return c

    async def join(self, name: str | None, *, invite: str | None = None,
                   relay_only: bool = False) -> MeetingClient:
        c = await self.client(name, relay_only=relay_only)
        assert self.id is not None
        await c.join(self.id, invite=invite)
        return c

    async def admit(self, host: MeetingClient, who: MeetingClient) -> None:
        assert await host.wait_until(lambda: any(w["id"] == who.me["id"] for w in host.waiting))
        await host.call("admit", {"participant_id": who.me["id"]})
        assert await who.wait_until(lambda: who.state == "admitted")

    async def close(self) -> None:
        for c in self.clients:
            await c.close()


async def error_code(call: Awaitable[Any]) -> str:
    try:
        await call
    except MeetingError as err:
        return err.code
    raise AssertionError("the call succeeded")


def ids(clients: list[MeetingClient]) -> dict[MeetingClient, str]:
    return {c: c.me["id"] for c in clients}


async def all_receive_all(clients: list[MeetingClient], timeout_s: float = 60.0,
                          audio: bool = True) -> None:
    """Every client decodes video (and audio) of every other client."""
    others = {c: [o.me["id"] for o in clients if o is not c] for c in clients}
    results = await asyncio.gather(
        *(c.wait_media_from(others[c], audio=audio, timeout_s=timeout_s) for c in clients)
    )
    report = {c.name: (c.topology, c.received()) for c in clients}
    assert all(results), report


AppHook = Callable[[web.Application], Awaitable[None]]

__all__ = [
    "FPS",
    "SIZE",
    "Meeting",
    "all_receive_all",
    "error_code",
    "ids",
    "janus_json",
    "login",
    "running_server",
    "video_config",
]
