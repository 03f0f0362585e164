"""Patientdatalagen over REST: the unit's access log and reviews, the patient's own log extract
(JSON and PDF), spärr and emergency access. The rules are in chat/pdl.py and chat/access.py."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from aiohttp import web
from pydantic import AfterValidator, Field, StringConstraints

from chat.pdl import MAX_PAGE, LogQuery
from chat.views import (
    AccessLogView,
    BlockView,
    LogReviewList,
    LogReviewView,
    PatientLogPage,
    ThreadView,
)
from server.api.registry import Api, Ctx
from server.api.schemas import Strict
from server.keys import PDL
from server.log_pdf import render_log_extract

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def _local(value: datetime | None) -> datetime | None:
    """A time without a zone (or a bare date) is Swedish local time."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=STOCKHOLM)
    return value


When = Annotated[datetime | None, AfterValidator(_local)]
Limit = Annotated[int, Field(ge=1, le=MAX_PAGE)]
Cursor = Annotated[int, Field(ge=1)]


class LogFilterFields(Strict):
    patient_id: uuid.UUID | None = None
    staff_user_id: uuid.UUID | None = None
    since: When = None  # inclusive
    until: When = None  # exclusive
    flagged: bool | None = None

    def log_query(self) -> LogQuery:
        return LogQuery(
            patient_id=self.patient_id,
            staff_user_id=self.staff_user_id,
            since=self.since,
            until=self.until,
            flagged=self.flagged,
        )


class AccessLogQuery(LogFilterFields):
    before_id: Cursor | None = None
    limit: Limit = 100


class ReviewRequest(LogFilterFields):
    findings: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000)
    ]


class PageQuery(Strict):
    before_id: Cursor | None = None
    limit: Limit = 100


class BlockRequest(Strict):
    blocked: bool


class EmergencyRequest(Strict):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=10, max_length=1000)]


def register(api: Api) -> None:
    @api.route(
        "GET",
        "/units/{unit_id}/access-log",
        summary="The unit's access log, newest first; filters; the next page's before_id is "
        "in the X-Next-Before-Id header (unit administrators)",
        tag="admin",
        query=AccessLogQuery,
        response=list[AccessLogView],
    )
    async def access_log(ctx: Ctx[None, AccessLogQuery]) -> web.StreamResponse:
        q: AccessLogQuery = ctx.query
        page = await ctx.request.app[PDL].unit_log(
            ctx.caller, ctx.path["unit_id"], q.log_query(), before_id=q.before_id, limit=q.limit
        )
        headers = {"Cache-Control": "no-store"}
        if page.next_before_id is not None:
            headers["X-Next-Before-Id"] = str(page.next_before_id)
        body = [e.model_dump(mode="json") for e in page.entries]
        return web.json_response(body, headers=headers)

    @api.route(
        "POST",
        "/units/{unit_id}/log-reviews",
        summary="Record a review of the access log: the sample (filter) and the findings",
        tag="admin",
        body=ReviewRequest,
        response=LogReviewView,
        status=201,
    )
    async def add_review(ctx: Ctx[ReviewRequest, None]) -> Any:
        b: ReviewRequest = ctx.body
        return await ctx.request.app[PDL].add_review(
            ctx.caller, ctx.path["unit_id"], b.log_query(), b.findings
        )

    @api.route(
        "GET",
        "/units/{unit_id}/log-reviews",
        summary="The unit's log reviews and its emergency overrides (flagged rows)",
        tag="admin",
        response=LogReviewList,
    )
    async def list_reviews(ctx: Ctx) -> Any:
        return await ctx.request.app[PDL].reviews(ctx.caller, ctx.path["unit_id"])

    @api.route(
        "GET",
        "/patients/{patient_id}/access-log",
        summary="My log extract: which care units and staff read my data, and when",
        tag="patients",
        query=PageQuery,
        response=PatientLogPage,
    )
    async def patient_log(ctx: Ctx[None, PageQuery]) -> Any:
        q: PageQuery = ctx.query
        return await ctx.request.app[PDL].patient_log(
            ctx.caller, ctx.path["patient_id"], before_id=q.before_id, limit=q.limit
        )

    @api.route(
        "GET",
        "/patients/{patient_id}/access-log.pdf",
        summary="My whole log extract as a PDF",
        tag="patients",
        response_media=("application/pdf",),
    )
    async def patient_log_pdf(ctx: Ctx) -> web.StreamResponse:
        name, entries = await ctx.request.app[PDL].patient_log_all(
            ctx.caller, ctx.path["patient_id"]
        )
        pdf = await asyncio.to_thread(render_log_extract, name, entries, datetime.now(STOCKHOLM))
        return web.Response(
            body=pdf,
            content_type="application/pdf",
            headers={
                "Content-Disposition": 'attachment; filename="loggutdrag.pdf"',
                "Cache-Control": "private, no-store",
                "X-Content-Type-Options": "nosniff",
            },
        )

    @api.route(
        "GET",
        "/patients/{patient_id}/blocks",
        summary="Care units that hold my information, and which I have blocked (spärr)",
        tag="patients",
        response=list[BlockView],
    )
    async def blocks(ctx: Ctx) -> Any:
        return await ctx.request.app[PDL].blocks(ctx.caller, ctx.path["patient_id"])

    @api.route(
        "PUT",
        "/patients/{patient_id}/blocks/{unit_id}",
        summary="Block one care unit's information from other units, or lift the block",
        tag="patients",
        body=BlockRequest,
        response=list[BlockView],
    )
    async def set_block(ctx: Ctx[BlockRequest, None]) -> Any:
        return await ctx.request.app[PDL].set_block(
            ctx.caller, ctx.path["patient_id"], ctx.path["unit_id"], ctx.body.blocked
        )

    @api.route(
        "POST",
        "/threads/{thread_id}/emergency-access",
        summary="Emergency access to blocked information, with a stated reason (logged, "
        "flagged for review)",
        tag="staff",
        body=EmergencyRequest,
        response=ThreadView,
    )
    async def emergency_access(ctx: Ctx[EmergencyRequest, None]) -> Any:
        return await ctx.request.app[PDL].emergency_access(
            ctx.caller, ctx.path["thread_id"], ctx.body.reason
        )
