"""Logging in through OpenID Connect: started logins and which Nära login a verified
identity is.

- A started login (state, nonce, PKCE verifier, redirect URI) is stored server-side, keyed by a
  hash of its state and bound to the browser that started it (a hash of the ``nara_oidc``
  cookie); the callback deletes it, so it is finished at most once, by one process.
- The identity claim: an HSA-id (``NARA_OIDC_HSA_ID_CLAIM``) names a staff login it was bound
  to (``nara oidc link-staff``); else a personnummer (``NARA_OIDC_PERSONNUMMER_CLAIM``) names a
  patient in the register with a login. Anything else is refused (``unknown_identity``) unless
  ``NARA_OIDC_CREATE_PATIENTS=1`` lets a valid personnummer get a patient login.
"""

from __future__ import annotations

import argparse
import asyncio
import hmac
import logging
import re
import secrets
import sys
import uuid
from collections.abc import AsyncIterator, Mapping
from datetime import timedelta
from typing import Any

from aiohttp import web
from sqlalchemy.exc import IntegrityError

from chat import personnummer
from chat.errors import NaraError
from chat.models import OidcPendingLogin, Patient, User, UserKind, utcnow
from chat.storage import Database
from chat.storage.identities import HSA_ID
from server.auth import token_hash
from server.config import Config
from server.keys import CONFIG, DB
from server.oidc import AuthorizationRequest, LoginRefused, OidcClient, OidcSettings

log = logging.getLogger("nara.login")
BROWSER_COOKIE = "nara_oidc"
# SE + the organisation's number + "-" + a local part (Inera's HSA format).
_HSA_ID = re.compile(r"SE\d{10}-[A-Z0-9]{1,31}")


def normalize_hsa_id(value: object) -> str:
    if not isinstance(value, str) or not _HSA_ID.fullmatch(value.strip().upper()):
        raise LoginRefused("invalid_identity", "the login service sent an unusable identity")
    return value.strip().upper()


class OidcLogin:
    """The :class:`server.auth.RedirectIdentityProvider` for one OpenID Connect provider."""

    def __init__(self, db: Database, client: OidcClient) -> None:
        self.db = db
        self.client = client
        self.settings: OidcSettings = client.settings

    async def begin(self, browser: str, redirect_uri: str) -> str:
        """Store a new login and return the provider's authorization URL for it."""
        request = AuthorizationRequest(
            state=secrets.token_urlsafe(32),
            nonce=secrets.token_urlsafe(32),
            code_verifier=secrets.token_urlsafe(64),  # 86 characters (RFC 7636: 43–128)
            redirect_uri=redirect_uri,
        )
        url = await self.client.authorization_url(request)  # before storing: provider down
        now = utcnow()
        async with self.db.write() as store:
            await store.identities.purge_pending(now)
            store.identities.add_pending(
                OidcPendingLogin(
                    state_hash=token_hash(request.state),
                    browser_hash=token_hash(browser),
                    nonce=request.nonce,
                    code_verifier=request.code_verifier,
                    redirect_uri=redirect_uri,
                    expires_at=now + timedelta(seconds=self.settings.login_ttl_s),
                )
            )
        return url

    async def complete(self, params: Mapping[str, str | None], browser: str | None) -> uuid.UUID:
        """The user id for the provider's answer, or :class:`LoginRefused`."""
        state = params.get("state")
        if not state:
            raise LoginRefused("state_mismatch")
        async with self.db.write() as store:
            pending = await store.identities.take_pending(token_hash(state))
        if (
            pending is None
            or not browser
            or not hmac.compare_digest(pending.browser_hash, token_hash(browser))
        ):
            raise LoginRefused("state_mismatch")
        if pending.expires_at <= utcnow():
            raise LoginRefused("login_expired")
        if params.get("error"):
            raise LoginRefused("provider_error", "the login was cancelled or refused")
        if params.get("iss") not in (None, self.settings.issuer):  # RFC 9207 mix-up defence
            raise LoginRefused("issuer_mismatch")
        code = params.get("code")
        if not code:
            raise LoginRefused("code_missing")
        request = AuthorizationRequest(
            state, pending.nonce, pending.code_verifier, pending.redirect_uri
        )
        tokens = await self.client.exchange(code, request)
        claims = await self.client.validate(tokens, pending.nonce)
        return await self.identify(claims)

    async def identify(self, claims: Mapping[str, Any]) -> uuid.UUID:
        hsa_id = claims.get(self.settings.hsa_id_claim)
        if hsa_id is not None:
            return await self._staff(normalize_hsa_id(hsa_id))
        pnr = claims.get(self.settings.personnummer_claim)
        if pnr is None:
            raise LoginRefused("missing_identity", "the login service sent no identity")
        try:
            canonical = personnummer.normalize(str(pnr))
        except NaraError as exc:
            raise LoginRefused(
                "invalid_identity", "the login service sent an unusable identity"
            ) from exc
        try:
            return await self._patient(canonical, claims)
        except IntegrityError:  # another process created it at the same moment
            return await self._patient(canonical, claims)

    async def _staff(self, hsa_id: str) -> uuid.UUID:
        async with self.db.write() as store:
            user = await store.identities.user_for(HSA_ID, hsa_id)
            if user is None or not user.active or user.kind != UserKind.STAFF:
                raise _unknown()
            await store.identities.touch(HSA_ID, hsa_id, utcnow())
            return user.id

    async def _patient(self, canonical: str, claims: Mapping[str, Any]) -> uuid.UUID:
        async with self.db.write() as store:
            patient = await store.directory.patient_by_personnummer(canonical)
            if patient is not None and patient.user_id is not None:
                user = await store.directory.user(patient.user_id)
                if user is None or not user.active or user.kind != UserKind.PATIENT:
                    raise _unknown()
                return user.id
            if not self.settings.create_patients:
                raise _unknown()
            name = _name(claims, self.settings.name_claim) or (patient.name if patient else "")
            user = User(
                username=f"e-id-{secrets.token_hex(8)}",
                password_hash=None,
                display_name=name or "Patient",
                kind=UserKind.PATIENT,
            )
            store.directory.add(user)
            await store.directory.flush()
            if patient is None:
                store.directory.add(
                    Patient(
                        personnummer=canonical,
                        name=name or "Patient",
                        birth_date=personnummer.birth_date(canonical),
                        user_id=user.id,
                    )
                )
            else:
                patient.user_id = user.id
            await store.directory.flush()
            log.info("oidc patient login created", extra={"user_id": str(user.id)})
            return user.id


async def link_staff(db: Database, username: str, hsa_id: str) -> None:
    """Bind an HSA-id to a staff login (``nara oidc link-staff``); an HSA-id names one login."""
    try:
        value = normalize_hsa_id(hsa_id)
    except LoginRefused as exc:
        raise ValueError("not an HSA-id (SE, 10 digits, -, up to 31 letters or digits)") from exc
    async with db.write() as store:
        user = await store.directory.user_by_username(username)
        if user is None or user.kind != UserKind.STAFF:
            raise ValueError("no staff login with that username")
        await store.identities.link(HSA_ID, value, user.id)


def run_oidc_cli(argv: list[str], config: Config) -> int:
    """``nara oidc link-staff USERNAME HSA-ID``."""
    parser = argparse.ArgumentParser(prog="nara oidc", description="OpenID Connect logins")
    sub = parser.add_subparsers(dest="action", required=True)
    link = sub.add_parser("link-staff", help="let a staff login sign in with this HSA-id")
    link.add_argument("username")
    link.add_argument("hsa_id")
    ns = parser.parse_args(argv)

    async def run() -> None:
        db = Database(config.effective_database_url)
        try:
            await link_staff(db, ns.username, ns.hsa_id)
        finally:
            await db.dispose()

    try:
        asyncio.run(run())
    except ValueError as exc:
        print(f"not linked: {exc}", file=sys.stderr)
        return 1
    print(f"{ns.username} now signs in with HSA-id {normalize_hsa_id(ns.hsa_id)}")
    return 0


def _name(claims: Mapping[str, Any], claim: str) -> str:
    value = claims.get(claim)
    if not isinstance(value, str) or not value.strip():
        parts = [claims.get("given_name"), claims.get("family_name")]
        value = " ".join(p for p in parts if isinstance(p, str) and p.strip())
    return value.strip()[:200]


def _unknown() -> LoginRefused:
    return LoginRefused("unknown_identity", "this identity has no login in Nära")


OIDC = web.AppKey("oidc_login", OidcLogin)


def setup_oidc(app: web.Application) -> None:
    """Mount the OpenID Connect login when NARA_OIDC_ISSUER is set (after the database)."""
    settings = OidcSettings.from_config(app[CONFIG])
    if settings is None:
        return

    async def lifetime(app: web.Application) -> AsyncIterator[None]:
        client = OidcClient(settings)
        app[OIDC] = OidcLogin(app[DB], client)
        yield
        await client.close()

    app.cleanup_ctx.append(lifetime)
