"""Fixtures: a real Nära server on an ephemeral port, on a fresh copy of the demo database."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiohttp import web

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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser and Janus tests are slow by nature: ``-m "not slow"`` leaves them out too."""
    for item in items:
        if item.get_closest_marker("browser") or item.get_closest_marker("janus"):
            item.add_marker(pytest.mark.slow)
