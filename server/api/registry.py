"""Declare an endpoint once: it is routed, validated and described in the OpenAPI document."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Generic, get_args, get_type_hints

from aiohttp import web
from pydantic import BaseModel, TypeAdapter, ValidationError
from typing_extensions import TypeVar

from chat.access import Actor
from chat.errors import ErrorCode, NaraError
from chat.service import Caller
from server.wire_json import WIRE_JSON

PREFIX = "/api/v1"
MAX_JSON_BYTES = 256 * 1024
_PATH_PARAM = re.compile(r"{(\w+)}")


# The parsed body and query of a route: ``Ctx[CreateThreadRequest, None]``,
# ``Ctx[None, HistoryQuery]``; a bare ``Ctx`` is for routes without either (both None).
BodyT = TypeVar("BodyT", default=None)
QueryT = TypeVar("QueryT", default=None)


@dataclass
class Ctx(Generic[BodyT, QueryT]):
    """What a handler gets: the request, the caller (if authenticated) and parsed input."""

    request: web.Request
    actor: Actor | None
    body: BodyT
    query: QueryT
    path: dict[str, uuid.UUID] = field(default_factory=dict)

    @property
    def caller(self) -> Caller:
        assert self.actor is not None
        return Caller(self.actor, self.request.remote)


Handler = Callable[[Ctx[Any, Any]], Awaitable[Any]]


@dataclass
class Endpoint:
    method: str
    path: str
    handler: Handler
    summary: str
    tag: str
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    response: Any
    status: int
    auth: bool
    # For bodies and answers that are not JSON: an OpenAPI requestBody, and a media type
    # (with binary content) for the success response.
    request_doc: dict[str, Any] | None = None
    response_media: tuple[str, ...] = ()


class Api:
    def __init__(self, actor_of: Callable[[web.Request], Actor | None]) -> None:
        self.endpoints: list[Endpoint] = []
        self._actor_of = actor_of

    def route(
        self,
        method: str,
        path: str,
        *,
        summary: str,
        tag: str,
        body: type[BaseModel] | None = None,
        query: type[BaseModel] | None = None,
        response: Any = None,
        status: int = 200,
        auth: bool = True,
        request_doc: dict[str, Any] | None = None,
        response_media: tuple[str, ...] = (),
    ) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            _check_ctx_type(handler, body, query)
            self.endpoints.append(
                Endpoint(
                    method,
                    path,
                    handler,
                    summary,
                    tag,
                    body,
                    query,
                    response,
                    status,
                    auth,
                    request_doc,
                    response_media,
                )
            )
            return handler

        return register

    def mount(self, app: web.Application) -> None:
        for ep in self.endpoints:
            app.router.add_route(ep.method, PREFIX + ep.path, self._wrap(ep))

    def _wrap(self, ep: Endpoint) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def handle(request: web.Request) -> web.StreamResponse:
            actor = self._actor_of(request)
            if ep.auth and actor is None:
                raise NaraError(ErrorCode.UNAUTHENTICATED, "log in first")
            path = _path_ids(request, ep.path)
            query = _validate(ep.query, dict(request.query)) if ep.query is not None else None
            body = _validate(ep.body, await _read_json(request)) if ep.body is not None else None
            result = await ep.handler(Ctx(request, actor, body, query, path))
            if isinstance(result, web.StreamResponse):
                return result
            if isinstance(result, BaseModel):  # pydantic writes the JSON itself (Rust)
                return web.json_response(text=result.model_dump_json(), status=ep.status)
            return web.json_response(_dump(result), status=ep.status, dumps=WIRE_JSON.dumps)

        return handle


def _check_ctx_type(
    handler: Handler, body: type[BaseModel] | None, query: type[BaseModel] | None
) -> None:
    """The handler's ``Ctx[Body, Query]`` must name the models the route parses, so what the
    type checker sees is what the handler gets."""
    try:
        declared = get_args(get_type_hints(handler).get("ctx"))
    except NameError:  # an annotation only a type checker can resolve
        return
    expected = (body or type(None), query or type(None))
    if declared and tuple(declared) != expected:
        raise TypeError(
            f"{handler.__name__}: declare ctx: Ctx[{_name(expected[0])}, {_name(expected[1])}]"
        )


def _name(tp: type) -> str:
    return "None" if tp is type(None) else tp.__name__


def _path_ids(request: web.Request, template: str) -> dict[str, uuid.UUID]:
    ids = {}
    for name in _PATH_PARAM.findall(template):
        try:
            ids[name] = uuid.UUID(request.match_info[name])
        except ValueError as exc:
            raise NaraError(ErrorCode.INVALID_REQUEST, f"{name} must be a UUID") from exc
    return ids


async def _read_json(request: web.Request) -> Any:
    if request.content_type != "application/json":
        raise NaraError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "send application/json")
    if request.content_length is not None and request.content_length > MAX_JSON_BYTES:
        raise NaraError(ErrorCode.PAYLOAD_TOO_LARGE, "the request body is too large")
    raw = await request.content.read(MAX_JSON_BYTES + 1)
    if len(raw) > MAX_JSON_BYTES:
        raise NaraError(ErrorCode.PAYLOAD_TOO_LARGE, "the request body is too large")
    try:
        return WIRE_JSON.loads(raw)  # orjson: UTF-8 only, as RFC 8259 asks
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise NaraError(ErrorCode.INVALID_JSON, "the body is not valid JSON") from exc


def _validate(model: type[BaseModel], data: Any) -> BaseModel:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc) from exc


def validation_error(exc: ValidationError) -> NaraError:
    # Never echo the input back: it may hold personal data. The code is pydantic's error type
    # (or a rule's own, e.g. "options_required"): clients show their own text for it.
    problems = [
        {
            "field": ".".join(str(p) for p in e["loc"]) or "(body)",
            "problem": e["msg"],
            "code": e["type"],
        }
        for e in exc.errors()
    ]
    return NaraError(
        ErrorCode.VALIDATION_FAILED, "the request is not valid", details={"errors": problems}
    )


def _dump(result: Any) -> Any:
    if isinstance(result, BaseModel):
        return result.model_dump(mode="json")
    if isinstance(result, list):
        return [_dump(r) for r in result]
    if isinstance(result, dict):
        return {k: _dump(v) for k, v in result.items()}
    return result


# -- OpenAPI --------------------------------------------------------------------------------

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "enum": [c.value for c in ErrorCode]},
                "message": {"type": "string"},
                "reason": {"type": "string"},
                "details": {"type": "object"},
            },
        }
    },
}


def openapi_document(api: Api, version: str) -> dict[str, Any]:
    components: dict[str, Any] = {"Error": ERROR_SCHEMA}
    paths: dict[str, Any] = {}
    for ep in api.endpoints:
        op: dict[str, Any] = {
            "summary": ep.summary,
            "tags": [ep.tag],
            "operationId": ep.handler.__name__,
            "parameters": _parameters(ep, components),
            "responses": {
                str(ep.status): _response(ep.response, components, ep.response_media),
                "default": {
                    "description": "error",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                },
            },
        }
        if ep.request_doc is not None:
            op["requestBody"] = ep.request_doc
        elif ep.body is not None:
            op["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": _schema(ep.body, components)}},
            }
        if ep.auth:
            op["security"] = [{"bearer": []}, {"cookie": []}]
        paths.setdefault(PREFIX + ep.path, {})[ep.method.lower()] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": "Nära API", "version": version},
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "cookie": {"type": "apiKey", "in": "cookie", "name": "nara_session"},
            },
        },
    }


def _schema(tp: Any, components: dict[str, Any]) -> dict[str, Any]:
    schema = TypeAdapter(tp).json_schema(ref_template="#/components/schemas/{model}")
    components.update(schema.pop("$defs", {}))
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        components[tp.__name__] = schema
        return {"$ref": f"#/components/schemas/{tp.__name__}"}
    return schema


def _response(tp: Any, components: dict[str, Any], media: tuple[str, ...] = ()) -> dict[str, Any]:
    if media:
        binary = {"schema": {"type": "string", "format": "binary"}}
        return {"description": "the file", "content": {m: binary for m in media}}
    if tp is None:
        return {"description": "no content"}
    return {
        "description": "success",
        "content": {"application/json": {"schema": _schema(tp, components)}},
    }


def _parameters(ep: Endpoint, components: dict[str, Any]) -> list[dict[str, Any]]:
    params: list[dict[str, Any]] = [
        {"name": n, "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}
        for n in _PATH_PARAM.findall(ep.path)
    ]
    if ep.query is not None:
        schema = ep.query.model_json_schema()
        required = set(schema.get("required", []))
        for name, prop in schema.get("properties", {}).items():
            params.append(
                {"name": name, "in": "query", "required": name in required, "schema": prop}
            )
    return params
