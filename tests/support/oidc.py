"""A real OpenID Connect provider for the tests (panva's oidc-provider under Node.js, from
tests/support/oidc_provider, installed by scripts/setup-oidc-provider.sh), a Nära server
configured to log in through it, and the steps a browser takes at the provider."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import re
import shutil
import socket
import subprocess
import tempfile
from collections.abc import AsyncIterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp import web

from server.app import create_app
from server.config import Config
from tests.conftest import RunningServer

ROOT = Path(__file__).resolve().parents[2]
PROVIDER_DIR = ROOT / "tests" / "support" / "oidc_provider"
SETUP = ROOT / "scripts" / "setup-oidc-provider.sh"
CLIENT_ID = "nara-test"
CLIENT_SECRET = "nara-test-client-secret-0123456789"
PNR_CLAIM = "https://id.oidc.se/claim/personalIdentityNumber"
PNR_SCOPE = "https://id.oidc.se/scope/naturalPersonNumber"
HSA_CLAIM = "employeeHsaId"
HSA_SCOPE = "nara-staff"
SCOPES = {PNR_SCOPE: [PNR_CLAIM], HSA_SCOPE: [HSA_CLAIM]}
_LISTENING = re.compile(r"listening (http://\S+)")


def ensure_installed() -> None:
    """npm ci the provider once (the project's script); fail clearly without Node.js."""
    if (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        return
    if shutil.which("node") is None or shutil.which("npm") is None:
        raise RuntimeError("Node.js and npm are needed (scripts/setup-system.sh installs them)")
    subprocess.run(["bash", str(SETUP)], check=True, timeout=300)


@dataclasses.dataclass
class Provider:
    issuer: str
    proc: asyncio.subprocess.Process


@contextlib.asynccontextmanager
async def oidc_provider(
    redirect_uri: str,
    accounts: dict[str, dict[str, Any]],
    *,
    faults: dict[str, Any] | None = None,
    host: str = "localhost",
) -> AsyncIterator[Provider]:
    """The provider on loopback; ``host`` names it in its issuer (``localhost``: another site
    than Nära's 127.0.0.1, so browsers treat the redirects as cross-site)."""
    ensure_installed()
    options = {
        "host": host,
        "clients": [
            {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uris": [redirect_uri],
                "grant_types": ["authorization_code"],
                "response_types": ["code"],
                "token_endpoint_auth_method": "client_secret_basic",
            }
        ],
        "accounts": accounts,
        "scopes": SCOPES,
        "faults": faults or {},
    }
    errors = tempfile.TemporaryFile()
    proc = await asyncio.create_subprocess_exec(
        "node",
        str(PROVIDER_DIR / "provider.mjs"),
        json.dumps(options),
        cwd=PROVIDER_DIR,
        stdout=asyncio.subprocess.PIPE,
        stderr=errors,
    )
    try:
        assert proc.stdout is not None
        try:
            line = (await asyncio.wait_for(proc.stdout.readline(), 60)).decode()
        except TimeoutError:
            line = ""
        match = _LISTENING.search(line)
        if not match:
            errors.seek(0)
            said = errors.read()[-2000:].decode(errors="replace")
            raise AssertionError(f"the OIDC provider did not start: {line!r}; stderr: {said}")
        yield Provider(match.group(1), proc)
    finally:
        errors.close()
        if proc.returncode is None:
            proc.terminate()
            try:
                await asyncio.wait_for(proc.wait(), 10)
            except TimeoutError:
                proc.kill()
                await proc.wait()


@dataclasses.dataclass
class OidcSetup:
    server: RunningServer
    provider: Provider


@contextlib.asynccontextmanager
async def oidc_server(
    base: Config,
    demo: Any,
    accounts: dict[str, dict[str, Any]],
    *,
    faults: dict[str, Any] | None = None,
    **overrides: Any,
) -> AsyncIterator[OidcSetup]:
    """Nära and the provider, each told the other's address: Nära's socket is bound first so
    its callback URL can be registered at the provider before Nära is configured."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    callback = base_url + "/api/v1/auth/oidc/callback"
    async with oidc_provider(callback, accounts, faults=faults) as provider:
        config = dataclasses.replace(
            base,
            oidc_issuer=provider.issuer,
            oidc_client_id=CLIENT_ID,
            oidc_client_secret=CLIENT_SECRET,
            oidc_scopes=f"openid profile {PNR_SCOPE} {HSA_SCOPE}",
            oidc_personnummer_claim=PNR_CLAIM,
            oidc_hsa_id_claim=HSA_CLAIM,
            **overrides,
        )
        runner = web.AppRunner(create_app(config), access_log=None)
        await runner.setup()
        await web.SockSite(runner, sock).start()
        running = RunningServer(base_url, demo, config, runner.app)
        try:
            yield OidcSetup(running, provider)
        finally:
            await running.close_clients()
            await runner.cleanup()


class _Form(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form" and self.action is None:
            self.action = a.get("action")
        elif tag == "input" and a.get("name") and a.get("type") == "hidden":
            self.fields[a["name"] or ""] = a.get("value") or ""


async def at_provider(session: aiohttp.ClientSession, url: str, login: str) -> str:
    """What the person does at the provider: open the authorization URL, sign in on its form
    (unless the provider still knows them); returns the URL the provider sends the browser
    back to, not followed."""
    provider = urlsplit(url).netloc
    target, signed_in = url, False
    for _ in range(10):
        async with session.get(target, allow_redirects=False) as resp:
            if resp.status in (302, 303):
                target = urljoin(target, resp.headers["Location"])
                if urlsplit(target).netloc != provider:
                    return target
                continue
            assert resp.status == 200 and not signed_in, (resp.status, await resp.text())
            page = await resp.text()
        form = _Form()
        form.feed(page)
        assert form.action, page[:500]
        data = {**form.fields, "login": login, "password": "any"}
        async with session.post(
            urljoin(target, form.action), data=data, allow_redirects=False
        ) as r:
            assert r.status in (302, 303), (r.status, await r.text())
            target, signed_in = urljoin(target, r.headers["Location"]), True
    raise AssertionError("the provider kept redirecting")
