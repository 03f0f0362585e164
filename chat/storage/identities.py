"""External identities (a staff member's HSA-id) and started OpenID Connect logins."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from chat.models import ExternalIdentity, OidcPendingLogin, User

HSA_ID = "hsa_id"


class IdentityRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def user_for(self, kind: str, value: str) -> User | None:
        return await self.s.scalar(
            select(User)
            .join(ExternalIdentity, ExternalIdentity.user_id == User.id)
            .where(ExternalIdentity.kind == kind, ExternalIdentity.value == value)
        )

    async def link(self, kind: str, value: str, user_id: uuid.UUID) -> None:
        """Bind ``value`` to the login (moving it from another login if it had one)."""
        row = await self.s.scalar(
            select(ExternalIdentity).where(
                ExternalIdentity.kind == kind, ExternalIdentity.value == value
            )
        )
        if row is None:
            self.s.add(ExternalIdentity(kind=kind, value=value, user_id=user_id))
        else:
            row.user_id = user_id
        await self.s.flush()

    async def touch(self, kind: str, value: str, now: datetime) -> None:
        row = await self.s.scalar(
            select(ExternalIdentity).where(
                ExternalIdentity.kind == kind, ExternalIdentity.value == value
            )
        )
        if row is not None:
            row.last_login_at = now

    def add_pending(self, login: OidcPendingLogin) -> None:
        self.s.add(login)

    async def take_pending(self, state_hash: str) -> OidcPendingLogin | None:
        """Remove and return a started login: each can be finished once, by one process."""
        row = (
            await self.s.execute(
                delete(OidcPendingLogin)
                .where(OidcPendingLogin.state_hash == state_hash)
                .returning(
                    OidcPendingLogin.state_hash,
                    OidcPendingLogin.browser_hash,
                    OidcPendingLogin.nonce,
                    OidcPendingLogin.code_verifier,
                    OidcPendingLogin.redirect_uri,
                    OidcPendingLogin.expires_at,
                )
            )
        ).first()
        if row is None:
            return None
        return OidcPendingLogin(
            state_hash=row[0],
            browser_hash=row[1],
            nonce=row[2],
            code_verifier=row[3],
            redirect_uri=row[4],
            expires_at=row[5],
        )

    async def purge_pending(self, now: datetime) -> None:
        await self.s.execute(delete(OidcPendingLogin).where(OidcPendingLogin.expires_at <= now))
