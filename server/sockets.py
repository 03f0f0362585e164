"""What every Socket.IO namespace shares: the server, the handshake checks, the session check
on every event, refusal of reserved event names, and the ack convention."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import socketio
from aiohttp import web
from pydantic import BaseModel, ValidationError
from socketio import packet

from chat.errors import ErrorCode, NaraError
from server.api.registry import validation_error
from server.auth import LiveSession
from server.keys import CONFIG, GUARD, SESSIONS
from server.security import COOKIE_NAME, origin_allowed

log = logging.getLogger("nara.sockets")
Handler = Callable[[Any, str, Any], Awaitable[dict[str, Any] | None]]

# Names Socket.IO and Engine.IO use for their own lifecycle: a client may never send them.
RESERVED_EVENTS = frozenset(
    {"connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"}
)
# No event of ours carries binary data; a packet may announce at most this many attachments
# (each at most max_http_buffer_size), so a client cannot make the server collect them forever.
MAX_BINARY_ATTACHMENTS = 2
MAX_MESSAGE_BYTES = 1_000_000


class ProtocolViolation(ValueError):
    """A packet no Socket.IO client of ours sends; its connection is closed."""


class BoundedPacket(packet.Packet):
    def decode(self, encoded_packet: Any) -> int:
        count: int = super().decode(encoded_packet)
        if count > MAX_BINARY_ATTACHMENTS:
            raise ProtocolViolation("too many binary attachments")
        return count


class NaraSocketServer(socketio.AsyncServer):
    """python-socketio's server with bounded packets: a violating client is disconnected."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            serializer=BoundedPacket, max_http_buffer_size=MAX_MESSAGE_BYTES, **kwargs
        )

    async def _handle_eio_message(self, eio_sid: str, data: Any) -> None:
        try:
            await super()._handle_eio_message(eio_sid, data)
        except ProtocolViolation:
            log.warning("socket closed: protocol violation")
            self._binary_packet.pop(eio_sid, None)
            await self.eio.disconnect(eio_sid)


@dataclass(frozen=True)
class SocketLogin:
    session: LiveSession | None
    remote: str | None

    @property
    def user_id(self) -> uuid.UUID | None:
        return self.session.user_id if self.session else None


async def handshake(app: web.Application, environ: dict[str, Any], auth: Any) -> SocketLogin:
    """Refuse foreign browser origins; resolve the session from ``auth.token`` or the cookie."""
    request: web.Request = environ["aiohttp.request"]
    if not origin_allowed(request.headers.get("Origin"), request.host, app[CONFIG].allowed_origins):
        raise socketio.exceptions.ConnectionRefusedError(
            {"code": "forbidden", "message": "foreign origin"}
        )
    token = auth.get("token") if isinstance(auth, dict) else None
    token = token if isinstance(token, str) else request.cookies.get(COOKIE_NAME)
    session = await app[SESSIONS].live(token) if token else None
    return SocketLogin(session, request.remote)


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


def _refused(message: str) -> dict[str, Any]:
    return {"error": NaraError(ErrorCode.INVALID_REQUEST, message).to_dict()}


class StrictNamespace(socketio.AsyncNamespace):
    """The base of every namespace: reserved event names from a client and unknown events are
    refused, and every event first checks that the socket's session is still on."""

    def __init__(self, namespace: str, app: web.Application) -> None:
        super().__init__(namespace)
        self.app = app

    async def trigger_event(self, event: str, *args: Any) -> Any:
        sid = args[0] if args else ""
        if event in RESERVED_EVENTS:
            if not self._lifecycle(event, sid):
                return _refused(f"{event!r} is a reserved event name")
            try:
                return await super().trigger_event(event, *args)
            finally:
                if event == "disconnect":
                    self.app[GUARD].forget(self.namespace, sid)
        if not hasattr(self, f"on_{event}"):
            return _refused(f"unknown event {event!r}")
        try:
            await self.app[GUARD].check(self.namespace, sid)
        except NaraError as err:
            return {"error": err.to_dict()}
        return await super().trigger_event(event, *args)

    def _lifecycle(self, event: str, sid: str) -> bool:
        """Whether python-socketio itself runs ``connect``/``disconnect`` for ``sid``: the socket
        is known but not (yet, or any more) connected. A client's event packet is only
        dispatched while its socket is connected, so one named ``disconnect`` fails here."""
        if event not in ("connect", "disconnect"):
            return False
        manager = self.server.manager
        return manager.eio_sid_from_sid(sid, self.namespace) is not None and not (
            manager.is_connected(sid, self.namespace)
        )

    def track(self, sid: str, login: SocketLogin) -> None:
        """The last step of ``connect``: from now on a revocation of the session ends it."""
        if login.session is not None and not self.app[GUARD].track(
            self.namespace, sid, login.session
        ):
            raise socketio.exceptions.ConnectionRefusedError(
                {"code": "unauthenticated", "message": "the session has ended; log in again"}
            )
