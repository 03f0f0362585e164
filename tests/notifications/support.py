"""Real stand-ins for what Nära delivers to: an SMTP server (aiosmtpd) on loopback, an HTTP
SMS gateway speaking 46elks' API, and a Web Push service that keeps what it is sent."""

from __future__ import annotations

import asyncio
import base64
import email
import email.policy
import os
import time
import uuid
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiohttp import web
from aiosmtpd.smtp import SMTP, Envelope, Session
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import select, update

from chat.models import utcnow
from chat.notifications.models import Notification, NotificationPreference
from server.keys import DB


@dataclass
class Mail:
    rcpt: list[str]
    raw: bytes
    at: float

    @property
    def message(self) -> EmailMessage:
        msg = email.message_from_bytes(self.raw, policy=email.policy.default)
        assert isinstance(msg, EmailMessage)
        return msg

    @property
    def body(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        assert part is not None
        return str(part.get_content())

    @property
    def message_id(self) -> str:
        for line in self.raw.split(b"\r\n"):
            if line.lower().startswith(b"message-id:"):
                return line.split(b":", 1)[1].strip().decode()
        return ""


class MailSink:
    """aiosmtpd's SMTP protocol on 127.0.0.1, in the test's own event loop."""

    def __init__(self, delay_s: float = 0.0) -> None:
        self.mails: list[Mail] = []
        self.delay_s = delay_s
        self.server: asyncio.base_events.Server | None = None
        self.port = 0
        self._arrived = asyncio.Event()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        raw = envelope.original_content or b""
        self.mails.append(Mail(list(envelope.rcpt_tos), raw, time.perf_counter()))
        self._arrived.set()
        return "250 Message accepted for delivery"

    async def start(self) -> str:
        loop = asyncio.get_running_loop()
        self.server = await loop.create_server(
            lambda: SMTP(self, hostname="sink.test", loop=loop), "127.0.0.1", 0
        )
        self.port = self.server.sockets[0].getsockname()[1]
        return f"smtp://127.0.0.1:{self.port}"

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()

    def to(self, address: str) -> list[Mail]:
        return [m for m in self.mails if address in m.rcpt]

    async def wait_for(
        self, count: int, timeout_s: float = 10.0, address: str | None = None
    ) -> list[Mail]:
        async def enough() -> list[Mail]:
            while True:
                got = self.to(address) if address else self.mails
                if len(got) >= count:
                    return got
                self._arrived.clear()
                await self._arrived.wait()

        return await asyncio.wait_for(enough(), timeout_s)


@dataclass
class HttpStandIn:
    """A small aiohttp server: the SMS gateway (POST /a1/sms) and a push service
    (POST /push/{id}). ``fail_next`` answers that many requests with ``fail_status``."""

    sms: list[dict[str, Any]] = field(default_factory=list)
    pushes: list[dict[str, Any]] = field(default_factory=list)
    fail_next: int = 0
    fail_status: int = 503
    push_status: int = 201
    url: str = ""
    _runner: web.AppRunner | None = None
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/a1/sms", self._sms)
        app.router.add_post("/push/{id}", self._push)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _sms(self, request: web.Request) -> web.Response:
        form = await request.post()
        entry = {
            "auth": request.headers.get("Authorization"),
            **{k: str(v) for k, v in form.items()},
        }
        if self.fail_next > 0:
            self.fail_next -= 1
            entry["refused"] = True
            self.sms.append(entry)
            self._arrived.set()
            return web.json_response({"error": "busy"}, status=self.fail_status)
        self.sms.append(entry)
        self._arrived.set()
        return web.json_response({"id": uuid.uuid4().hex, "status": "created"})

    async def _push(self, request: web.Request) -> web.Response:
        self.pushes.append(
            {
                "id": request.match_info["id"],
                "headers": dict(request.headers),
                "body": await request.read(),
            }
        )
        self._arrived.set()
        return web.Response(status=self.push_status)

    async def wait(self, predicate: Any, timeout_s: float = 10.0) -> None:
        async def done() -> None:
            while not predicate():
                self._arrived.clear()
                await self._arrived.wait()

        await asyncio.wait_for(done(), timeout_s)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class BrowserKeys:
    """What a browser's PushManager makes: a P-256 key pair and a 16-byte auth secret."""

    private: ec.EllipticCurvePrivateKey
    auth: bytes

    @classmethod
    def make(cls) -> BrowserKeys:
        return cls(ec.generate_private_key(ec.SECP256R1()), os.urandom(16))

    @property
    def p256dh(self) -> str:
        return b64(
            self.private.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )


async def outbox(server: Any) -> list[Notification]:
    async with server.app[DB].read() as store:
        return list(
            await store.session.scalars(select(Notification).order_by(Notification.created_at))
        )


async def set_preference(server: Any, user_id: uuid.UUID, **values: Any) -> None:
    async with server.app[DB].write() as store:
        pref = await store.notifications.preference_for_update(user_id)
        for k, v in values.items():
            setattr(pref, k, v)
        pref.updated_at = utcnow()


async def release_deferred(server: Any) -> None:
    """Make every deferred notice due now (instead of waiting for the morning)."""
    async with server.app[DB].write() as store:
        await store.session.execute(
            update(Notification).where(Notification.state == "pending").values(not_before=utcnow())
        )


def pref_row(user_id: uuid.UUID, address: str) -> NotificationPreference:
    return NotificationPreference(
        user_id=user_id,
        email=address,
        email_verified_at=utcnow(),
        email_enabled=True,
        sms_enabled=False,
        push_enabled=False,
    )


async def settled(
    server: Any, predicate: Any = None, timeout_s: float = 10.0
) -> list[Notification]:
    """The outbox once ``predicate(rows)`` holds (default: nothing is claimed right now)."""
    predicate = predicate or (lambda rows: all(r.claimed_by is None for r in rows))
    deadline = time.monotonic() + timeout_s
    while True:
        rows = await outbox(server)
        if predicate(rows) or time.monotonic() > deadline:
            return rows
        await asyncio.sleep(0.05)
