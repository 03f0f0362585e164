"""What every Socket.IO namespace shares: the handshake checks and the ack convention."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import socketio
from aiohttp import web
from pydantic import BaseModel, ValidationError

from chat.errors import ErrorCode, NaraError
from server.api.registry import validation_error
from server.keys import CONFIG, SESSIONS
from server.security import COOKIE_NAME, origin_allowed

log = logging.getLogger("nara.sockets")
Handler = Callable[[Any, str, Any], Awaitable[dict[str, Any] | None]]


async def handshake(
    app: web.Application, environ: dict[str, Any], auth: Any
) -> tuple[uuid.UUID | None, str | None]:
    """Refuse foreign browser origins; resolve the session from ``auth.token`` or the cookie.

    Returns (user id or None, remote address).
    """
    request: web.Request = environ["aiohttp.request"]
    if not origin_allowed(request.headers.get("Origin"), request.host, app[CONFIG].allowed_origins):
        raise socketio.exceptions.ConnectionRefusedError(
            {"code": "forbidden", "message": "foreign origin"}
        )
    token = auth.get("token") if isinstance(auth, dict) else None
    token = token if isinstance(token, str) else request.cookies.get(COOKIE_NAME)
    user_id = await app[SESSIONS].resolve(token) if token else None
    return user_id, request.remote


def answer_errors(model: type[BaseModel]) -> Callable[[Handler], Callable[..., Awaitable[Any]]]:
    """Validate the payload, run the handler, and answer every failure as ``{"error": ...}``:
    an ack is ``{"ok": true, ...}`` or ``{"error": {"code", "message", ...}}``."""

    def wrap(fn: Handler) -> Callable[..., Awaitable[Any]]:
        async def handler(self: Any, sid: str, data: Any = None) -> Any:
            try:
                try:
                    parsed = model.model_validate(data)
                except ValidationError as exc:
                    raise validation_error(exc) from exc
                return {"ok": True, **((await fn(self, sid, parsed)) or {})}
            except NaraError as err:
                return {"error": err.to_dict()}
            except Exception:
                log.exception("socket event failed", extra={"event": fn.__name__})
                return {"error": NaraError(ErrorCode.INTERNAL, "internal error").to_dict()}

        handler.__name__ = fn.__name__
        return handler

    return wrap


class StrictNamespace(socketio.AsyncNamespace):
    """Unknown events get a clear error instead of silence."""

    async def trigger_event(self, event: str, *args: Any) -> Any:
        if event not in ("connect", "disconnect") and not hasattr(self, f"on_{event}"):
            return {"error": {"code": "invalid_request", "message": f"unknown event {event!r}"}}
        return await super().trigger_event(event, *args)
