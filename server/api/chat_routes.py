"""Threads and messages: parse, authorise through the service, answer."""

from __future__ import annotations

from typing import Any

from chat.service import NewMessage
from chat.views import CareContactView, MessageView, ReadMarkView, SendResult, ThreadView
from server.api.registry import Api, Ctx
from server.api.schemas import (
    CreateThreadRequest,
    HistoryQuery,
    MessageIn,
    ReadRequest,
    ReadResponse,
    ThreadList,
    ThreadListQuery,
    UnreadResponse,
)
from server.keys import CHAT, DIRECTORY


def new_message(m: MessageIn) -> NewMessage:
    return NewMessage(
        client_id=m.client_id,
        body=m.body,
        kind=m.kind,
        attachment_ids=tuple(m.attachment_ids),
        request_files=m.request_files,
    )


def register(api: Api) -> None:
    @api.route(
        "GET",
        "/care-contacts",
        summary="My fixed care contacts (and my children's)",
        tag="threads",
        response=list[CareContactView],
    )
    async def list_care_contacts(ctx: Ctx) -> Any:
        return await ctx.request.app[DIRECTORY].care_contacts(ctx.caller.actor)

    @api.route(
        "GET",
        "/threads",
        summary="Threads I may see, newest first, with unread counts",
        tag="threads",
        query=ThreadListQuery,
        response=ThreadList,
    )
    async def list_threads(ctx: Ctx[None, ThreadListQuery]) -> ThreadList:
        threads = await ctx.request.app[CHAT].list_threads(ctx.caller, ctx.query.status)
        return ThreadList(threads=threads)

    @api.route(
        "POST",
        "/threads",
        summary="Start a thread with its first message",
        tag="threads",
        body=CreateThreadRequest,
        response=SendResult,
        status=201,
    )
    async def create_thread(ctx: Ctx[CreateThreadRequest, None]) -> SendResult:
        b: CreateThreadRequest = ctx.body
        return await ctx.request.app[CHAT].create_thread(
            ctx.caller,
            patient_id=b.patient_id,
            subject=b.subject,
            first=new_message(b.message),
            care_contact_id=b.care_contact_id,
            team_id=b.team_id,
            case_type=b.case_type,
            patient_visible=b.patient_visible,
        )

    @api.route(
        "GET", "/threads/{thread_id}", summary="One thread", tag="threads", response=ThreadView
    )
    async def get_thread(ctx: Ctx) -> ThreadView:
        return await ctx.request.app[CHAT].get_thread(ctx.caller, ctx.path["thread_id"])

    @api.route(
        "GET",
        "/threads/{thread_id}/messages",
        summary="History: the latest page, a page before a seq, or all after a seq",
        tag="threads",
        query=HistoryQuery,
        response=list[MessageView],
    )
    async def list_messages(ctx: Ctx[None, HistoryQuery]) -> list[MessageView]:
        q: HistoryQuery = ctx.query
        return await ctx.request.app[CHAT].history(
            ctx.caller,
            ctx.path["thread_id"],
            after_seq=q.after_seq,
            before_seq=q.before_seq,
            limit=q.limit,
            after_patient_seq=q.after_patient_seq,
        )

    @api.route(
        "POST",
        "/threads/{thread_id}/messages",
        summary="Send a message; idempotent on client_id",
        tag="threads",
        body=MessageIn,
        response=SendResult,
        status=201,
    )
    async def send_message(ctx: Ctx[MessageIn, None]) -> SendResult:
        return await ctx.request.app[CHAT].send(
            ctx.caller, ctx.path["thread_id"], new_message(ctx.body)
        )

    @api.route(
        "POST",
        "/threads/{thread_id}/read",
        summary="Mark read up to a sequence number",
        tag="threads",
        body=ReadRequest,
        response=ReadResponse,
    )
    async def mark_read(ctx: Ctx[ReadRequest, None]) -> ReadResponse:
        tid = ctx.path["thread_id"]
        seq = await ctx.request.app[CHAT].mark_read(ctx.caller, tid, ctx.body.seq)
        return ReadResponse(thread_id=tid, seq=seq)

    @api.route(
        "GET",
        "/threads/{thread_id}/read-marks",
        summary="How far each participant has read (read receipts)",
        tag="threads",
        response=list[ReadMarkView],
    )
    async def read_marks(ctx: Ctx) -> list[ReadMarkView]:
        return await ctx.request.app[CHAT].read_marks(ctx.caller, ctx.path["thread_id"])

    @api.route(
        "GET",
        "/unread",
        summary="Unread counts in total and per thread",
        tag="threads",
        response=UnreadResponse,
    )
    async def unread(ctx: Ctx) -> Any:
        return await ctx.request.app[CHAT].unread_total(ctx.caller)
