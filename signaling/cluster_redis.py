"""Redis for :mod:`signaling.cluster`: meeting leases, saved meetings, process heartbeats and
one pub/sub channel per process for the events relayed to it."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

import redis.asyncio as aioredis

log = logging.getLogger("nara.signaling.cluster")
OnMessage = Callable[[dict[str, Any]], Awaitable[None]]

# Extend or delete a lease only while it is still ours (another process may hold it now).
_RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then " \
         "return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end"
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then " \
           "return redis.call('del', KEYS[1]) else return 0 end"
# A stale owner (paused, lease lost) must not overwrite the new owner's state.
_SAVE = "if redis.call('get', KEYS[1]) == ARGV[1] then " \
        "return redis.call('set', KEYS[2], ARGV[2], 'EX', ARGV[3]) else return 0 end"
STATE_TTL_S = 24 * 3600


class RedisCoordination:
    def __init__(self, url: str, channel: str, *, lease_s: float = 3.0) -> None:
        self.node = secrets.token_hex(6)
        self.r = aioredis.from_url(url, decode_responses=True)
        self.prefix = f"{channel}:video"
        self.lease_ms = int(lease_s * 1000)
        self._pubsub: Any = None
        self._listener: asyncio.Task[None] | None = None
        self._closing = False

    def _owner_key(self, meeting: str) -> str:
        return f"{self.prefix}:owner:{meeting}"

    def _state_key(self, meeting: str) -> str:
        return f"{self.prefix}:state:{meeting}"

    def _node_key(self, node: str) -> str:
        return f"{self.prefix}:node:{node}"

    def _inbox(self, node: str) -> str:
        return f"{self.prefix}:inbox:{node}"

    async def start(self, on_message: OnMessage) -> None:
        self._pubsub = self.r.pubsub(ignore_subscribe_messages=True)
        await self._pubsub.subscribe(self._inbox(self.node))
        self._listener = asyncio.create_task(self._listen(on_message), name="video-inbox")

    async def _listen(self, on_message: OnMessage) -> None:
        while not self._closing:
            try:
                msg = await self._pubsub.get_message(timeout=1.0)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("video inbox failed", extra={"error": type(exc).__name__})
                await asyncio.sleep(0.5)
                continue
            if msg is None or msg.get("type") != "message":
                continue
            try:
                await on_message(json.loads(msg["data"]))
            except Exception:
                log.exception("video inbox message failed")

    async def close(self) -> None:
        """Bounded at every step: redis-py may turn a cancellation into a connection error,
        and shutdown must not wait on Redis."""
        self._closing = True
        if self._listener is not None:
            self._listener.cancel()
            await asyncio.wait({self._listener}, timeout=2)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.r.delete(self._node_key(self.node)), 2)
        if self._pubsub is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._pubsub.aclose(), 2)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.r.aclose(), 2)

    async def owner(self, meeting: str) -> str | None:
        value = await self.r.get(self._owner_key(meeting))
        return str(value) if value is not None else None

    async def acquire(self, meeting: str) -> bool:
        return bool(
            await self.r.set(self._owner_key(meeting), self.node, nx=True, px=self.lease_ms)
        )

    async def renew(self, meetings: list[str]) -> list[str]:
        if not meetings:
            return []
        async with self.r.pipeline(transaction=False) as pipe:
            for m in meetings:
                pipe.eval(_RENEW, 1, self._owner_key(m), self.node, self.lease_ms)
            results = await pipe.execute()
        return [m for m, ok in zip(meetings, results, strict=True) if ok]

    async def release(self, meeting: str) -> None:
        await self.r.eval(_RELEASE, 1, self._owner_key(meeting), self.node)

    async def heartbeat(self) -> None:
        await self.r.set(self._node_key(self.node), "1", px=self.lease_ms)

    async def alive_nodes(self) -> set[str]:
        nodes = set()
        async for key in self.r.scan_iter(match=self._node_key("*"), count=200):
            nodes.add(key.rsplit(":", 1)[1])
        return nodes

    async def save(self, meeting: str, state: dict[str, Any]) -> None:
        await self.r.eval(
            _SAVE,
            2,
            self._owner_key(meeting),
            self._state_key(meeting),
            self.node,
            json.dumps(state, separators=(",", ":")),
            STATE_TTL_S,
        )

    async def load(self, meeting: str) -> dict[str, Any] | None:
        raw = await self.r.get(self._state_key(meeting))
        return json.loads(raw) if raw else None

    async def delete(self, meeting: str) -> None:
        await self.r.delete(self._state_key(meeting))

    async def saved(self) -> list[str]:
        return [
            key.rsplit(":", 1)[1]
            async for key in self.r.scan_iter(match=self._state_key("*"), count=200)
        ]

    async def send(self, node: str, message: dict[str, Any]) -> None:
        await self.r.publish(self._inbox(node), json.dumps(message, separators=(",", ":")))
