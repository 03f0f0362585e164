"""Login, logout and who am I."""

from __future__ import annotations

import logging
import re
import secrets
import uuid

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from chat.errors import ErrorCode, NaraError
from chat.presenters import people
from chat.service import today
from chat.views import PersonView
from server.api.registry import PREFIX, Api, Ctx
from server.api.schemas import LoginRequest, LoginResponse, MeResponse
from server.auth import IssuedSession, invalid_credentials
from server.keys import CONFIG, DB, IDENTITY, SESSIONS, THROTTLE
from server.oidc import LoginRefused
from server.oidc_login import BROWSER_COOKIE, OIDC, OidcLogin
from server.security import COOKIE_NAME, bearer_or_cookie, client_address, origin_allowed
from server.throttle import RateLimited

log = logging.getLogger("nara.login")
OIDC_PATH = "/auth/oidc"
_BROWSER = re.compile(r"[A-Za-z0-9_\-]{43}")


class AuthMethods(BaseModel):
    password: bool = True
    oidc: bool


class OidcStart(BaseModel):
    authorization_url: str


class OidcCallbackQuery(BaseModel):
    """The provider's answer (RFC 6749 4.1.2, RFC 9207 ``iss``); other parameters are ignored."""

    model_config = ConfigDict(extra="ignore")
    state: str | None = Field(None, max_length=200)
    code: str | None = Field(None, max_length=2000)
    error: str | None = Field(None, max_length=200)
    iss: str | None = Field(None, max_length=500)


def register(api: Api) -> None:
    @api.route(
        "POST",
        "/auth/login",
        summary="Log in; returns a bearer token and sets a cookie (429 after too many failures)",
        tag="auth",
        body=LoginRequest,
        response=LoginResponse,
        auth=False,
    )
    async def login(ctx: Ctx[LoginRequest, None]) -> web.Response:
        app = ctx.request.app
        address = client_address(ctx.request, app[CONFIG].proxy_hops)
        async with app[THROTTLE].attempt(ctx.body.username, address) as attempt:
            user_id = await app[IDENTITY].authenticate(ctx.body.username, ctx.body.password)
            attempt.succeeded = user_id is not None
        if user_id is None:
            raise invalid_credentials()
        issued = await app[SESSIONS].issue(user_id)
        async with app[DB].read() as store:
            person = (await people(store, {user_id}))[user_id]
        body = LoginResponse(token=issued.token, expires_at=issued.expires_at, user=person)
        resp = web.json_response(body.model_dump(mode="json"))
        _set_session_cookie(resp, app, issued)
        return resp

    _register_oidc(api)

    @api.route("POST", "/auth/logout", summary="End the session", tag="auth", status=204)
    async def logout(ctx: Ctx) -> web.Response:
        token = bearer_or_cookie(ctx.request)
        if token:
            await ctx.request.app[SESSIONS].revoke(token)
        resp = web.Response(status=204)
        resp.del_cookie(COOKIE_NAME, path="/")
        return resp

    @api.route(
        "GET", "/me", summary="The logged-in user and their scope", tag="auth", response=MeResponse
    )
    async def me(ctx: Ctx) -> MeResponse:
        a = ctx.caller.actor
        async with ctx.request.app[DB].read() as store:
            user = (await people(store, {a.user_id}))[a.user_id]
            patients = []
            if not a.is_staff:
                own = await store.directory.patient(a.own_patient_id) if a.own_patient_id else None
                wards = await store.directory.wards(a.user_id, today())
                patients = [
                    PersonView(id=p.id, name=p.name, kind="patient")
                    for p in ([own] if own else []) + wards
                ]
        return MeResponse(
            user=user,
            patients=patients,
            team_ids=sorted(a.team_ids),
            unit_ids=sorted(a.unit_ids),
            admin_unit_ids=sorted(a.admin_unit_ids),
        )


def _set_session_cookie(
    resp: web.StreamResponse, app: web.Application, issued: IssuedSession
) -> None:
    resp.set_cookie(
        COOKIE_NAME,
        issued.token,
        httponly=True,
        samesite="Strict",
        path="/",
        secure=app[CONFIG].cookie_secure,
        max_age=int(app[SESSIONS].ttl.total_seconds()),
    )


def _oidc(app: web.Application) -> OidcLogin:
    if OIDC not in app:
        raise NaraError(ErrorCode.NOT_FOUND, "OpenID Connect login is not configured")
    return app[OIDC]


def _redirect_uri(request: web.Request) -> str:
    config = request.app[CONFIG]
    if config.oidc_redirect_url:
        return config.oidc_redirect_url
    base = config.public_url or f"{request.scheme}://{request.host}"
    return base + PREFIX + OIDC_PATH + "/callback"


def _back_to_login(reason: str | None = None, retry_after: int | None = None) -> web.Response:
    """Browsers come back to the web client: logged in, or told why not (login page)."""
    location = "/" if reason is None else f"/?login_error={reason}"
    resp = web.Response(status=303, headers={"Location": location})
    if retry_after is not None:
        resp.headers["Retry-After"] = str(retry_after)
    resp.del_cookie(BROWSER_COOKIE, path=PREFIX + OIDC_PATH)
    return resp


def _register_oidc(api: Api) -> None:
    @api.route(
        "GET",
        "/auth/methods",
        summary="How one can log in here (the web client shows the e-legitimation button)",
        tag="auth",
        response=AuthMethods,
        auth=False,
    )
    async def auth_methods(ctx: Ctx) -> AuthMethods:
        return AuthMethods(oidc=OIDC in ctx.request.app)

    @api.route(
        "POST",
        OIDC_PATH + "/start",
        summary="Start an OpenID Connect login: where to send the browser (429 when limited)",
        tag="auth",
        response=OidcStart,
        auth=False,
    )
    async def oidc_start(ctx: Ctx) -> web.Response:
        request, app = ctx.request, ctx.request.app
        login = _oidc(app)
        config = app[CONFIG]
        if not origin_allowed(request.headers.get("Origin"), request.host, config.allowed_origins):
            raise NaraError(ErrorCode.FORBIDDEN, "foreign origin")
        address = client_address(request, config.proxy_hops)
        browser = request.cookies.get(BROWSER_COOKIE, "")
        if not _BROWSER.fullmatch(browser):
            browser = secrets.token_urlsafe(32)
        # Refused while the address is limited; a start alone is never counted as a failure.
        async with app[THROTTLE].attempt(f"oidc-start:{uuid.uuid4()}", address):
            url = await login.begin(browser, _redirect_uri(request))
        resp = web.json_response(OidcStart(authorization_url=url).model_dump())
        resp.set_cookie(
            BROWSER_COOKIE,
            browser,
            httponly=True,
            samesite="Lax",  # it must come back on the provider's redirect (a top-level GET)
            path=PREFIX + OIDC_PATH,
            secure=config.cookie_secure,
            max_age=config.oidc_login_ttl_s,
        )
        return resp

    @api.route(
        "GET",
        OIDC_PATH + "/callback",
        summary="The provider sends the browser back here; 303 to the web client, "
        "with ?login_error=<reason> when the login was refused",
        tag="auth",
        query=OidcCallbackQuery,
        status=303,
        auth=False,
    )
    async def oidc_callback(ctx: Ctx[None, OidcCallbackQuery]) -> web.Response:
        request, app = ctx.request, ctx.request.app
        login = _oidc(app)
        address = client_address(request, app[CONFIG].proxy_hops)
        query: OidcCallbackQuery = ctx.query
        try:
            async with app[THROTTLE].attempt(f"oidc:{uuid.uuid4()}", address) as attempt:
                try:
                    user_id = await login.complete(
                        query.model_dump(), request.cookies.get(BROWSER_COOKIE)
                    )
                except LoginRefused as refused:
                    # An outage is not a guess: only refusals count against the address.
                    attempt.succeeded = None if refused.reason == "provider_unavailable" else False
                    raise
                attempt.succeeded = True
        except RateLimited as limited:
            return _back_to_login("rate_limited", limited.retry_after)
        except LoginRefused as refused:
            log.info("oidc login refused", extra={"reason": refused.reason})
            return _back_to_login(refused.reason)
        issued = await app[SESSIONS].issue(user_id)
        log.info("oidc login", extra={"user_id": str(user_id)})
        resp = _back_to_login()
        _set_session_cookie(resp, app, issued)
        return resp
