"""Typed boundaries: every route names the models it parses in its ``Ctx[Body, Query]``, a
mismatch is refused when the route is declared, and the document the TypeScript types are
generated from is the one the server serves."""

from __future__ import annotations

import json
from typing import get_args, get_type_hints

import pytest
from pydantic import BaseModel

from server.api import build_api
from server.api.openapi_dump import document_json
from server.api.registry import Api, Ctx
from server.security import actor_of


def test_every_route_with_input_declares_its_ctx_types() -> None:
    bare = []
    for ep in build_api().endpoints:
        declared = get_args(get_type_hints(ep.handler)["ctx"])
        if (ep.body or ep.query) and not declared:
            bare.append(f"{ep.method} {ep.path}")
    assert bare == []


class Body(BaseModel):
    text: str


def test_a_ctx_that_does_not_match_the_route_is_refused() -> None:
    api = Api(actor_of)
    with pytest.raises(TypeError, match=r"declare ctx: Ctx\[Body, None\]"):

        @api.route("POST", "/x", summary="x", tag="x", body=Body)
        async def wrong(ctx: Ctx[None, Body]) -> None:
            return None


async def test_the_dumped_document_is_the_served_one(server) -> None:
    served = await server.anonymous().ok("GET", "/api/v1/openapi.json")
    assert json.loads(document_json()) == served
