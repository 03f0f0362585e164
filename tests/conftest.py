"""Fixtures: a real Nära server on an ephemeral port, on a fresh copy of the demo database."""

from __future__ import annotations

import gc
import uuid
from collections.abc import AsyncIterator, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp import web_app as aiohttp_web_app

from chat.storage import Database as ChatDatabase
from server.app import create_app
from server.config import Config
from server.demo import DemoIds
from tests.support.backends import (
    REDIS_URL,
    Template,
    build_template,
    drop_database,
    drop_template,
    fresh_database,
)
from tests.support.clients import ApiClient, SocketClient, login


def quick_run(config: pytest.Config) -> bool:
    """``pytest -m "not slow"``: every test that depends on the real cost of a password check
    (login limits, argon2 off the event loop) is slow, so the quick run stores the demo
    password with argon2's cheapest parameters. Every other run (CI) uses the real ones."""
    return "not slow" in (config.getoption("markexpr") or "")


BROWSER_TESTS = Path(__file__).parent / "browser"


def slow_after_first(cases: Iterable[Any]) -> list[Any]:
    """Parametrize cases for an end-to-end test that runs a corpus through the real server: the
    first case stays in the quick run (``-m "not slow"``), the others are marked slow and run
    in every other run (CI). Test ids are unchanged. A tuple is one case's arguments."""
    out: list[Any] = []
    for i, case in enumerate(cases):
        if i == 0:
            out.append(case)
        else:
            values = case if isinstance(case, tuple) else (case,)
            out.append(pytest.param(*values, marks=pytest.mark.slow))
    return out


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """The quick run (exactly ``-m "not slow"``) leaves tests/browser unimported: every test
    there is slow (``pytest_collection_modifyitems``), and importing Playwright for nothing
    costs about a second. Any other selection collects it as before."""
    if collection_path == BROWSER_TESTS and (config.getoption("markexpr") or "").strip() == (
        "not slow"
    ):
        return True
    return None


def pytest_collection_finish(session: pytest.Session) -> None:
    """Everything imported so far (the app, SQLAlchemy's models, spaCy) lives until the end of
    the run: out of the cycle collector's way, so that each full collection (automatic, or
    chat/attachments/memory.py's after a large file) only walks what the tests made since."""
    gc.collect()
    gc.freeze()


@pytest.fixture(scope="session")
def nlp_router() -> object:
    """The shipped routing model (``nlp.Router.load()``), loaded once per run, before the test
    that needs it first: server/nlp_bridge.py keeps one per model folder and process, so every
    server with ``nlp_enabled`` routes with this very object, and tests/nlp uses it too. Its
    objects are frozen like the imports (``pytest_collection_finish``)."""
    from server.nlp_bridge import _router

    router = _router(None)
    gc.collect()
    gc.freeze()
    return router


@pytest.fixture(scope="session")
def db_template(
    tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config
) -> Iterator[Template]:
    template = build_template(
        tmp_path_factory.mktemp("template"), fast_passwords=quick_run(pytestconfig)
    )
    yield template
    drop_template(template)


@dataclass
class Database:
    url: str
    name: str


@pytest.fixture
async def database(db_template: Template, tmp_path: Path) -> AsyncIterator[Database]:
    url, name = await fresh_database(db_template, tmp_path)
    yield Database(url, name)
    await drop_database(db_template, name)


@pytest.fixture
def demo(db_template: Template) -> DemoIds:
    return db_template.demo


@pytest.fixture
async def db(database: Database) -> AsyncIterator[ChatDatabase]:
    """The fresh database opened through chat's storage, for service-level tests."""
    opened = ChatDatabase(database.url)
    yield opened
    await opened.dispose()


@pytest.fixture
def base_config(database: Database, tmp_path: Path) -> Config:
    return Config(
        host="127.0.0.1",
        port=0,
        data_dir=tmp_path / "data",
        database_url=database.url,
        redis_url=REDIS_URL,
        redis_channel=f"nara-test-{uuid.uuid4().hex[:8]}",
        nlp_enabled=False,
    )


@dataclass
class RunningServer:
    base_url: str
    demo: DemoIds
    config: Config
    app: web.Application
    _clients: list[ApiClient] = field(default_factory=list)
    _sockets: list[SocketClient] = field(default_factory=list)

    async def login(self, username: str) -> ApiClient:
        client = await login(self.base_url, username)
        self._clients.append(client)
        return client

    def anonymous(self) -> ApiClient:
        client = ApiClient(self.base_url)
        self._clients.append(client)
        return client

    async def socket(self, client: ApiClient | None, **kw: object) -> SocketClient:
        sock = SocketClient()
        await sock.connect(self.base_url, client.token if client else None, **kw)
        self._sockets.append(sock)
        return sock

    async def close_clients(self) -> None:
        for s in self._sockets:
            if s.sio.connected:
                await s.close()
        for c in self._clients:
            await c.close()


async def start_server(config: Config) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(create_app(config), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, f"http://127.0.0.1:{port}"


@pytest.fixture
async def server(base_config: Config, db_template: Template) -> AsyncIterator[RunningServer]:
    runner, url = await start_server(base_config)
    running = RunningServer(url, db_template.demo, base_config, runner.app)
    yield running
    await running.close_clients()
    await runner.cleanup()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, None, None]:
    """After a test's fixtures are torn down, let its servers go: aiohttp caches each route's
    middleware chain with the apps it belongs to (``_cached_build_middleware``, up to 1024
    entries), which kept every test's app, database engine and compiled SQL alive to the end
    of the run. The cache only saves work within one app; clearing it changes no behaviour."""
    try:
        return (yield)
    finally:
        cached = getattr(aiohttp_web_app, "_cached_build_middleware", None)
        if cached is not None and hasattr(cached, "cache_clear"):
            cached.cache_clear()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser and Janus tests are slow by nature: ``-m "not slow"`` leaves them out too."""
    for item in items:
        if item.get_closest_marker("browser") or item.get_closest_marker("janus"):
            item.add_marker(pytest.mark.slow)
