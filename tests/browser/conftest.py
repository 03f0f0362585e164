"""Browser tests: the built web client in real headless Chromium against a real server.

The ``server`` fixture serves web_client/dist, so the client is built once per session when
dist is missing or older than its sources. Each user gets a fresh browser context.
"""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, async_playwright

from server.config import Config
from tests.browser.helpers import (
    AXE,
    CHROMIUM,
    CHROMIUM_ARGS,
    DIST_INDEX,
    ROOT,
    SCREENSHOTS,
    WEB,
)


def _sources() -> list[Path]:
    files = [WEB / n for n in ("index.html", "package.json", "package-lock.json", "vite.config.ts")]
    for folder in ("src", "public"):
        files += [p for p in (WEB / folder).rglob("*") if p.is_file()]
    return [p for p in files if p.exists()]


def _stale() -> bool:
    if not DIST_INDEX.exists() or not AXE.exists():
        return True
    built = DIST_INDEX.stat().st_mtime
    return any(p.stat().st_mtime > built for p in _sources())


@pytest.fixture(scope="session", autouse=True)
def web_client_built() -> None:
    """Build the client (scripts/build-web.sh) when dist is missing or older than the sources."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (scripts/setup-system.sh installs it)")
    if not _stale():
        return
    if shutil.which("npm") is None:
        pytest.fail("web_client/dist is missing or stale and npm is not installed to build it")
    proc = subprocess.run(
        ["bash", str(ROOT / "scripts" / "build-web.sh")],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if proc.returncode != 0:
        pytest.fail(
            "scripts/build-web.sh failed; the browser tests need a built web client:\n"
            + proc.stdout[-3000:]
            + proc.stderr[-3000:]
        )


@pytest.fixture
def base_config(base_config: Config, nlp_router: object) -> Config:
    """Routing with the shipped NLP model, as in production (urgency, reasons, emergencies);
    loaded once per run (``nlp_router``)."""
    return dataclasses.replace(base_config, nlp_enabled=True)


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as p:
        b = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            await b.close()


@pytest.fixture
def screenshots() -> Iterator[Path]:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    yield SCREENSHOTS
