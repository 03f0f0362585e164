"""A user's notification settings (channels, verified address and number, quiet hours, push
subscriptions) and the units' service levels and delivery status for administrators. Knows
nothing of HTTP."""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel

from chat import access
from chat.access import Actor
from chat.errors import ErrorCode, NaraError
from chat.models import utcnow
from chat.notifications.channels import DeliveryError, Sender, normalize_phone
from chat.notifications.followup import service_level
from chat.notifications.models import AddressVerification, Channel, NotificationPreference
from chat.promise import OpeningHours, parse_steps
from chat.storage import Database

log = logging.getLogger("nara.notify")
CODE_TTL = timedelta(minutes=15)
CODES_PER_HOUR = 5
CODE_ATTEMPTS = 5
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class NotificationSettingsView(BaseModel):
    available: list[str]  # channels this server can deliver on
    email: str | None
    email_verified: bool
    email_enabled: bool
    phone: str | None
    phone_verified: bool
    sms_enabled: bool
    push_enabled: bool
    push_subscriptions: int
    quiet_start: str | None
    quiet_end: str | None
    vapid_public_key: str | None
    pending_verification: list[str]  # channels with a code sent and not yet confirmed


class DeliveryStatusView(BaseModel):
    unit_id: uuid.UUID
    pending: int
    retrying: int  # pending after at least one failed attempt
    failed: int  # gave up
    sent_last_24h: int
    last_error: str | None  # a stable code, e.g. smtp_550, sms_http_503, push_timeout
    last_error_at: datetime | None


class ServiceLevelView(BaseModel):
    unit_id: uuid.UUID
    opening_hours: list[dict[str, str]]
    escalation: list[dict[str, Any]]
    default: bool


def _hash(verification_id: uuid.UUID, code: str) -> str:
    return hashlib.sha256(f"{verification_id}:{code}".encode()).hexdigest()


class NotificationService:
    def __init__(
        self,
        db: Database,
        senders: Mapping[str, Sender],
        *,
        vapid_public_key: str | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.senders = dict(senders)
        self.vapid_public_key = vapid_public_key
        self.clock = clock

    # -- the user's own settings ---------------------------------------------------------

    async def settings(self, actor: Actor) -> NotificationSettingsView:
        async with self.db.read() as store:
            pref = await store.notifications.preference(actor.user_id)
            subs = await store.notifications.subscriptions(actor.user_id)
            pending = []
            for channel in (Channel.EMAIL, Channel.SMS):
                v = await store.notifications.latest_verification(actor.user_id, channel)
                if v is not None and v.expires_at > self.clock():
                    pending.append(channel.value)
        return self._view(pref, len(subs), pending)

    def _view(
        self, pref: NotificationPreference | None, subs: int, pending: list[str]
    ) -> NotificationSettingsView:
        p = pref or NotificationPreference()
        return NotificationSettingsView(
            available=sorted(self.senders),
            email=p.email,
            email_verified=p.email_verified_at is not None and p.email is not None,
            email_enabled=bool(p.email_enabled),
            phone=p.phone,
            phone_verified=p.phone_verified_at is not None and p.phone is not None,
            sms_enabled=bool(p.sms_enabled),
            push_enabled=bool(p.push_enabled),
            push_subscriptions=subs,
            quiet_start=p.quiet_start,
            quiet_end=p.quiet_end,
            vapid_public_key=self.vapid_public_key if "push" in self.senders else None,
            pending_verification=pending,
        )

    async def update(
        self,
        actor: Actor,
        *,
        email_enabled: bool | None = None,
        sms_enabled: bool | None = None,
        push_enabled: bool | None = None,
        quiet_hours: tuple[str | None, str | None] | None = None,
    ) -> NotificationSettingsView:
        if quiet_hours is not None:
            start, end = quiet_hours
            if (start is None) != (end is None):
                raise NaraError(ErrorCode.VALIDATION_FAILED, "give both ends of the quiet hours")
            for value in (start, end):
                if value is not None and not _HHMM.match(value):
                    raise NaraError(ErrorCode.VALIDATION_FAILED, "quiet hours are HH:MM")
        async with self.db.write() as store:
            pref = await store.notifications.preference_for_update(actor.user_id)
            if email_enabled is not None:
                if email_enabled and pref.email_verified_at is None:
                    raise NaraError(
                        ErrorCode.VALIDATION_FAILED,
                        "verify an e-mail address first",
                        reason="not_verified",
                    )
                pref.email_enabled = email_enabled
            if sms_enabled is not None:
                if sms_enabled and pref.phone_verified_at is None:
                    raise NaraError(
                        ErrorCode.VALIDATION_FAILED,
                        "verify a mobile number first",
                        reason="not_verified",
                    )
                pref.sms_enabled = sms_enabled
            if push_enabled is not None:
                pref.push_enabled = push_enabled
            if quiet_hours is not None:
                pref.quiet_start, pref.quiet_end = quiet_hours
            pref.updated_at = self.clock()
        return await self.settings(actor)

    async def start_verification(
        self, actor: Actor, channel: str, address: str
    ) -> NotificationSettingsView:
        """Send a six-digit code to the address; it becomes the user's when confirmed."""
        if channel == Channel.EMAIL:
            address = address.strip()
            if len(address) > 254 or not _EMAIL.match(address):
                raise NaraError(ErrorCode.VALIDATION_FAILED, "not an e-mail address")
        elif channel == Channel.SMS:
            phone = normalize_phone(address)
            if phone is None:
                raise NaraError(ErrorCode.VALIDATION_FAILED, "not a mobile number")
            address = phone
        else:
            raise NaraError(ErrorCode.VALIDATION_FAILED, "codes go by e-mail or SMS")
        sender = self.senders.get(channel)
        if sender is None:
            raise NaraError(
                ErrorCode.VALIDATION_FAILED,
                "this server does not send on that channel",
                reason="channel_unavailable",
            )
        now = self.clock()
        code = f"{secrets.randbelow(1_000_000):06d}"
        async with self.db.write() as store:
            if (
                await store.notifications.verifications_since(
                    actor.user_id, now - timedelta(hours=1)
                )
                >= CODES_PER_HOUR
            ):
                raise NaraError(ErrorCode.RATE_LIMITED, "too many codes; try again later")
            # Older codes stay (they count towards the limit) but only the newest is valid.
            verification = AddressVerification(
                id=uuid.uuid4(),
                user_id=actor.user_id,
                channel=channel,
                address=address,
                attempts=0,
                created_at=now,
                expires_at=now + CODE_TTL,
            )
            verification.code_hash = _hash(verification.id, code)
            store.notifications.add(verification)
        try:
            await sender.send_code(address, code)
        except DeliveryError as err:
            log.warning("verification code not sent", extra={"channel": channel, "error": err.code})
            raise NaraError(
                ErrorCode.CONFLICT, "the code could not be sent; try again", reason="not_sent"
            ) from None
        return await self.settings(actor)

    async def confirm(self, actor: Actor, channel: str, code: str) -> NotificationSettingsView:
        now = self.clock()
        async with self.db.write() as store:
            v = await store.notifications.latest_verification(actor.user_id, channel)
            if v is None or v.expires_at <= now or v.attempts >= CODE_ATTEMPTS:
                raise NaraError(
                    ErrorCode.VALIDATION_FAILED,
                    "no valid code; ask for a new one",
                    reason="code_expired",
                )
            if not hmac.compare_digest(v.code_hash, _hash(v.id, code.strip())):
                v.attempts += 1
                wrong = True
            else:
                wrong = False
                pref = await store.notifications.preference_for_update(actor.user_id)
                if channel == Channel.EMAIL:
                    pref.email, pref.email_verified_at, pref.email_enabled = v.address, now, True
                else:
                    pref.phone, pref.phone_verified_at, pref.sms_enabled = v.address, now, True
                pref.updated_at = now
                v.expires_at = now  # used: kept (it counts towards the hourly limit)
        if wrong:  # the attempt is counted (committed) before answering
            raise NaraError(ErrorCode.VALIDATION_FAILED, "wrong code", reason="code_wrong")
        return await self.settings(actor)

    async def remove_address(self, actor: Actor, channel: str) -> NotificationSettingsView:
        async with self.db.write() as store:
            pref = await store.notifications.preference_for_update(actor.user_id)
            if channel == Channel.EMAIL:
                pref.email = pref.email_verified_at = None
                pref.email_enabled = False
            elif channel == Channel.SMS:
                pref.phone = pref.phone_verified_at = None
                pref.sms_enabled = False
            else:
                raise NaraError(ErrorCode.VALIDATION_FAILED, "e-mail or sms")
            pref.updated_at = self.clock()
        return await self.settings(actor)

    async def subscribe(
        self, actor: Actor, endpoint: str, p256dh: str, auth: str
    ) -> NotificationSettingsView:
        if "push" not in self.senders:
            raise NaraError(
                ErrorCode.VALIDATION_FAILED, "web push is off here", reason="channel_unavailable"
            )
        if not endpoint.startswith(("https://", "http://")):
            raise NaraError(ErrorCode.VALIDATION_FAILED, "the endpoint must be a URL")
        async with self.db.write() as store:
            await store.notifications.save_subscription(
                actor.user_id, endpoint, p256dh, auth, self.clock()
            )
            pref = await store.notifications.preference_for_update(actor.user_id)
            pref.push_enabled = True
            pref.updated_at = self.clock()
        return await self.settings(actor)

    async def unsubscribe(self, actor: Actor, endpoint: str) -> NotificationSettingsView:
        async with self.db.write() as store:
            await store.notifications.delete_subscription(endpoint, actor.user_id)
        return await self.settings(actor)

    # -- unit administrators ---------------------------------------------------------------

    async def delivery_status(self, actor: Actor, unit_id: uuid.UUID) -> DeliveryStatusView:
        access.require_unit_admin(actor, unit_id)
        async with self.db.read() as store:
            status = await store.notifications.unit_status(
                unit_id, self.clock() - timedelta(hours=24)
            )
        return DeliveryStatusView(
            unit_id=unit_id,
            pending=status.pending,
            retrying=status.retrying,
            failed=status.failed,
            sent_last_24h=status.sent,
            last_error=status.last_error,
            last_error_at=status.last_error_at,
        )

    async def service_level(self, actor: Actor, unit_id: uuid.UUID) -> ServiceLevelView:
        if unit_id not in actor.unit_ids:
            raise NaraError(ErrorCode.NOT_FOUND, "unit not found")
        async with self.db.read() as store:
            row = await store.notifications.service_level(unit_id)
            opening, steps = await service_level(store, unit_id)
        return ServiceLevelView(
            unit_id=unit_id,
            opening_hours=opening.to_json(),
            escalation=[s.to_json() for s in steps],
            default=row is None,
        )

    async def set_service_level(
        self,
        actor: Actor,
        unit_id: uuid.UUID,
        opening_hours: list[dict[str, str]] | None,
        escalation: list[dict[str, Any]] | None,
    ) -> ServiceLevelView:
        access.require_unit_admin(actor, unit_id)
        try:
            OpeningHours.from_json(opening_hours)
            parse_steps(escalation)
        except (ValueError, KeyError, TypeError) as exc:
            raise NaraError(ErrorCode.VALIDATION_FAILED, str(exc) or "invalid") from None
        async with self.db.write() as store:
            if escalation:
                for step in escalation:
                    target = str(step["target"])
                    if target.startswith("team:"):
                        key = target.split(":", 1)[1]
                        if await store.directory.team_by_key(unit_id, key) is None:
                            raise NaraError(
                                ErrorCode.VALIDATION_FAILED, "every team must belong to the unit"
                            )
            row = await store.notifications.service_level_for_update(unit_id)
            row.opening_hours = opening_hours or None
            row.escalation = escalation
            row.updated_at = self.clock()
        return await self.service_level(actor, unit_id)
