"""Case types (ärendetyper), invånarärenden and standard answers: parse, call the service."""

from __future__ import annotations

from typing import Any

from chat.case_types.templates import templates
from chat.case_types.views import (
    CaseFormView,
    CaseRequestView,
    CaseTypeView,
    StandardAnswerView,
    StartResult,
    TemplateView,
)
from chat.errors import ErrorCode, NaraError
from chat.views import SendResult
from server.api.case_type_schemas import (
    ActiveRequest,
    AnswerRequest,
    CaseTypeEdit,
    NewCaseType,
    PhoneHours,
    SendCaseType,
    StandardAnswerIn,
    StartCaseType,
)
from server.api.registry import Api, Ctx
from server.case_types import CASE_TYPES, STANDARD_ANSWERS


def register(api: Api) -> None:
    _case_types(api)
    _requests(api)
    _standard_answers(api)


def _case_types(api: Api) -> None:
    @api.route(
        "GET",
        "/case-type-templates",
        summary="The national case type templates units copy",
        tag="case types",
        response=list[TemplateView],
    )
    async def list_templates(ctx: Ctx) -> Any:
        return ctx.request.app[CASE_TYPES].templates(ctx.caller.actor)

    @api.route(
        "GET",
        "/units/{unit_id}/case-types",
        summary="The unit's case types, current versions (staff of the unit)",
        tag="case types",
        response=list[CaseTypeView],
    )
    async def unit_case_types(ctx: Ctx) -> Any:
        return await ctx.request.app[CASE_TYPES].unit_case_types(
            ctx.caller.actor, ctx.path["unit_id"]
        )

    @api.route(
        "POST",
        "/units/{unit_id}/case-types",
        summary="Create a case type, or copy a national template (unit administrators)",
        tag="case types",
        body=NewCaseType,
        response=CaseTypeView,
        status=201,
    )
    async def create_case_type(ctx: Ctx[NewCaseType, None]) -> Any:
        b: NewCaseType = ctx.body
        service = ctx.request.app[CASE_TYPES]
        unit_id = ctx.path["unit_id"]
        if b.definition is not None:
            template_key = b.template_key if b.template_key in templates() else None
            return await service.create(
                ctx.caller.actor,
                unit_id,
                b.key,
                b.definition,
                team_id=b.team_id,
                template_key=template_key,
            )
        if b.template_key is None:
            raise NaraError(ErrorCode.VALIDATION_FAILED, "give a definition or a template_key")
        return await service.copy_template(
            ctx.caller.actor, unit_id, b.template_key, key=b.key, team_id=b.team_id
        )

    @api.route(
        "GET",
        "/case-types/{case_type_id}",
        summary="A case type's current version and form",
        tag="case types",
        response=CaseTypeView,
    )
    async def get_case_type(ctx: Ctx) -> Any:
        return await ctx.request.app[CASE_TYPES].form(ctx.caller.actor, ctx.path["case_type_id"])

    @api.route(
        "PUT",
        "/case-types/{case_type_id}",
        summary="Edit a case type: a new version (threads keep theirs)",
        tag="case types",
        body=CaseTypeEdit,
        response=CaseTypeView,
    )
    async def edit_case_type(ctx: Ctx[CaseTypeEdit, None]) -> Any:
        b: CaseTypeEdit = ctx.body
        return await ctx.request.app[CASE_TYPES].update(
            ctx.caller.actor, ctx.path["case_type_id"], b.definition, team_id=b.team_id
        )

    @api.route(
        "POST",
        "/case-types/{case_type_id}/active",
        summary="Offer a case type, or withdraw it",
        tag="case types",
        body=ActiveRequest,
        response=CaseTypeView,
    )
    async def set_case_type_active(ctx: Ctx[ActiveRequest, None]) -> Any:
        return await ctx.request.app[CASE_TYPES].set_active(
            ctx.caller.actor, ctx.path["case_type_id"], ctx.body.active
        )

    @api.route(
        "GET",
        "/case-types/{case_type_id}/versions",
        summary="Every version of a case type, oldest first",
        tag="case types",
        response=list[CaseTypeView],
    )
    async def case_type_versions(ctx: Ctx) -> Any:
        return await ctx.request.app[CASE_TYPES].versions(
            ctx.caller.actor, ctx.path["case_type_id"]
        )

    @api.route(
        "GET",
        "/patients/{patient_id}/case-types",
        summary="Case types this patient may start (patient, guardian)",
        tag="case types",
        response=list[CaseTypeView],
    )
    async def available_case_types(ctx: Ctx) -> Any:
        return await ctx.request.app[CASE_TYPES].available(ctx.caller.actor, ctx.path["patient_id"])

    @api.route(
        "POST",
        "/case-types/{case_type_id}/threads",
        summary="Start a thread with a case type's form (answers checked per field)",
        tag="case types",
        body=StartCaseType,
        response=StartResult,
        status=201,
    )
    async def start_case_type(ctx: Ctx[StartCaseType, None]) -> Any:
        b: StartCaseType = ctx.body
        return await ctx.request.app[CASE_TYPES].start(
            ctx.caller,
            ctx.path["case_type_id"],
            patient_id=b.patient_id,
            answers=b.answers,
            client_id=b.client_id,
        )


def _requests(api: Api) -> None:
    @api.route(
        "POST",
        "/case-types/{case_type_id}/requests",
        summary="Send a case type to a patient (invånarärende), optionally for a meeting",
        tag="case types",
        body=SendCaseType,
        response=SendResult,
        status=201,
    )
    async def send_case_type(ctx: Ctx[SendCaseType, None]) -> Any:
        b: SendCaseType = ctx.body
        return await ctx.request.app[CASE_TYPES].send_request(
            ctx.caller,
            ctx.path["case_type_id"],
            patient_id=b.patient_id,
            client_id=b.client_id,
            team_id=b.team_id,
            meeting_id=b.meeting_id,
            planned_at=b.planned_at,
            note=b.note,
        )

    @api.route(
        "GET",
        "/case-requests",
        summary="Forms sent to me and the children I act for, with their state",
        tag="case types",
        response=list[CaseRequestView],
    )
    async def list_case_requests(ctx: Ctx) -> Any:
        return await ctx.request.app[CASE_TYPES].requests(ctx.caller.actor)

    @api.route(
        "POST",
        "/case-requests/{request_id}/answer",
        summary="Answer a sent form (files uploaded to its thread first)",
        tag="case types",
        body=AnswerRequest,
        response=StartResult,
        status=201,
    )
    async def answer_case_request(ctx: Ctx[AnswerRequest, None]) -> Any:
        b: AnswerRequest = ctx.body
        return await ctx.request.app[CASE_TYPES].answer_request(
            ctx.caller, ctx.path["request_id"], answers=b.answers, client_id=b.client_id
        )

    @api.route(
        "GET",
        "/threads/{thread_id}/case-form",
        summary="A thread's form (its version) and answers as a readable summary",
        tag="case types",
        response=CaseFormView,
    )
    async def thread_case_form(ctx: Ctx) -> Any:
        return await ctx.request.app[CASE_TYPES].thread_form(ctx.caller, ctx.path["thread_id"])


def _standard_answers(api: Api) -> None:
    @api.route(
        "GET",
        "/units/{unit_id}/standard-answers",
        summary="The unit's standard answers (staff of the unit)",
        tag="standard answers",
        response=list[StandardAnswerView],
    )
    async def list_standard_answers(ctx: Ctx) -> Any:
        return await ctx.request.app[STANDARD_ANSWERS].for_unit(
            ctx.caller.actor, ctx.path["unit_id"]
        )

    @api.route(
        "POST",
        "/units/{unit_id}/standard-answers",
        summary="Add a standard answer (unit administrators)",
        tag="standard answers",
        body=StandardAnswerIn,
        response=StandardAnswerView,
        status=201,
    )
    async def add_standard_answer(ctx: Ctx[StandardAnswerIn, None]) -> Any:
        b: StandardAnswerIn = ctx.body
        return await ctx.request.app[STANDARD_ANSWERS].save(
            ctx.caller.actor, ctx.path["unit_id"], b.title, b.body
        )

    @api.route(
        "PUT",
        "/units/{unit_id}/standard-answers/{answer_id}",
        summary="Change a standard answer (unit administrators)",
        tag="standard answers",
        body=StandardAnswerIn,
        response=StandardAnswerView,
    )
    async def edit_standard_answer(ctx: Ctx[StandardAnswerIn, None]) -> Any:
        b: StandardAnswerIn = ctx.body
        return await ctx.request.app[STANDARD_ANSWERS].save(
            ctx.caller.actor, ctx.path["unit_id"], b.title, b.body, ctx.path["answer_id"]
        )

    @api.route(
        "DELETE",
        "/units/{unit_id}/standard-answers/{answer_id}",
        summary="Remove a standard answer (unit administrators)",
        tag="standard answers",
        response=dict[str, bool],
    )
    async def delete_standard_answer(ctx: Ctx) -> Any:
        await ctx.request.app[STANDARD_ANSWERS].delete(
            ctx.caller.actor, ctx.path["unit_id"], ctx.path["answer_id"]
        )
        return {"deleted": True}

    @api.route(
        "GET",
        "/units/{unit_id}/phone-hours",
        summary="The unit's telephone hours (the {telefontider} placeholder)",
        tag="standard answers",
        response=PhoneHours,
    )
    async def get_phone_hours(ctx: Ctx) -> Any:
        text = await ctx.request.app[STANDARD_ANSWERS].phone_hours(
            ctx.caller.actor, ctx.path["unit_id"]
        )
        return PhoneHours(text=text)

    @api.route(
        "PUT",
        "/units/{unit_id}/phone-hours",
        summary="Set the unit's telephone hours (unit administrators)",
        tag="standard answers",
        body=PhoneHours,
        response=PhoneHours,
    )
    async def set_phone_hours(ctx: Ctx[PhoneHours, None]) -> Any:
        text = await ctx.request.app[STANDARD_ANSWERS].set_phone_hours(
            ctx.caller.actor, ctx.path["unit_id"], ctx.body.text
        )
        return PhoneHours(text=text)

    @api.route(
        "GET",
        "/threads/{thread_id}/standard-answers",
        summary="The unit's standard answers filled in for this thread's patient (staff)",
        tag="standard answers",
        response=list[StandardAnswerView],
    )
    async def thread_standard_answers(ctx: Ctx) -> Any:
        return await ctx.request.app[STANDARD_ANSWERS].for_thread(ctx.caller, ctx.path["thread_id"])
