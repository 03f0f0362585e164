"""Notification settings of the logged-in user, push subscriptions, and for unit
administrators the delivery status and the unit's service level (opening hours, escalation)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from chat.notifications.preferences import (
    DeliveryStatusView,
    NotificationService,
    NotificationSettingsView,
    ServiceLevelView,
)
from server.api.registry import Api, Ctx
from server.api.schemas import Strict

HHMM = Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]


class QuietHours(Strict):
    start: HHMM
    end: HHMM


class SettingsRequest(Strict):
    email_enabled: bool | None = None
    sms_enabled: bool | None = None
    push_enabled: bool | None = None
    # null turns quiet hours off; absent leaves them as they are.
    quiet_hours: QuietHours | None = Field(default=None)


class VerifyRequest(Strict):
    channel: Literal["email", "sms"]
    address: Annotated[str, StringConstraints(min_length=3, max_length=254)]


class ConfirmRequest(Strict):
    channel: Literal["email", "sms"]
    code: Annotated[str, StringConstraints(pattern=r"^\s*\d{6}\s*$")]


class RemoveAddressRequest(Strict):
    channel: Literal["email", "sms"]


class PushKeys(Strict):
    p256dh: Annotated[str, StringConstraints(min_length=20, max_length=200)]
    auth: Annotated[str, StringConstraints(min_length=8, max_length=100)]


class PushSubscriptionRequest(Strict):
    endpoint: Annotated[str, StringConstraints(min_length=10, max_length=2000)]
    keys: PushKeys
    expirationTime: float | None = None  # noqa: N815 (the browser's PushSubscription.toJSON)


class PushUnsubscribeRequest(Strict):
    endpoint: Annotated[str, StringConstraints(min_length=10, max_length=2000)]


class OpeningPeriod(Strict):
    day: Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    opens: HHMM
    closes: HHMM


class EscalationStepIn(Strict):
    target: Annotated[str, StringConstraints(pattern=r"^(coordinator|team|triage|team:[\w\-]+)$")]
    after_minutes: Annotated[int, Field(ge=0, le=60 * 24 * 30)] = 0


class ServiceLevelRequest(Strict):
    opening_hours: list[OpeningPeriod] = Field(default_factory=list, max_length=50)
    # Absent or null: the default steps (chat/promise.py); an empty list: no escalation.
    escalation: list[EscalationStepIn] | None = Field(default=None, max_length=10)


def _notify(ctx: Ctx[Any, Any]) -> NotificationService:
    from server.notify_worker import NOTIFY

    return ctx.request.app[NOTIFY]


def register(api: Api) -> None:
    @api.route(
        "GET",
        "/me/notifications",
        summary="My notification settings and the channels this server offers",
        tag="notifications",
        response=NotificationSettingsView,
    )
    async def get_settings(ctx: Ctx) -> NotificationSettingsView:
        return await _notify(ctx).settings(ctx.caller.actor)

    @api.route(
        "PUT",
        "/me/notifications",
        summary="Turn channels on or off, set or clear quiet hours (local time)",
        tag="notifications",
        body=SettingsRequest,
        response=NotificationSettingsView,
    )
    async def put_settings(ctx: Ctx[SettingsRequest, None]) -> NotificationSettingsView:
        body: SettingsRequest = ctx.body
        quiet: tuple[str | None, str | None] | None = None
        if "quiet_hours" in body.model_fields_set:
            quiet = (
                (body.quiet_hours.start, body.quiet_hours.end)
                if body.quiet_hours
                else (
                    None,
                    None,
                )
            )
        return await _notify(ctx).update(
            ctx.caller.actor,
            email_enabled=body.email_enabled,
            sms_enabled=body.sms_enabled,
            push_enabled=body.push_enabled,
            quiet_hours=quiet,
        )

    @api.route(
        "POST",
        "/me/notifications/verify",
        summary="Send a six-digit code to an e-mail address or mobile number",
        tag="notifications",
        body=VerifyRequest,
        response=NotificationSettingsView,
    )
    async def verify(ctx: Ctx[VerifyRequest, None]) -> NotificationSettingsView:
        return await _notify(ctx).start_verification(
            ctx.caller.actor, ctx.body.channel, ctx.body.address
        )

    @api.route(
        "POST",
        "/me/notifications/confirm",
        summary="Confirm the code: the address is verified and its channel turned on",
        tag="notifications",
        body=ConfirmRequest,
        response=NotificationSettingsView,
    )
    async def confirm(ctx: Ctx[ConfirmRequest, None]) -> NotificationSettingsView:
        return await _notify(ctx).confirm(
            ctx.caller.actor, ctx.body.channel, ctx.body.code
        )

    @api.route(
        "POST",
        "/me/notifications/remove-address",
        summary="Forget my e-mail address or mobile number (its channel is turned off)",
        tag="notifications",
        body=RemoveAddressRequest,
        response=NotificationSettingsView,
    )
    async def remove_address(ctx: Ctx[RemoveAddressRequest, None]) -> NotificationSettingsView:
        return await _notify(ctx).remove_address(
            ctx.caller.actor, ctx.body.channel
        )

    @api.route(
        "POST",
        "/me/push-subscriptions",
        summary="Register this browser's Web Push subscription (turns Web Push on)",
        tag="notifications",
        body=PushSubscriptionRequest,
        response=NotificationSettingsView,
    )
    async def subscribe(ctx: Ctx[PushSubscriptionRequest, None]) -> NotificationSettingsView:
        body: PushSubscriptionRequest = ctx.body
        return await _notify(ctx).subscribe(
            ctx.caller.actor, body.endpoint, body.keys.p256dh, body.keys.auth
        )

    @api.route(
        "POST",
        "/me/push-subscriptions/remove",
        summary="Forget this browser's Web Push subscription",
        tag="notifications",
        body=PushUnsubscribeRequest,
        response=NotificationSettingsView,
    )
    async def unsubscribe(ctx: Ctx[PushUnsubscribeRequest, None]) -> NotificationSettingsView:
        return await _notify(ctx).unsubscribe(
            ctx.caller.actor, ctx.body.endpoint
        )

    @api.route(
        "GET",
        "/units/{unit_id}/notifications/status",
        summary="Delivery of the unit's notices: pending, retrying, failed, last error code",
        tag="admin",
        response=DeliveryStatusView,
    )
    async def status(ctx: Ctx) -> DeliveryStatusView:
        return await _notify(ctx).delivery_status(
            ctx.caller.actor, ctx.path["unit_id"]
        )

    @api.route(
        "GET",
        "/units/{unit_id}/service-level",
        summary="The unit's opening hours and escalation steps",
        tag="staff",
        response=ServiceLevelView,
    )
    async def get_service_level(ctx: Ctx) -> ServiceLevelView:
        return await _notify(ctx).service_level(
            ctx.caller.actor, ctx.path["unit_id"]
        )

    @api.route(
        "PUT",
        "/units/{unit_id}/service-level",
        summary="Replace the opening hours (empty: Mon–Fri 08–17) and escalation steps",
        tag="admin",
        body=ServiceLevelRequest,
        response=ServiceLevelView,
    )
    async def put_service_level(ctx: Ctx[ServiceLevelRequest, None]) -> ServiceLevelView:
        body: ServiceLevelRequest = ctx.body
        return await _notify(ctx).set_service_level(
            ctx.caller.actor,
            ctx.path["unit_id"],
            [p.model_dump() for p in body.opening_hours],
            [s.model_dump() for s in body.escalation] if body.escalation is not None else None,
        )
