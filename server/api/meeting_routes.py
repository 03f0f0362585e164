"""Video meetings over REST: book or start, invite, look up. Signaling is on /video."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Annotated, Any

from pydantic import BaseModel, Field, StringConstraints

from server.api.registry import Api, Ctx
from server.api.schemas import Strict
from server.keys import CONFIG, MEETINGS
from signaling.meetings import MeetingView


class CreateMeetingRequest(Strict):
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    thread_id: uuid.UUID | None = None
    scheduled_at: datetime | None = None
    member_ids: list[uuid.UUID] = Field(default_factory=list, max_length=16)


class InviteRequest(Strict):
    guest_name: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)
    ]
    ttl_minutes: Annotated[int, Field(ge=5, le=7 * 24 * 60)] = 24 * 60


class InviteOut(BaseModel):
    token: str
    url: str
    expires_at: datetime


class MemberRequest(Strict):
    user_id: uuid.UUID


class ThreadMeetingsQuery(Strict):
    thread_id: uuid.UUID | None = None


def register(api: Api) -> None:
    @api.route(
        "POST",
        "/meetings",
        summary="Book a meeting, or start one now (no time)",
        tag="video",
        body=CreateMeetingRequest,
        response=MeetingView,
        status=201,
    )
    async def create_meeting(ctx: Ctx[CreateMeetingRequest, None]) -> Any:
        b: CreateMeetingRequest = ctx.body
        view = await ctx.request.app[MEETINGS].create(
            ctx.caller.actor,
            title=b.title,
            thread_id=b.thread_id,
            scheduled_at=b.scheduled_at,
            member_ids=b.member_ids,
        )
        return view

    @api.route(
        "GET",
        "/meetings",
        summary="Meetings of a thread; without thread_id, those for me not ended yet (inbox)",
        tag="video",
        query=ThreadMeetingsQuery,
        response=list[MeetingView],
    )
    async def list_meetings(ctx: Ctx[None, ThreadMeetingsQuery]) -> Any:
        meetings, thread_id = ctx.request.app[MEETINGS], ctx.query.thread_id
        if thread_id is None:
            views = await meetings.active_for(ctx.caller.actor)
        else:
            views = await meetings.for_thread(ctx.caller.actor, thread_id)
        return views

    @api.route(
        "GET",
        "/meetings/{meeting_id}",
        summary="One meeting and my role in it",
        tag="video",
        response=MeetingView,
    )
    async def get_meeting(ctx: Ctx) -> Any:
        view = await ctx.request.app[MEETINGS].get(ctx.caller.actor, ctx.path["meeting_id"])
        return view

    @api.route(
        "POST",
        "/meetings/{meeting_id}/members",
        summary="Invite another profession (hosts)",
        tag="video",
        body=MemberRequest,
        status=204,
    )
    async def add_member(ctx: Ctx[MemberRequest, None]) -> Any:
        from aiohttp import web

        await ctx.request.app[MEETINGS].add_member(
            ctx.caller.actor, ctx.path["meeting_id"], ctx.body.user_id
        )
        return web.Response(status=204)

    @api.route(
        "POST",
        "/meetings/{meeting_id}/invites",
        summary="A single-use guest link that expires (hosts)",
        tag="video",
        body=InviteRequest,
        response=InviteOut,
        status=201,
    )
    async def invite(ctx: Ctx[InviteRequest, None]) -> Any:
        b: InviteRequest = ctx.body
        mid = ctx.path["meeting_id"]
        token, expires = await ctx.request.app[MEETINGS].invite_guest(
            ctx.caller.actor, mid, b.guest_name, timedelta(minutes=b.ttl_minutes)
        )
        # Behind a TLS proxy the request's own scheme and host are internal: prefer the config.
        base = ctx.request.app[CONFIG].public_url or f"{ctx.request.scheme}://{ctx.request.host}"
        url = f"{base}/#/video/{mid}?invite={token}"
        return InviteOut(token=token, url=url, expires_at=expires)
