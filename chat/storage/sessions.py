"""Login sessions: only a hash of the token is stored."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from chat.models import Session


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

    async def delete(self, token_hash: str) -> None:
        await self.s.execute(delete(Session).where(Session.token_hash == token_hash))

    async def purge_expired(self, now: datetime) -> None:
        await self.s.execute(delete(Session).where(Session.expires_at <= now))
