"""The REST API under /api/v1."""

from __future__ import annotations

from server.api import (
    alert_routes,
    attachment_routes,
    auth_routes,
    case_type_routes,
    chat_routes,
    consultation_routes,
    meeting_routes,
    notification_routes,
    pdl_routes,
    staff_routes,
)
from server.api.registry import Api, Ctx, openapi_document
from server.security import actor_of


def build_api() -> Api:
    api = Api(actor_of)
    for module in (
        auth_routes,
        chat_routes,
        staff_routes,
        pdl_routes,
        alert_routes,
        attachment_routes,
        meeting_routes,
        notification_routes,
        case_type_routes,
        consultation_routes,
    ):
        module.register(api)

    @api.route(
        "GET", "/health", summary="Liveness", tag="meta", response=dict[str, str], auth=False
    )
    async def health(ctx: Ctx) -> dict[str, str]:
        return {"status": "ok"}

    @api.route(
        "GET",
        "/openapi.json",
        summary="This document",
        tag="meta",
        response=dict[str, object],
        auth=False,
    )
    async def openapi(ctx: Ctx) -> dict[str, object]:
        from server import __version__

        return openapi_document(api, __version__)

    return api
