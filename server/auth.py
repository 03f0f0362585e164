"""Identity: local accounts with argon2 hashes, session tokens, and the identity interface.

An OpenID Connect login (BankID or SITHS brokers) is a :class:`RedirectIdentityProvider`
(server/oidc_login.py) that maps a verified identity to a user id; sessions and everything
after them stay the same.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import secrets
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from chat.access import Actor
from chat.errors import ErrorCode, NaraError
from chat.models import utcnow
from chat.service import today
from chat.storage import Database

_hasher = PasswordHasher()
# Verifying against a dummy hash keeps the timing the same for unknown usernames.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


class IdentityProvider(Protocol):
    async def authenticate(self, username: str, secret: str) -> uuid.UUID | None:
        """Return the user id for valid credentials, else None."""


class RedirectIdentityProvider(Protocol):
    """A login at an outside provider (OpenID Connect, server/oidc_login.py): the browser is
    sent there and comes back with the provider's answer; the result is a user id, and the
    session after it is an ordinary one."""

    async def begin(self, browser: str, redirect_uri: str) -> str:
        """Start a login for this browser; return where to send it."""

    async def complete(self, params: Mapping[str, str | None], browser: str | None) -> uuid.UUID:
        """The user id for the provider's answer; raises a NaraError that says why not."""


def _verify(stored: str, secret: str) -> bool:
    try:
        return _hasher.verify(stored, secret)
    except (VerificationError, InvalidHashError):
        return False


class PasswordHashing:
    """argon2 in a small, fixed thread pool: a verification takes 0.1–0.2 s of CPU and must
    not stall the event loop (argon2's C code releases the GIL)."""

    def __init__(self, threads: int = 0) -> None:
        threads = threads or (os.cpu_count() or 2) // 2
        self._pool = ThreadPoolExecutor(max_workers=max(1, threads), thread_name_prefix="argon2")

    async def verify(self, stored: str, secret: str) -> bool:
        return await asyncio.get_running_loop().run_in_executor(self._pool, _verify, stored, secret)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


class LocalPasswordIdentity:
    def __init__(self, db: Database, hashing: PasswordHashing) -> None:
        self.db = db
        self.hashing = hashing

    async def authenticate(self, username: str, secret: str) -> uuid.UUID | None:
        async with self.db.read() as store:
            user = await store.directory.user_by_username(username)
        stored = user.password_hash if user and user.active and user.password_hash else None
        if not await self.hashing.verify(stored or _DUMMY_HASH, secret):
            return None
        return user.id if stored and user else None


@dataclass(frozen=True)
class IssuedSession:
    token: str
    user_id: uuid.UUID
    expires_at: datetime


@dataclass(frozen=True)
class LiveSession:
    """A session as an open socket remembers it."""

    token_hash: str
    user_id: uuid.UUID
    expires_at: datetime


@dataclass(frozen=True)
class Revocation:
    """Sessions that ended: these tokens, and every session of these users."""

    token_hashes: tuple[str, ...] = ()
    user_ids: tuple[uuid.UUID, ...] = ()


RevocationNotifier = Callable[[Revocation], Awaitable[None]]


async def _nobody(_: Revocation) -> None:
    return None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SessionManager:
    """Issues, resolves and ends sessions. Ending one is announced through ``notify`` (the
    Socket.IO bus), so every process closes the sockets of that session at once."""

    def __init__(
        self, db: Database, ttl: timedelta, notify: RevocationNotifier = _nobody
    ) -> None:
        self.db = db
        self.ttl = ttl
        self.notify = notify

    async def issue(self, user_id: uuid.UUID) -> IssuedSession:
        token = secrets.token_urlsafe(32)
        expires = utcnow() + self.ttl
        async with self.db.write() as store:
            await store.sessions.purge_expired(utcnow())
            store.sessions.add(token_hash(token), user_id, expires)
        return IssuedSession(token, user_id, expires)

    async def actor(self, token: str | None) -> Actor | None:
        """Who ``token`` logs in (a REST request's first step): two statements, outside a
        transaction on PostgreSQL (DirectoryRepository.session_actor, Database.lookup)."""
        if not token or len(token) > 200:
            return None
        async with self.db.lookup() as store:
            return await store.directory.session_actor(token_hash(token), utcnow(), today())

    async def live(self, token: str | None) -> LiveSession | None:
        """The session of ``token`` if it is unexpired and its account active."""
        if not token or len(token) > 200:
            return None
        hashed = token_hash(token)
        async with self.db.read() as store:
            found = await store.sessions.live(hashed, utcnow())
        return LiveSession(hashed, *found) if found else None

    async def still_live(self, token_hashes: Sequence[str]) -> set[str]:
        if not token_hashes:
            return set()
        async with self.db.read() as store:
            return await store.sessions.still_live(token_hashes, utcnow())

    async def revoke(self, token: str) -> None:
        """Log out: the session ends here and on every open socket, in every process."""
        hashed = token_hash(token)
        async with self.db.write() as store:
            await store.sessions.delete(hashed)
        await self.notify(Revocation(token_hashes=(hashed,)))

    async def deactivate(self, user_id: uuid.UUID) -> bool:
        """Turn a login off: its sessions end at once, sockets included."""
        async with self.db.write() as store:
            found = await store.directory.set_active(user_id, False)
            await store.sessions.delete_for_user(user_id)
        await self.notify(Revocation(user_ids=(user_id,)))
        return found


def invalid_credentials() -> NaraError:
    return NaraError(ErrorCode.INVALID_CREDENTIALS, "wrong username or password")
