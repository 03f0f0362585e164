"""Acute alerts of my units: list the open ones, acknowledge one."""

from __future__ import annotations

from chat.views import AlertView
from server.api.registry import Api, Ctx
from server.keys import ALERTS


def register(api: Api) -> None:
    @api.route(
        "GET",
        "/alerts",
        summary="Open acute alerts of my units, the longest waiting first",
        tag="staff",
        response=list[AlertView],
    )
    async def list_alerts(ctx: Ctx) -> list[AlertView]:
        return await ctx.request.app[ALERTS].open_alerts(ctx.caller)

    @api.route(
        "POST",
        "/alerts/{alert_id}/ack",
        summary="Acknowledge an acute alert (recorded in the thread; once)",
        tag="staff",
        response=AlertView,
    )
    async def acknowledge_alert(ctx: Ctx) -> AlertView:
        return await ctx.request.app[ALERTS].acknowledge(ctx.caller, ctx.path["alert_id"])
