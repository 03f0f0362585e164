"""Login, logout and who am I."""

from __future__ import annotations

from aiohttp import web

from chat.presenters import people
from chat.service import today
from chat.views import PersonView
from server.api.registry import Api, Ctx
from server.api.schemas import LoginRequest, LoginResponse, MeResponse
from server.auth import invalid_credentials
from server.keys import CONFIG, DB, IDENTITY, SESSIONS, THROTTLE
from server.security import COOKIE_NAME, bearer_or_cookie, client_address


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
    async def login(ctx: Ctx) -> web.Response:
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
        resp.set_cookie(
            COOKIE_NAME,
            issued.token,
            httponly=True,
            samesite="Strict",
            path="/",
            secure=app[CONFIG].cookie_secure,
            max_age=int(app[SESSIONS].ttl.total_seconds()),
        )
        return resp

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
