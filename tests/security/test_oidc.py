"""Logging in through OpenID Connect, against a real provider (panva's oidc-provider) started on
loopback: authorization code flow with PKCE, state and nonce, the ID token checked for issuer,
audience, expiry and signature (the provider's JWKS); the identity claim names a patient (a
personnummer) or a staff member (an HSA-id); everything else is refused with a reason."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import aiohttp
import pytest

from server.demo import pnr
from server.keys import DB
from server.oidc_login import link_staff
from tests.support.clients import ApiClient
from tests.support.oidc import HSA_CLAIM, PNR_CLAIM, OidcSetup, at_provider, oidc_server

pytestmark = pytest.mark.slow

BERTIL = pnr("19410603234").replace("-", "")  # as brokers send it: 12 digits
SARA_HSA = "SE2321000065-N7SARA"
ACCOUNTS: dict[str, dict[str, Any]] = {
    "bertil-bankid": {PNR_CLAIM: BERTIL, "name": "Bertil Nilsson"},
    "sara-siths": {HSA_CLAIM: SARA_HSA, PNR_CLAIM: pnr("19800101001").replace("-", "")},
    "stranger": {PNR_CLAIM: pnr("19900202002").replace("-", ""), "name": "Stina Främling"},
    "unlinked-staff": {HSA_CLAIM: "SE2321000065-N7NOBODY"},
    "bad-number": {PNR_CLAIM: "194106032340"},
    "no-identity": {"name": "Ingen Identitet"},
}


class Browser:
    """A browser's part: its own cookie jar, Nära's web client calls and the redirects."""

    def __init__(self, base_url: str) -> None:
        self.api = ApiClient(base_url)
        self.base_url = base_url

    @property
    def session(self) -> aiohttp.ClientSession:
        return self.api.session

    async def start(self) -> str:
        status, body = await self.api.post("/api/v1/auth/oidc/start")
        assert status == 200, body
        return str(body["authorization_url"])

    async def come_back(self, callback_url: str) -> tuple[str, aiohttp.ClientResponse]:
        """Follow the provider's redirect to Nära; returns (Location, response)."""
        async with self.session.get(callback_url, allow_redirects=False) as resp:
            assert resp.status == 303, (resp.status, await resp.text())
            return resp.headers["Location"], resp

    async def login(self, account: str, tamper: dict[str, str] | None = None) -> str:
        """The whole login; returns where Nära sent the browser at the end."""
        url = await self.start()
        if tamper:
            url = _with_params(url, tamper)
        callback = await at_provider(self.session, url, account)
        location, _ = await self.come_back(callback)
        return location

    async def me(self) -> tuple[int, Any]:
        return await self.api.get("/api/v1/me")

    async def close(self) -> None:
        await self.api.close()


def _with_params(url: str, changes: dict[str, str]) -> str:
    parts = urlsplit(url)
    params = dict(parse_qsl(parts.query))
    params.update(changes)
    return urlunsplit(parts._replace(query=urlencode(params)))


def _refused(location: str) -> str | None:
    return dict(parse_qsl(urlsplit(location).query)).get("login_error")


@pytest.fixture
async def oidc(base_config, db_template):
    async with oidc_server(base_config, db_template.demo, ACCOUNTS) as setup:
        yield setup


@pytest.fixture
async def browser(oidc: OidcSetup):
    b = Browser(oidc.server.base_url)
    yield b
    await b.close()


async def test_the_server_says_whether_oidc_is_configured(server, oidc: OidcSetup):
    plain = server.anonymous()
    assert await plain.ok("GET", "/api/v1/auth/methods") == {"password": True, "oidc": False}
    status, body = await plain.post("/api/v1/auth/oidc/start")
    assert status == 404 and body["error"]["code"] == "not_found"
    configured = oidc.server.anonymous()
    assert await configured.ok("GET", "/api/v1/auth/methods") == {"password": True, "oidc": True}


async def test_a_patient_logs_in_and_gets_an_ordinary_session(browser: Browser):
    url = await browser.start()
    params = dict(parse_qsl(urlsplit(url).query))
    assert params["code_challenge_method"] == "S256" and len(params["code_challenge"]) == 43
    assert params["state"] and params["nonce"] and params["response_type"] == "code"
    callback = await at_provider(browser.session, url, "bertil-bankid")
    location, resp = await browser.come_back(callback)
    assert location == "/"
    assert resp.cookies["nara_session"]["samesite"] == "Strict"
    assert resp.cookies["nara_session"]["httponly"]
    status, me = await browser.me()
    assert status == 200 and me["user"]["name"] == "Bertil Nilsson"
    assert me["user"]["kind"] == "patient" and me["patients"][0]["name"] == "Bertil Nilsson"
    # Revocation as today: logout ends it.
    assert (await browser.api.post("/api/v1/auth/logout"))[0] == 204
    assert (await browser.me())[0] == 401


async def test_a_staff_member_logs_in_with_an_hsa_id(oidc: OidcSetup, browser: Browser):
    # What `nara oidc link-staff sara <hsa-id>` does; stored upper-case, as HSA writes it.
    await link_staff(oidc.server.app[DB], "sara", SARA_HSA.lower())
    assert await browser.login("sara-siths") == "/"
    status, me = await browser.me()
    assert status == 200 and me["user"]["kind"] == "staff"
    assert me["user"]["id"] == str(oidc.server.demo.users["sara"])
    assert me["team_ids"]


async def test_a_wrong_state_is_refused(browser: Browser):
    url = await browser.start()
    callback = await at_provider(browser.session, url, "bertil-bankid")
    forged = _with_params(callback, {"state": "x" * 43})
    location, resp = await browser.come_back(forged)
    assert _refused(location) == "state_mismatch"
    assert "nara_session" not in resp.cookies
    assert (await browser.me())[0] == 401


async def test_another_browser_cannot_finish_my_login(oidc: OidcSetup, browser: Browser):
    """Login CSRF: the state is bound to the browser that started the login."""
    url = await browser.start()
    callback = await at_provider(browser.session, url, "bertil-bankid")
    victim = Browser(oidc.server.base_url)
    try:
        location, _ = await victim.come_back(callback)
        assert _refused(location) == "state_mismatch"
        assert (await victim.me())[0] == 401
    finally:
        await victim.close()


async def test_a_replayed_code_is_refused(browser: Browser):
    url = await browser.start()
    callback = await at_provider(browser.session, url, "bertil-bankid")
    assert (await browser.come_back(callback))[0] == "/"
    await browser.api.post("/api/v1/auth/logout")
    # The same answer again: its login was finished.
    assert _refused((await browser.come_back(callback))[0]) == "state_mismatch"
    # The old code under a fresh state of this browser: the provider refuses the used code.
    fresh = dict(parse_qsl(urlsplit(await browser.start()).query))["state"]
    replay = _with_params(callback, {"state": fresh})
    assert _refused((await browser.come_back(replay))[0]) == "code_refused"
    assert (await browser.me())[0] == 401


async def test_a_wrong_nonce_is_refused(browser: Browser):
    """The nonce in the ID token must be the one this login sent."""
    location = await browser.login("bertil-bankid", tamper={"nonce": "n" * 43})
    assert _refused(location) == "id_token_nonce"
    assert (await browser.me())[0] == 401


async def test_a_pkce_verifier_mismatch_is_refused(browser: Browser):
    """Someone else's code challenge: our verifier does not fit, the provider refuses."""
    other = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    location = await browser.login("bertil-bankid", tamper={"code_challenge": other})
    assert _refused(location) == "code_refused"
    assert (await browser.me())[0] == 401


@pytest.mark.parametrize(
    ("faults", "reason"),
    [
        ({"token_clock_skew_s": -7200}, "id_token_expired"),
        ({"jwks_mismatch": True}, "id_token_signature"),
    ],
)
async def test_an_expired_or_wrongly_signed_id_token_is_refused(
    base_config, db_template, faults, reason
):
    async with oidc_server(base_config, db_template.demo, ACCOUNTS, faults=faults) as setup:
        browser = Browser(setup.server.base_url)
        try:
            assert _refused(await browser.login("bertil-bankid")) == reason
            assert (await browser.me())[0] == 401
        finally:
            await browser.close()


@pytest.mark.parametrize(
    ("account", "reason"),
    [
        ("stranger", "unknown_identity"),
        ("unlinked-staff", "unknown_identity"),
        ("bad-number", "invalid_identity"),
        ("no-identity", "missing_identity"),
    ],
)
async def test_an_identity_without_a_login_is_refused(browser: Browser, account, reason):
    assert _refused(await browser.login(account)) == reason
    assert (await browser.me())[0] == 401


async def test_a_deactivated_login_is_refused(oidc: OidcSetup, browser: Browser):
    from server.keys import SESSIONS

    await oidc.server.app[SESSIONS].deactivate(oidc.server.demo.users["bertil"])
    assert _refused(await browser.login("bertil-bankid")) == "unknown_identity"


async def test_patient_logins_are_created_only_when_configured(base_config, db_template):
    async with oidc_server(
        base_config, db_template.demo, ACCOUNTS, oidc_create_patients=True
    ) as setup:
        browser = Browser(setup.server.base_url)
        try:
            assert await browser.login("stranger") == "/"
            status, me = await browser.me()
            assert status == 200 and me["user"]["kind"] == "patient"
            assert me["user"]["name"] == "Stina Främling"
            assert [p["name"] for p in me["patients"]] == ["Stina Främling"]
        finally:
            await browser.close()
        # Staff are never created: an unknown HSA-id stays refused.
        colleague = Browser(setup.server.base_url)
        try:
            assert _refused(await colleague.login("unlinked-staff")) == "unknown_identity"
        finally:
            await colleague.close()


async def test_oidc_logins_are_rate_limited_per_address(base_config, db_template):
    async with oidc_server(
        base_config, db_template.demo, ACCOUNTS, login_failures_per_address=3
    ) as setup:
        browser = Browser(setup.server.base_url)
        try:
            for _ in range(3):
                assert _refused(await browser.login("stranger")) == "unknown_identity"
            status, body = await browser.api.post("/api/v1/auth/oidc/start")
            assert status == 429 and body["error"]["code"] == "rate_limited"
            location, resp = await browser.come_back(
                setup.server.base_url + "/api/v1/auth/oidc/callback?state=x&code=y"
            )
            assert _refused(location) == "rate_limited"
            assert int(resp.headers["Retry-After"]) >= 1
        finally:
            await browser.close()


async def test_a_start_from_a_foreign_origin_is_refused(browser: Browser):
    status, body = await browser.api.post(
        "/api/v1/auth/oidc/start", headers={"Origin": "https://evil.example"}
    )
    assert status == 403 and body["error"]["code"] == "forbidden"
