"""Staff actions on threads and unit administration (the access log: pdl_routes.py)."""

from __future__ import annotations

from typing import Any

from chat.views import TeamView, ThreadView
from server.api.registry import Api, Ctx
from server.api.schemas import (
    AssignRequest,
    AttachmentsSettingRequest,
    ParticipantRequest,
    RoutingTableRequest,
    StatusRequest,
    TransferRequest,
)
from server.keys import DIRECTORY, MANAGEMENT


def register(api: Api) -> None:
    @api.route(
        "POST",
        "/threads/{thread_id}/assign",
        summary="Assign (or unassign) a team member",
        tag="staff",
        body=AssignRequest,
        response=ThreadView,
    )
    async def assign(ctx: Ctx[AssignRequest, None]) -> ThreadView:
        return await ctx.request.app[MANAGEMENT].assign(
            ctx.caller, ctx.path["thread_id"], ctx.body.assignee_id
        )

    @api.route(
        "POST",
        "/threads/{thread_id}/transfer",
        summary="Move to another team (recorded as a routing correction)",
        tag="staff",
        body=TransferRequest,
        response=ThreadView,
    )
    async def transfer(ctx: Ctx[TransferRequest, None]) -> ThreadView:
        return await ctx.request.app[MANAGEMENT].transfer(
            ctx.caller, ctx.path["thread_id"], ctx.body.team_id, ctx.body.category
        )

    @api.route(
        "POST",
        "/threads/{thread_id}/status",
        summary="Open, wait for patient, or close",
        tag="staff",
        body=StatusRequest,
        response=ThreadView,
    )
    async def set_status(ctx: Ctx[StatusRequest, None]) -> ThreadView:
        return await ctx.request.app[MANAGEMENT].set_status(
            ctx.caller, ctx.path["thread_id"], ctx.body.status
        )

    @api.route(
        "POST",
        "/threads/{thread_id}/attachments-setting",
        summary="Allow or refuse patient attachments in this thread",
        tag="staff",
        body=AttachmentsSettingRequest,
        response=ThreadView,
    )
    async def set_attachments(ctx: Ctx[AttachmentsSettingRequest, None]) -> ThreadView:
        return await ctx.request.app[MANAGEMENT].set_attachments(
            ctx.caller, ctx.path["thread_id"], ctx.body.allowed
        )

    @api.route(
        "POST",
        "/threads/{thread_id}/participants",
        summary="Add a staff member, also from another organisation",
        tag="staff",
        body=ParticipantRequest,
        response=ThreadView,
    )
    async def add_participant(ctx: Ctx[ParticipantRequest, None]) -> ThreadView:
        return await ctx.request.app[MANAGEMENT].add_participant(
            ctx.caller, ctx.path["thread_id"], ctx.body.user_id
        )

    @api.route(
        "GET", "/teams", summary="Teams of my units", tag="staff", response=list[TeamView]
    )
    async def teams(ctx: Ctx) -> list[TeamView]:
        return await ctx.request.app[DIRECTORY].teams(ctx.caller.actor)

    @api.route(
        "GET",
        "/units/{unit_id}/routing-table",
        summary="Category to team, for routing new threads",
        tag="admin",
        response=dict[str, str],
    )
    async def get_routing(ctx: Ctx) -> Any:
        return await ctx.request.app[DIRECTORY].routing_table(ctx.caller.actor, ctx.path["unit_id"])

    @api.route(
        "PUT",
        "/units/{unit_id}/routing-table",
        summary="Replace the routing table",
        tag="admin",
        body=RoutingTableRequest,
        response=dict[str, str],
    )
    async def put_routing(ctx: Ctx[RoutingTableRequest, None]) -> Any:
        return await ctx.request.app[DIRECTORY].set_routing_table(
            ctx.caller.actor, ctx.path["unit_id"], ctx.body.rules
        )
