"""Steps the security tests share: servers with their own settings, clients from a given
loopback address, and waiting for the server to close a socket."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp

from server.config import Config
from server.demo import DEMO_PASSWORD
from tests.conftest import RunningServer, start_server


@contextlib.asynccontextmanager
async def server_with(base: Config, demo: Any, **overrides: Any) -> AsyncIterator[RunningServer]:
    config = dataclasses.replace(base, **overrides)
    runner, url = await start_server(config)
    running = RunningServer(url, demo, config, runner.app)
    try:
        yield running
    finally:
        await running.close_clients()
        await runner.cleanup()


@dataclasses.dataclass
class Answer:
    status: int
    body: Any
    headers: dict[str, str]

    @property
    def code(self) -> str | None:
        return self.body.get("error", {}).get("code") if isinstance(self.body, dict) else None


async def login_from(
    base_url: str, address: str, username: str, password: str = DEMO_PASSWORD
) -> Answer:
    """POST /auth/login from a loopback address of our choice (127.0.0.0/8 is all local)."""
    connector = aiohttp.TCPConnector(local_addr=(address, 0))
    async with (
        aiohttp.ClientSession(connector=connector) as session,
        session.post(
            base_url + "/api/v1/auth/login", json={"username": username, "password": password}
        ) as resp,
    ):
        return Answer(resp.status, await resp.json(), dict(resp.headers))


async def eventually(check: Callable[[], bool], timeout_s: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if check():
            return True
        await asyncio.sleep(0.05)
    return check()
