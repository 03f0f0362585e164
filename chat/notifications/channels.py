"""Delivery channels: e-mail over SMTP (aiosmtplib), SMS through a provider adapter (46elks'
REST API), Web Push with VAPID (pywebpush). Each raises :class:`DeliveryError` with a stable
code and never puts an address or a text in it (the code is what logs and admins see)."""

from __future__ import annotations

import asyncio
import base64
import json
import re
import uuid
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import formatdate, parseaddr
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

import aiohttp
import aiosmtplib

from chat.notifications import texts
from chat.notifications.models import NoticeReason


class DeliveryError(Exception):
    """A failed delivery: ``code`` is stable and free of personal data; ``permanent`` failures
    are not retried (a refused address, a gone push subscription)."""

    def __init__(self, code: str, *, permanent: bool = False) -> None:
        super().__init__(code)
        self.code = code[:60]
        self.permanent = permanent


@dataclass(frozen=True)
class PushTarget:
    endpoint: str
    p256dh: str
    auth: str


@dataclass(frozen=True)
class Delivery:
    notice_id: uuid.UUID
    address: str = ""  # e-mail address or phone number (E.164)
    subscriptions: tuple[PushTarget, ...] = ()
    reason: str = NoticeReason.MESSAGE  # picks the text (texts.notice_for)


@dataclass
class Outcome:
    gone: list[str] = field(default_factory=list)  # push endpoints to forget
    delivered: bool = True  # False: every push subscription was gone


class Sender(Protocol):
    name: str

    async def send(self, delivery: Delivery) -> Outcome: ...

    async def send_code(self, address: str, code: str) -> None: ...

    async def close(self) -> None: ...


# -- e-mail ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    use_tls: bool  # smtps://: TLS from the first byte
    start_tls: bool | None  # smtp+starttls://: required; smtp://: when the server offers it
    username: str | None
    password: str | None

    @classmethod
    def from_url(cls, url: str) -> SmtpSettings:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("smtp", "smtps", "smtp+starttls"):
            raise ValueError("NARA_SMTP_URL must start with smtp://, smtps:// or smtp+starttls://")
        if not parts.hostname:
            raise ValueError("NARA_SMTP_URL needs a host")
        default_port = {"smtp": 25, "smtps": 465, "smtp+starttls": 587}[scheme]
        return cls(
            host=parts.hostname,
            port=parts.port or default_port,
            use_tls=scheme == "smtps",
            start_tls=True if scheme == "smtp+starttls" else (None if scheme == "smtp" else False),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )


def _smtp_code(exc: Exception) -> DeliveryError:
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        codes = {r.code for r in exc.recipients}
        code = min(codes) if codes else 550
        return DeliveryError(f"smtp_{code}", permanent=500 <= code < 600)
    if isinstance(exc, aiosmtplib.SMTPAuthenticationError):
        return DeliveryError(f"smtp_auth_{exc.code}")
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return DeliveryError(f"smtp_{exc.code}", permanent=exc.code in (550, 551, 553))
    if isinstance(exc, aiosmtplib.SMTPTimeoutError | TimeoutError):
        return DeliveryError("smtp_timeout")
    if isinstance(exc, aiosmtplib.SMTPException | OSError):
        return DeliveryError("smtp_connection")
    return DeliveryError("smtp_error")


class EmailSender:
    """A few kept-open SMTP connections; a broken one is dropped and opened again."""

    name = "email"

    def __init__(
        self,
        settings: SmtpSettings,
        mail_from: str,
        *,
        public_url: str = "",
        connections: int = 2,
        timeout_s: float = 15.0,
    ) -> None:
        self.settings = settings
        self.mail_from = mail_from
        self.public_url = public_url
        self.timeout_s = timeout_s
        self._idle: asyncio.Queue[aiosmtplib.SMTP | None] = asyncio.Queue()
        for _ in range(max(1, connections)):
            self._idle.put_nowait(None)
        self._envelope_from = parseaddr(mail_from)[1] or "noreply@nara.invalid"
        self._domain = self._envelope_from.rsplit("@", 1)[-1] or "nara.invalid"
        self._templates: dict[str, bytes] = {}  # per kind of notice (texts.notice_for)

    def _message(self, to: str, subject: str, body: str, message_id: str) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = self.mail_from
        msg["To"] = to
        msg["Subject"] = subject
        msg["Date"] = formatdate(localtime=False)
        msg["Message-ID"] = message_id
        msg["Auto-Submitted"] = "auto-generated"
        msg.set_content(body)
        return msg

    def _template(self, reason: str) -> bytes:
        notice = texts.notice_for(reason)
        if notice.tag not in self._templates:
            msg = self._message(
                "to@placeholder.invalid",
                notice.title,
                texts.email_body(self.public_url, reason),
                "<id@placeholder.invalid>",
            )
            del msg["Date"]
            msg["Date"] = "DATE-PLACEHOLDER"
            self._templates[notice.tag] = msg.as_bytes(policy=SMTP_POLICY)
        return self._templates[notice.tag]

    def _notice_bytes(
        self, to: str, message_id: str, reason: str = NoticeReason.MESSAGE
    ) -> bytes:
        """A notice of one kind is the same for everyone: rendered once, then only To, Date
        and Message-ID change (the e-mail package's header objects cost milliseconds each)."""
        template = self._template(reason)
        if any(c in to for c in "\r\n<>,") or any(c in message_id for c in "\r\n"):
            raise DeliveryError("email_address_invalid", permanent=True)
        return (
            template.replace(b"to@placeholder.invalid", to.encode())
            .replace(b"<id@placeholder.invalid>", message_id.encode())
            .replace(b"DATE-PLACEHOLDER", formatdate(localtime=False).encode())
        )

    async def _connect(self) -> aiosmtplib.SMTP:
        s = self.settings
        client = aiosmtplib.SMTP(
            hostname=s.host,
            port=s.port,
            use_tls=s.use_tls,
            start_tls=s.start_tls,
            username=s.username,
            password=s.password,
            timeout=self.timeout_s,
        )
        await client.connect()
        return client

    async def _deliver(self, msg: EmailMessage | bytes, to: str) -> None:
        client = await self._idle.get()
        try:
            for attempt in (1, 2):
                try:
                    if client is None or not client.is_connected:
                        client = await self._connect()
                    if isinstance(msg, bytes):
                        await client.sendmail(self._envelope_from, [to], msg)
                    else:
                        await client.send_message(msg)
                    return
                except (aiosmtplib.SMTPServerDisconnected, ConnectionError) as exc:
                    # A kept-open connection the server closed: one fresh try.
                    client = None
                    if attempt == 2:
                        raise _smtp_code(exc) from None
                except Exception as exc:
                    if client is not None and not isinstance(
                        exc, aiosmtplib.SMTPRecipientsRefused | aiosmtplib.SMTPResponseException
                    ):
                        client.close()
                        client = None
                    raise _smtp_code(exc) from None
        finally:
            self._idle.put_nowait(client)

    async def send(self, delivery: Delivery) -> Outcome:
        # The Message-ID is the notice's: a re-delivery after a crash is the same message.
        message_id = f"<{delivery.notice_id}@{self._domain}>"
        raw = self._notice_bytes(delivery.address, message_id, delivery.reason)
        await self._deliver(raw, delivery.address)
        return Outcome()

    async def send_code(self, address: str, code: str) -> None:
        body = f"{texts.CODE_SV.format(code=code)}\n\n{texts.CODE_EN.format(code=code)}\n"
        message_id = f"<{uuid.uuid4()}@{self._domain}>"
        await self._deliver(self._message(address, texts.CODE_SUBJECT, body, message_id), address)

    async def close(self) -> None:
        while not self._idle.empty():
            client = self._idle.get_nowait()
            if client is not None and client.is_connected:
                try:
                    await asyncio.wait_for(client.quit(), 2)
                except Exception:
                    client.close()


# -- SMS -------------------------------------------------------------------------------------


class SmsProvider(Protocol):
    """One SMS gateway: send ``text`` to ``to`` (E.164), raise DeliveryError on failure."""

    async def send_sms(self, to: str, text: str) -> None: ...

    async def close(self) -> None: ...


class ElksSms:
    """46elks (``POST {base}/a1/sms``, form fields from/to/message, HTTP basic auth with the
    API username and password given as ``NARA_SMS_KEY=username:password``)."""

    def __init__(self, base_url: str, key: str, sender: str = "Nara", timeout_s: float = 15.0):
        user, _, password = key.partition(":")
        self.url = base_url.rstrip("/") + "/a1/sms"
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        self.headers = {"Authorization": f"Basic {token}"}
        self.sender = sender
        self.timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._session: aiohttp.ClientSession | None = None

    async def send_sms(self, to: str, text: str) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self.timeout)
        data = {"from": self.sender, "to": to, "message": text}
        try:
            async with self._session.post(self.url, data=data, headers=self.headers) as resp:
                await resp.read()
                if resp.status >= 300:
                    permanent = 400 <= resp.status < 500 and resp.status not in (408, 429)
                    raise DeliveryError(f"sms_http_{resp.status}", permanent=permanent)
        except TimeoutError:
            raise DeliveryError("sms_timeout") from None
        except aiohttp.ClientError:
            raise DeliveryError("sms_connection") from None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


_PHONE = re.compile(r"^\+[1-9]\d{7,14}$")


def normalize_phone(value: str) -> str | None:
    """A mobile number in E.164 (Swedish 07… becomes +467…); None when it is not one."""
    digits = re.sub(r"[\s\-()]", "", value)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    elif digits.startswith("0"):
        digits = "+46" + digits[1:]
    return digits if _PHONE.match(digits) else None


class SmsSender:
    name = "sms"

    def __init__(self, provider: SmsProvider) -> None:
        self.provider = provider

    async def send(self, delivery: Delivery) -> Outcome:
        await self.provider.send_sms(delivery.address, texts.sms_text(delivery.reason))
        return Outcome()

    async def send_code(self, address: str, code: str) -> None:
        await self.provider.send_sms(address, texts.CODE_SV.format(code=code))

    async def close(self) -> None:
        await self.provider.close()


# -- Web Push --------------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def generate_vapid_keys() -> tuple[str, str]:
    """(private, public): base64url raw P-256 private key and uncompressed public point, the
    form browsers take as ``applicationServerKey``."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_numbers().private_value.to_bytes(32, "big")
    public = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return _b64(private), _b64(public)


class PushSender:
    name = "push"

    def __init__(
        self, private_key: str, public_key: str, subject: str, timeout_s: float = 15.0
    ) -> None:
        from py_vapid import Vapid

        self.public_key = public_key
        self.subject = subject
        self.vapid = Vapid.from_string(private_key=private_key)
        self.timeout_s = timeout_s
        self._session: aiohttp.ClientSession | None = None

    async def _push(self, target: PushTarget, payload: str, topic: str) -> bool:
        """True when delivered; False when the subscription is gone (404/410)."""
        from pywebpush import WebPushException, webpush_async

        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        info: dict[str, Any] = {
            "endpoint": target.endpoint,
            "keys": {"p256dh": target.p256dh, "auth": target.auth},
        }
        try:
            await webpush_async(
                info,
                data=payload,
                vapid_private_key=self.vapid,
                vapid_claims={"sub": self.subject},
                ttl=24 * 3600,
                timeout=self.timeout_s,
                # The push service keeps one pending message per topic: a re-delivery of
                # the same notice replaces it instead of adding one.
                headers={"Topic": topic, "Urgency": "normal"},
                aiohttp_session=self._session,
            )
            return True
        except WebPushException as exc:
            status = _status(exc)
            if status in (404, 410):
                return False
            permanent = status is not None and 400 <= status < 500 and status not in (408, 429)
            raise DeliveryError(f"push_http_{status or 'error'}", permanent=permanent) from None
        except TimeoutError:
            raise DeliveryError("push_timeout") from None
        except aiohttp.ClientError:
            raise DeliveryError("push_connection") from None

    async def send(self, delivery: Delivery) -> Outcome:
        payload = json.dumps(texts.push_payload(delivery.reason), ensure_ascii=False)
        topic = delivery.notice_id.hex[:32]
        outcome = Outcome()
        failures: list[DeliveryError] = []
        delivered = 0
        for target in delivery.subscriptions:
            try:
                if await self._push(target, payload, topic):
                    delivered += 1
                else:
                    outcome.gone.append(target.endpoint)
            except DeliveryError as err:
                failures.append(err)
        if failures and not delivered:
            raise failures[0]
        outcome.delivered = delivered > 0
        return outcome

    async def send_code(self, address: str, code: str) -> None:
        raise DeliveryError("push_has_no_address", permanent=True)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


def _status(exc: Exception) -> int | None:
    response = getattr(exc, "response", None)
    for attr in ("status", "status_code"):
        value = getattr(response, attr, None)
        if isinstance(value, int):
            return value
    return None

