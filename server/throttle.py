"""Brute-force protection for logins: sliding windows of failed attempts.

- **Per address**: at most ``failures_per_address`` failed logins (any usernames) from one
  client address within ``window_s``; then that address gets 429 until the window slides.
- **Per account**: at most ``failures_per_account`` failed logins for one username (from any
  address) within ``window_s``; then 429 for that username — except from an address that
  logged in to it successfully within ``known_address_days``. Only failures count, and the
  limit ends by itself as the window slides: an attacker cannot lock a patient out of the
  places they usually log in from, nor for longer than the window.
- A limited attempt is answered before the password is checked (no argon2 work); the answer
  carries ``Retry-After``. Attempts in flight count against the limits, so a burst of
  parallel guesses is held to the limit too.

With ``REDIS_URL`` the windows live in Redis, shared by every process (``limits``' moving
windows); otherwise in process memory (the embedded default is one process). If the store
cannot be reached, logins go on without limits and the error is logged.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import math
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass

from limits import RateLimitItem, RateLimitItemPerDay, RateLimitItemPerSecond
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter
from redis.asyncio import ConnectionPool

from chat.errors import ErrorCode, NaraError

log = logging.getLogger("nara.login")


class RateLimited(NaraError):
    def __init__(self, retry_after_s: float) -> None:
        super().__init__(ErrorCode.RATE_LIMITED, "too many failed logins; try again later")
        self.retry_after = max(1, math.ceil(retry_after_s))


@dataclass(frozen=True)
class LoginLimits:
    enabled: bool = True
    window_s: int = 900
    failures_per_account: int = 10
    failures_per_address: int = 30
    known_address_days: int = 30


@dataclass
class Attempt:
    account: str
    address: str
    succeeded: bool | None = None  # None: the attempt did not get an answer (an error)


def _key(kind: str, value: str) -> str:
    # Keys hold no usernames or addresses in the clear.
    return kind + ":" + hashlib.sha256(value.encode()).hexdigest()[:32]


def redis_storage_url(redis_url: str) -> str:
    return redis_url if redis_url.startswith("async+") else "async+" + redis_url


class LoginThrottle:
    def __init__(
        self, storage: Storage, limits: LoginLimits, pool: ConnectionPool | None = None
    ) -> None:
        self.storage = storage
        self._pool = pool
        self.limits = limits
        self._moving = MovingWindowRateLimiter(storage)
        self._fixed = FixedWindowRateLimiter(storage)
        self._account = RateLimitItemPerSecond(limits.failures_per_account, limits.window_s)
        self._address = RateLimitItemPerSecond(limits.failures_per_address, limits.window_s)
        self._known = RateLimitItemPerDay(1, limits.known_address_days)
        self._in_flight: Counter[str] = Counter()

    @classmethod
    def create(
        cls, limits: LoginLimits, redis_url: str = "", prefix: str = "nara"
    ) -> LoginThrottle:
        if not redis_url:
            return cls(MemoryStorage(), limits)
        pool = ConnectionPool.from_url(redis_url)
        storage = RedisStorage(
            redis_storage_url(redis_url),
            implementation="redispy",
            key_prefix=prefix,
            connection_pool=pool,  # type: ignore[arg-type]
        )
        return cls(storage, limits, pool)

    @contextlib.asynccontextmanager
    async def attempt(self, username: str, address: str) -> AsyncIterator[Attempt]:
        """Raises :class:`RateLimited` before the password is checked; the caller sets
        ``succeeded`` on the attempt it gets."""
        attempt = Attempt(_key("account", username.strip().casefold()), _key("address", address))
        if not self.limits.enabled:
            yield attempt
            return
        await self._admit(attempt)
        self._in_flight[attempt.account] += 1
        self._in_flight[attempt.address] += 1
        try:
            yield attempt
        finally:
            for key in (attempt.account, attempt.address):
                self._in_flight[key] -= 1
                if self._in_flight[key] <= 0:
                    del self._in_flight[key]
            await self._record(attempt)

    async def _admit(self, attempt: Attempt) -> None:
        try:
            retry = await self._exhausted(self._address, attempt.address)
            if retry is None:
                retry = await self._exhausted(self._account, attempt.account)
                if retry is not None and await self._known_address(attempt):
                    retry = None
        except Exception:
            log.exception("login limits unavailable; this attempt is not limited")
            return
        if retry is not None:
            log.info("login rate limited")
            raise RateLimited(retry)

    async def _exhausted(self, item: RateLimitItem, key: str) -> float | None:
        """Seconds until one more failure fits, or None while it does."""
        stats = await self._moving.get_window_stats(item, key)
        if stats.remaining - self._in_flight[key] > 0:
            return None
        return stats.reset_time - time.time() if stats.remaining <= 0 else 1.0

    async def _known_address(self, attempt: Attempt) -> bool:
        return not await self._fixed.test(self._known, attempt.account, attempt.address)

    async def _record(self, attempt: Attempt) -> None:
        try:
            if attempt.succeeded is False:
                await self._moving.hit(self._account, attempt.account)
                await self._moving.hit(self._address, attempt.address)
            elif attempt.succeeded:
                await self._fixed.hit(self._known, attempt.account, attempt.address)
        except Exception:
            log.exception("login limits unavailable; the attempt was not counted")

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.disconnect()
