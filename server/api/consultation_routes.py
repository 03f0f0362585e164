"""The staff directory, patient search, consultations and inbox search."""

from __future__ import annotations

from typing import Any

from chat.case_types.views import ConsultationView, PatientHit, StaffEntry
from chat.views import ThreadView
from server.api.case_type_schemas import (
    ConsultationRequest,
    InboxQuery,
    PatientQuery,
    StaffQuery,
)
from server.api.registry import Api, Ctx
from server.api.schemas import ThreadList
from server.case_types import CONSULTATIONS, STAFF_DIRECTORY


def register(api: Api) -> None:
    @api.route(
        "GET",
        "/directory/staff",
        summary="Find colleagues by name, profession or unit, in every organisation",
        tag="staff",
        query=StaffQuery,
        response=list[StaffEntry],
    )
    async def directory_staff(ctx: Ctx[None, StaffQuery]) -> Any:
        q: StaffQuery = ctx.query
        return await ctx.request.app[STAFF_DIRECTORY].staff(
            ctx.caller.actor, q.q, q.profession, q.unit_id
        )

    @api.route(
        "GET",
        "/directory/patients",
        summary="Find a patient I have a care relation with, by name or personnummer (logged)",
        tag="staff",
        query=PatientQuery,
        response=list[PatientHit],
    )
    async def directory_patients(ctx: Ctx[None, PatientQuery]) -> Any:
        return await ctx.request.app[STAFF_DIRECTORY].patients(ctx.caller, ctx.query.q)

    @api.route(
        "GET",
        "/inbox/search",
        summary="Search my inbox by patient name or subject, case type and status (logged)",
        tag="staff",
        query=InboxQuery,
        response=ThreadList,
    )
    async def inbox_search(ctx: Ctx[None, InboxQuery]) -> Any:
        q: InboxQuery = ctx.query
        threads = await ctx.request.app[STAFF_DIRECTORY].search_threads(
            ctx.caller, text=q.q, case_type=q.case_type, status=q.status
        )
        return ThreadList(threads=threads)

    @api.route(
        "POST",
        "/threads/{thread_id}/consultations",
        summary="Open a staff-only consultation about this thread with colleagues",
        tag="staff",
        body=ConsultationRequest,
        response=ConsultationView,
        status=201,
    )
    async def open_consultation(ctx: Ctx[ConsultationRequest, None]) -> Any:
        b: ConsultationRequest = ctx.body
        return await ctx.request.app[CONSULTATIONS].open(
            ctx.caller,
            ctx.path["thread_id"],
            user_ids=b.user_ids,
            subject=b.subject,
            body=b.message.body,
            client_id=b.message.client_id,
        )

    @api.route(
        "GET",
        "/threads/{thread_id}/consultations",
        summary="Consultations opened from this thread that I take part in",
        tag="staff",
        response=list[ThreadView],
    )
    async def list_consultations(ctx: Ctx) -> Any:
        return await ctx.request.app[CONSULTATIONS].of_thread(ctx.caller, ctx.path["thread_id"])
