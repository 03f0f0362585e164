"""Janus admin/monitor API (``/admin``): sessions and handles, for health checks and tests
that verify cleanup. Needs the instance's ``admin_secret``; never exposed to clients."""

from __future__ import annotations

import secrets
from typing import Any

import aiohttp

from signaling.janus import VIDEOROOM, JanusError

JSON = dict[str, Any]


class JanusAdmin:
    def __init__(
        self,
        url: str,
        admin_secret: str,
        *,
        http: aiohttp.ClientSession | None = None,
        request_timeout: float = 10.0,
    ) -> None:
        self.url = url.rstrip("/")
        self._secret = admin_secret
        self._http = http
        self._own_http = http is None
        self._timeout = aiohttp.ClientTimeout(total=request_timeout)

    async def close(self) -> None:
        if self._own_http and self._http is not None:
            await self._http.close()
            self._http = None

    async def _post(self, path: str, body: JSON) -> JSON:
        if self._http is None:
            self._http = aiohttp.ClientSession()
        body = {**body, "transaction": secrets.token_hex(8), "admin_secret": self._secret}
        try:
            async with self._http.post(self.url + path, json=body, timeout=self._timeout) as r:
                reply: JSON = await r.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise JanusError(f"janus admin unreachable: {type(exc).__name__}") from exc
        if reply.get("janus") == "error":
            err = reply.get("error") or {}
            raise JanusError(str(err.get("reason", "admin error")), err.get("code"))
        return reply

    async def list_sessions(self) -> list[int]:
        reply = await self._post("", {"janus": "list_sessions"})
        return [int(s) for s in reply.get("sessions", [])]

    async def list_handles(self, session_id: int) -> list[int]:
        reply = await self._post(f"/{session_id}", {"janus": "list_handles"})
        return [int(h) for h in reply.get("handles", [])]

    async def handle_info(self, session_id: int, handle_id: int) -> JSON:
        reply = await self._post(f"/{session_id}/{handle_id}", {"janus": "handle_info"})
        info: JSON = reply.get("info", {})
        return info

    async def all_handles(self) -> dict[int, list[int]]:
        """Every live session with its handles."""
        out: dict[int, list[int]] = {}
        for sid in await self.list_sessions():
            try:
                out[sid] = await self.list_handles(sid)
            except JanusError:
                continue  # session ended between the two calls
        return out

    async def destroy_session(self, session_id: int) -> None:
        """End a session (and its handles) that a dead process left behind."""
        await self._post("", {"janus": "destroy_session", "session_id": session_id})

    async def message_plugin(self, request: JSON, plugin: str = VIDEOROOM) -> JSON:
        reply = await self._post(
            "", {"janus": "message_plugin", "plugin": plugin, "request": request}
        )
        response: JSON = reply.get("response", {})
        return response

    async def room_exists(self, room_id: int) -> bool:
        response = await self.message_plugin({"request": "exists", "room": room_id})
        return bool(response.get("exists"))
