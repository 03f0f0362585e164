"""Login sessions: only a hash of the token is stored."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from chat.models import Session, User

_CHUNK = 500


class SessionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    def add(self, token_hash: str, user_id: uuid.UUID, expires_at: datetime) -> None:
        self.s.add(Session(token_hash=token_hash, user_id=user_id, expires_at=expires_at))

    async def user_for(self, token_hash: str, now: datetime) -> uuid.UUID | None:
        return await self.s.scalar(
            select(Session.user_id).where(
                Session.token_hash == token_hash, Session.expires_at > now
            )
        )

    async def live(self, token_hash: str, now: datetime) -> tuple[uuid.UUID, datetime] | None:
        """(user id, expiry) of an unexpired session of an active account."""
        row = (
            await self.s.execute(
                select(Session.user_id, Session.expires_at)
                .join(User, User.id == Session.user_id)
                .where(Session.token_hash == token_hash, Session.expires_at > now, User.active)
            )
        ).first()
        return (row[0], row[1]) if row else None

    async def still_live(self, token_hashes: Collection[str], now: datetime) -> set[str]:
        """Which of these sessions are unexpired and belong to an active account."""
        hashes, alive = sorted(set(token_hashes)), set[str]()
        for i in range(0, len(hashes), _CHUNK):
            alive.update(
                await self.s.scalars(
                    select(Session.token_hash)
                    .join(User, User.id == Session.user_id)
                    .where(
                        Session.token_hash.in_(hashes[i : i + _CHUNK]),
                        Session.expires_at > now,
                        User.active,
                    )
                )
            )
        return alive

    async def delete_for_user(self, user_id: uuid.UUID) -> None:
        await self.s.execute(delete(Session).where(Session.user_id == user_id))

    async def delete(self, token_hash: str) -> None:
        await self.s.execute(delete(Session).where(Session.token_hash == token_hash))

    async def purge_expired(self, now: datetime) -> None:
        await self.s.execute(delete(Session).where(Session.expires_at <= now))
