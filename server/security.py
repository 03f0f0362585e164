"""Middlewares: errors as JSON, who is calling, origin checks and security headers."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from chat.access import Actor
from chat.errors import ErrorCode, NaraError
from server.keys import CHAT, CONFIG, SESSIONS

log = logging.getLogger("nara.http")
COOKIE_NAME = "nara_session"
ACTOR = web.RequestKey("actor", Actor)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
    "media-src 'self' blob:; connect-src 'self' ws: wss:; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'self'; object-src 'none'"
)
_HTTP_CODES = {
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.INVALID_REQUEST,
    413: ErrorCode.PAYLOAD_TOO_LARGE,
}


def bearer_or_cookie(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return request.cookies.get(COOKIE_NAME)


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
    return web.json_response({"error": err.to_dict()}, status=err.http_status)


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
    token = bearer_or_cookie(request)
    if token:
        user_id = await request.app[SESSIONS].resolve(token)
        if user_id is not None:
            actor = await request.app[CHAT].actor(user_id)
            if actor is not None:
                request[ACTOR] = actor
        if ACTOR in request and request.method not in ("GET", "HEAD", "OPTIONS"):
            _check_origin(request, cookie=not request.headers.get("Authorization"))
    return await handler(request)


def _check_origin(request: web.Request, *, cookie: bool) -> None:
    """Cookie-authenticated writes must come from our own pages (CSRF defence in depth)."""
    if not cookie:
        return
    origin = request.headers.get("Origin")
    if not origin_allowed(origin, request.host, request.app[CONFIG].allowed_origins):
        raise NaraError(ErrorCode.FORBIDDEN, "foreign origin")


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    response = await handler(request)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault(
        "Permissions-Policy", "camera=(self), microphone=(self), geolocation=()"
    )
    if request.path.startswith("/api/"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response
