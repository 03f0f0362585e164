"""Real clients: REST over aiohttp and Socket.IO over WebSocket, as a browser or app would."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any

import aiohttp
import socketio

from server.demo import DEMO_PASSWORD

LIVE_EVENTS = ("message", "read", "typing", "thread_updated", "acute_alert", "alert_acknowledged")


class ApiClient:
    def __init__(self, base_url: str, token: str | None = None) -> None:
        self.base_url = base_url
        self.token = token
        self.session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))

    async def close(self) -> None:
        await self.session.close()

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        headers.update(extra or {})
        return headers

    async def request(
        self,
        method: str,
        path: str,
        json: Any = None,
        *,
        data: Any = None,
        headers: dict[str, str] | None = None,
        params: dict[str, Any] | None = None,
    ) -> tuple[int, Any]:
        url = self.base_url + path
        async with self.session.request(
            method, url, json=json, data=data, headers=self._headers(headers), params=params
        ) as resp:
            if resp.content_type == "application/json":
                return resp.status, await resp.json()
            return resp.status, await resp.read()

    async def get(self, path: str, **kw: Any) -> tuple[int, Any]:
        return await self.request("GET", path, **kw)

    async def post(self, path: str, json: Any = None, **kw: Any) -> tuple[int, Any]:
        return await self.request("POST", path, json, **kw)

    async def ok(self, method: str, path: str, json: Any = None, **kw: Any) -> Any:
        status, body = await self.request(method, path, json, **kw)
        assert 200 <= status < 300, (status, body)
        return body


async def login(base_url: str, username: str, password: str = DEMO_PASSWORD) -> ApiClient:
    client = ApiClient(base_url)
    status, body = await client.post(
        "/api/v1/auth/login", {"username": username, "password": password}
    )
    assert status == 200, body
    client.token = body["token"]
    return client


class SocketClient:
    """A Socket.IO client on /chat that records every event it receives."""

    def __init__(self) -> None:
        self.sio = socketio.AsyncClient(reconnection=False)
        self.events: dict[str, list[Any]] = defaultdict(list)
        self._arrived = asyncio.Event()
        for name in LIVE_EVENTS:
            self.sio.on(name, self._recorder(name), namespace="/chat")

    def _recorder(self, name: str) -> Any:
        async def record(data: Any) -> None:
            self.events[name].append(data)
            self._arrived.set()

        return record

    async def connect(self, base_url: str, token: str | None, **kw: Any) -> None:
        await self.sio.connect(
            base_url,
            namespaces=["/chat"],
            auth={"token": token} if token else None,
            transports=["websocket"],
            wait_timeout=5,
            **kw,
        )

    async def call(self, event: str, data: Any) -> Any:
        return await self.sio.call(event, data, namespace="/chat", timeout=10)

    async def wait_for(self, name: str, predicate: Any = None, timeout_s: float = 5.0) -> Any:
        async def seen() -> Any:
            while True:
                for item in self.events[name]:
                    if predicate is None or predicate(item):
                        return item
                self._arrived.clear()
                await self._arrived.wait()

        return await asyncio.wait_for(seen(), timeout_s)

    def messages(self) -> list[dict[str, Any]]:
        return [e["message"] for e in self.events["message"]]

    async def close(self) -> None:
        await self.sio.disconnect()
