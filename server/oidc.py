"""OpenID Connect relying party: discovery, the authorization request, the code exchange and
ID-token validation (authorization code flow with PKCE S256, state and nonce).

authlib supplies the protocol pieces (PKCE challenge, authorization URI, ID-token claim rules)
and joserfc (authlib's JOSE library) the signature check against the provider's JWKS. HTTP goes
through aiohttp, the server's own client. Which person the token names is decided in
server/oidc_login.py.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import aiohttp
from authlib.common.urls import add_params_to_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import (
    BadSignatureError,
    ClaimError,
    ExpiredTokenError,
    InvalidKeyIdError,
    JoseError,
)
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from chat.errors import ErrorCode, NaraError
from server.config import Config

log = logging.getLogger("nara.oidc")
# Asymmetric signatures only: never "none", never HMAC with the client secret.
SIGNING_ALGORITHMS = (
    "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA",
)  # fmt: skip
_METADATA_TTL_S = 3600.0
_JWKS_REFETCH_S = 60.0  # an unknown key id refetches the JWKS at most this often
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class LoginRefused(NaraError):
    """An OpenID Connect login that did not go through; ``reason`` says why (no personal data)."""

    def __init__(self, reason: str, message: str = "the login was refused") -> None:
        super().__init__(ErrorCode.UNAUTHENTICATED, message, reason=reason)


@dataclass(frozen=True)
class OidcSettings:
    issuer: str
    client_id: str
    client_secret: str
    token_auth: str
    scopes: str
    personnummer_claim: str
    hsa_id_claim: str
    name_claim: str
    redirect_url: str
    create_patients: bool
    leeway_s: int
    login_ttl_s: int

    @classmethod
    def from_config(cls, config: Config) -> OidcSettings | None:
        """None while OIDC is not configured (no issuer)."""
        if not config.oidc_issuer:
            return None
        if not config.oidc_client_id:
            raise ValueError("NARA_OIDC_CLIENT_ID is required with NARA_OIDC_ISSUER")
        if config.oidc_token_auth not in ("client_secret_basic", "client_secret_post"):
            raise ValueError("NARA_OIDC_TOKEN_AUTH: client_secret_basic or client_secret_post")
        url = urlsplit(config.oidc_issuer)
        if url.scheme != "https" and not (url.scheme == "http" and url.hostname in _LOOPBACK):
            raise ValueError("NARA_OIDC_ISSUER must be https:// (plain http only on loopback)")
        if "openid" not in config.oidc_scopes.split():
            raise ValueError("NARA_OIDC_SCOPES must include openid")
        return cls(
            issuer=config.oidc_issuer,
            client_id=config.oidc_client_id,
            client_secret=config.oidc_client_secret,
            token_auth=config.oidc_token_auth,
            scopes=config.oidc_scopes,
            personnummer_claim=config.oidc_personnummer_claim,
            hsa_id_claim=config.oidc_hsa_id_claim,
            name_claim=config.oidc_name_claim,
            redirect_url=config.oidc_redirect_url,
            create_patients=config.oidc_create_patients,
            leeway_s=config.oidc_leeway_s,
            login_ttl_s=config.oidc_login_ttl_s,
        )


@dataclass(frozen=True)
class AuthorizationRequest:
    state: str
    nonce: str
    code_verifier: str
    redirect_uri: str


class OidcClient:
    """One configured provider. Its metadata and keys are cached; a token signed with a key
    id we do not know refetches the JWKS (key rotation), at most once a minute."""

    def __init__(self, settings: OidcSettings) -> None:
        self.settings = settings
        self._http: aiohttp.ClientSession | None = None
        self._metadata: dict[str, Any] | None = None
        self._metadata_at = 0.0
        self._jwks: KeySet | None = None
        self._jwks_at = 0.0
        self._lock = asyncio.Lock()

    def _session(self) -> aiohttp.ClientSession:
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        return self._http

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()

    async def _get_json(self, url: str) -> dict[str, Any]:
        try:
            async with self._session().get(url, headers={"Accept": "application/json"}) as resp:
                resp.raise_for_status()
                body = await resp.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            log.warning("oidc provider unreachable", extra={"error": type(exc).__name__})
            raise LoginRefused("provider_unavailable", "the login service is unavailable") from exc
        if not isinstance(body, dict):
            raise LoginRefused("provider_unavailable", "the login service answered badly")
        return body

    async def metadata(self) -> dict[str, Any]:
        async with self._lock:
            if self._metadata is None or time.monotonic() - self._metadata_at > _METADATA_TTL_S:
                url = self.settings.issuer + "/.well-known/openid-configuration"
                found = await self._get_json(url)
                if found.get("issuer") != self.settings.issuer:
                    log.error("oidc discovery names another issuer")
                    raise LoginRefused("provider_unavailable", "the login service is misconfigured")
                self._metadata, self._metadata_at = found, time.monotonic()
            return self._metadata

    async def _keys(self, refresh: bool = False) -> KeySet:
        metadata = await self.metadata()
        async with self._lock:
            stale = time.monotonic() - self._jwks_at > _JWKS_REFETCH_S
            if self._jwks is None or (refresh and stale):
                try:
                    found = await self._get_json(metadata["jwks_uri"])
                    self._jwks = KeySet.import_key_set(found)  # type: ignore[arg-type]
                except (KeyError, JoseError, ValueError) as exc:
                    raise LoginRefused(
                        "provider_unavailable", "the login keys are unusable"
                    ) from exc
                self._jwks_at = time.monotonic()
            return self._jwks

    async def authorization_url(self, request: AuthorizationRequest) -> str:
        endpoint = (await self.metadata()).get("authorization_endpoint")
        if not isinstance(endpoint, str):
            raise LoginRefused("provider_unavailable", "the login service is misconfigured")
        return add_params_to_uri(
            endpoint,
            [
                ("response_type", "code"),
                ("client_id", self.settings.client_id),
                ("redirect_uri", request.redirect_uri),
                ("scope", self.settings.scopes),
                ("state", request.state),
                ("nonce", request.nonce),
                ("code_challenge", create_s256_code_challenge(request.code_verifier)),
                ("code_challenge_method", "S256"),
            ],
        )

    async def exchange(self, code: str, request: AuthorizationRequest) -> dict[str, Any]:
        """The token response for ``code``; the provider refuses a used code or a wrong
        PKCE verifier (``code_refused``)."""
        endpoint = (await self.metadata()).get("token_endpoint")
        if not isinstance(endpoint, str):
            raise LoginRefused("provider_unavailable", "the login service is misconfigured")
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": request.redirect_uri,
            "code_verifier": request.code_verifier,
        }
        headers = {"Accept": "application/json"}
        if self.settings.token_auth == "client_secret_basic":
            headers["Authorization"] = _basic(self.settings.client_id, self.settings.client_secret)
        else:
            form.update(
                client_id=self.settings.client_id, client_secret=self.settings.client_secret
            )
        try:
            async with self._session().post(endpoint, data=form, headers=headers) as resp:
                body = await resp.json(content_type=None)
                status = resp.status
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            log.warning("oidc token endpoint unreachable", extra={"error": type(exc).__name__})
            raise LoginRefused("provider_unavailable", "the login service is unavailable") from exc
        if status != 200 or not isinstance(body, dict) or "error" in body:
            error = body.get("error") if isinstance(body, dict) else None
            log.info("oidc code refused", extra={"status": status, "error": str(error)[:40]})
            raise LoginRefused("code_refused", "the login service refused the login")
        if not isinstance(body.get("id_token"), str):
            raise LoginRefused("id_token_missing", "the login service sent no ID token")
        return body

    async def validate(self, tokens: dict[str, Any], nonce: str) -> dict[str, Any]:
        """The ID token's claims once signature, issuer, audience, times and nonce hold."""
        raw: str = tokens["id_token"]
        allowed = (await self.metadata()).get("id_token_signing_alg_values_supported") or ["RS256"]
        registry = JWSRegistry(algorithms=[a for a in allowed if a in SIGNING_ALGORITHMS])
        try:
            try:
                token = jwt.decode(raw, await self._keys(), registry=registry)
            except InvalidKeyIdError:
                token = jwt.decode(raw, await self._keys(refresh=True), registry=registry)
        except BadSignatureError as exc:
            raise _invalid("id_token_signature") from exc
        except JoseError as exc:  # an unknown key, a refused algorithm, not a JWS at all
            raise _invalid("id_token_signature", type(exc).__name__) from exc
        claims = CodeIDToken(
            token.claims,
            token.header,
            {
                "iss": {"essential": True, "value": self.settings.issuer},
                "aud": {"essential": True, "value": self.settings.client_id},
            },
            {
                "nonce": nonce,
                "client_id": self.settings.client_id,
                "access_token": tokens.get("access_token"),
            },
        )
        try:
            claims.validate(now=int(time.time()), leeway=self.settings.leeway_s)
        except ExpiredTokenError as exc:
            raise _invalid("id_token_expired") from exc
        except ClaimError as exc:
            claim = getattr(exc, "claim", "")
            raise _invalid(
                "id_token_nonce" if claim == "nonce" else "id_token_claims", claim
            ) from exc
        return dict(claims)


def _basic(client_id: str, secret: str) -> str:
    """RFC 6749 2.3.1: both parts form-encoded, then HTTP Basic."""
    pair = f"{quote(client_id, safe='')}:{quote(secret, safe='')}"
    return "Basic " + base64.b64encode(pair.encode()).decode()


def _invalid(reason: str, detail: str = "") -> LoginRefused:
    log.info("oidc id token refused", extra={"reason": reason, "detail": detail[:40]})
    return LoginRefused(reason, "the login could not be verified")
