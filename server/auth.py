"""Identity: local accounts with argon2 hashes, session tokens, and the identity interface.

An OpenID Connect login (BankID or SITHS brokers) is another :class:`IdentityProvider` that
maps a verified subject to a user id; sessions and everything after them stay the same.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from chat.errors import ErrorCode, NaraError
from chat.models import utcnow
from chat.storage import Database

_hasher = PasswordHasher()
# Verifying against a dummy hash keeps the timing the same for unknown usernames.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


class IdentityProvider(Protocol):
    async def authenticate(self, username: str, secret: str) -> uuid.UUID | None:
        """Return the user id for valid credentials, else None."""


class LocalPasswordIdentity:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def authenticate(self, username: str, secret: str) -> uuid.UUID | None:
        async with self.db.read() as store:
            user = await store.directory.user_by_username(username)
        stored = user.password_hash if user and user.active and user.password_hash else None
        try:
            _hasher.verify(stored or _DUMMY_HASH, secret)
        except (VerificationError, InvalidHashError):
            return None
        return user.id if stored and user else None


@dataclass(frozen=True)
class IssuedSession:
    token: str
    user_id: uuid.UUID
    expires_at: datetime


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SessionManager:
    def __init__(self, db: Database, ttl: timedelta) -> None:
        self.db = db
        self.ttl = ttl

    async def issue(self, user_id: uuid.UUID) -> IssuedSession:
        token = secrets.token_urlsafe(32)
        expires = utcnow() + self.ttl
        async with self.db.write() as store:
            await store.sessions.purge_expired(utcnow())
            store.sessions.add(token_hash(token), user_id, expires)
        return IssuedSession(token, user_id, expires)

    async def resolve(self, token: str | None) -> uuid.UUID | None:
        if not token or len(token) > 200:
            return None
        async with self.db.read() as store:
            return await store.sessions.user_for(token_hash(token), utcnow())

    async def revoke(self, token: str) -> None:
        async with self.db.write() as store:
            await store.sessions.delete(token_hash(token))


def invalid_credentials() -> NaraError:
    return NaraError(ErrorCode.INVALID_CREDENTIALS, "wrong username or password")
