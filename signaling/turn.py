"""TURN credentials for coturn's shared-secret ("TURN REST API") scheme.

coturn (``use-auth-secret`` + ``static-auth-secret``) accepts any username of the form
``"<expiry-unix>:<user_key>"`` whose password is base64(HMAC-SHA1(secret, username)) and
whose expiry is in the future. The server never stores per-user TURN accounts; clients get
short-lived credentials with their meeting join.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class IceServerConfig:
    """One entry of a WebRTC ``iceServers`` list."""

    urls: tuple[str, ...]
    username: str | None = None
    credential: str | None = None
    # Unix time after which coturn rejects the credential (None: no credential).
    expires_at: int | None = None

    def as_dict(self) -> dict[str, object]:
        """The browser's RTCIceServer dictionary (what the client receives as JSON)."""
        out: dict[str, object] = {"urls": list(self.urls)}
        if self.username is not None:
            out["username"] = self.username
            out["credential"] = self.credential
        return out


def turn_password(secret: str, username: str) -> str:
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def issue_turn_credentials(
    secret: str,
    user_key: str,
    ttl: int,
    urls: Sequence[str],
    *,
    now: float | None = None,
) -> IceServerConfig:
    """Credentials valid for ``ttl`` seconds for the TURN ``urls``.

    ``user_key`` must be a pseudonymous id (it shows up in coturn's logs), never a name
    or personnummer. A negative ``ttl`` yields already expired credentials (tests).
    """
    if not secret:
        raise ValueError("TURN secret must not be empty")
    if not user_key or ":" in user_key:
        # coturn splits the username at the first ':' to read the expiry.
        raise ValueError("user_key must be non-empty and contain no ':'")
    if not urls:
        raise ValueError("at least one TURN url is needed")
    expires_at = int(now if now is not None else time.time()) + ttl
    username = f"{expires_at}:{user_key}"
    return IceServerConfig(
        urls=tuple(urls),
        username=username,
        credential=turn_password(secret, username),
        expires_at=expires_at,
    )


@dataclass(frozen=True, slots=True)
class TurnSettings:
    """TURN/STUN part of the server configuration."""

    secret: str
    turn_urls: tuple[str, ...]
    stun_urls: tuple[str, ...] = field(default_factory=tuple)
    ttl: int = 3600

    def ice_servers_for(self, user_key: str, *, now: float | None = None) -> list[IceServerConfig]:
        servers: list[IceServerConfig] = []
        if self.stun_urls:
            servers.append(IceServerConfig(urls=self.stun_urls))
        if self.turn_urls:
            servers.append(
                issue_turn_credentials(self.secret, user_key, self.ttl, self.turn_urls, now=now)
            )
        return servers
