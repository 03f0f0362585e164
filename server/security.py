"""Middlewares: errors as JSON, who is calling, origin checks and security headers."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable

from aiohttp import web

from chat.access import Actor
from chat.errors import ErrorCode, NaraError
from server.errors import http_status
from server.keys import CONFIG, SESSIONS

log = logging.getLogger("nara.http")
COOKIE_NAME = "nara_session"
ACTOR = web.RequestKey("actor", Actor)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
    "media-src 'self' blob:; connect-src 'self' ws: wss:; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'self'; object-src 'none'"
)
HSTS = "max-age=31536000"
# RFC 6750 b64token; Nära's own tokens are 43 URL-safe characters.
_BEARER = re.compile(r"Bearer +([A-Za-z0-9\-._~+/]{16,200}=*)", re.IGNORECASE)
_HTTP_CODES = {
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.INVALID_REQUEST,
    413: ErrorCode.PAYLOAD_TOO_LARGE,
}


def credentials(request: web.Request) -> tuple[str | None, bool]:
    """(token, whether it came from the cookie).

    Only a well-formed bearer token is a bearer credential (which a browser never sends on its
    own, so it needs no origin check). Any other Authorization header (``Basic …``, an empty
    ``Bearer``) is ignored: the cookie is then what authenticates, with its origin check.
    """
    match = _BEARER.fullmatch(request.headers.get("Authorization", "").strip())
    if match:
        return match.group(1), False
    return request.cookies.get(COOKIE_NAME), True


def bearer_or_cookie(request: web.Request) -> str | None:
    return credentials(request)[0]


def client_address(request: web.Request, proxy_hops: int = 0) -> str:
    """The caller's address: the peer, or — behind ``proxy_hops`` reverse proxies that each
    append to X-Forwarded-For — the address the outermost of them saw."""
    if proxy_hops > 0:
        hops = [
            part.strip()
            for header in request.headers.getall("X-Forwarded-For", [])
            for part in header.split(",")
            if part.strip()
        ]
        if len(hops) >= proxy_hops:
            return hops[-proxy_hops]
    return request.remote or "unknown"


def actor_of(request: web.Request) -> Actor | None:
    return request.get(ACTOR)


def origin_allowed(origin: str | None, host: str | None, allowed: tuple[str, ...]) -> bool:
    """No Origin (not a browser) is fine; a browser must come from us or an allowed origin."""
    if not origin:
        return True
    if origin in allowed:
        return True
    bare = origin.split("://", 1)[-1]
    return host is not None and bare == host


def error_response(err: NaraError) -> web.Response:
    response = web.json_response({"error": err.to_dict()}, status=http_status(err))
    retry_after = getattr(err, "retry_after", None)
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


@web.middleware
async def errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except NaraError as err:
        return error_response(err)
    except web.HTTPException as exc:
        if exc.status < 400 or not request.path.startswith("/api/"):
            raise
        code = _HTTP_CODES.get(exc.status, ErrorCode.INVALID_REQUEST)
        return error_response(NaraError(code, exc.reason or "request failed"))
    except Exception:
        log.exception("unhandled error", extra={"path": request.path, "method": request.method})
        return error_response(NaraError(ErrorCode.INTERNAL, "internal error"))


@web.middleware
async def authenticate(request: web.Request, handler: Handler) -> web.StreamResponse:
    token, from_cookie = credentials(request)
    if token:
        actor = await request.app[SESSIONS].actor(token)
        if actor is not None:
            request[ACTOR] = actor
        if ACTOR in request and request.method not in ("GET", "HEAD", "OPTIONS"):
            _check_origin(request, cookie=from_cookie)
    return await handler(request)


def _check_origin(request: web.Request, *, cookie: bool) -> None:
    """Cookie-authenticated writes must come from our own pages (CSRF defence in depth)."""
    if not cookie:
        return
    origin = request.headers.get("Origin")
    if not origin_allowed(origin, request.host, request.app[CONFIG].allowed_origins):
        raise NaraError(ErrorCode.FORBIDDEN, "foreign origin")


async def security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """On every response as it is prepared — handlers, errors raised anywhere (a 404 for an
    unknown path too), static files — so none goes out without these headers."""
    if request.app[CONFIG].hsts_enabled:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault(
        "Permissions-Policy", "camera=(self), microphone=(self), geolocation=()"
    )
    if request.path.startswith("/api/"):
        response.headers.setdefault("Cache-Control", "no-store")
