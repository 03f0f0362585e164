"""A real server with notifications on: an SMTP sink and an HTTP stand-in on loopback."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import pytest

from server.config import Config
from tests.conftest import RunningServer, start_server
from tests.notifications.support import HttpStandIn, MailSink
from tests.support.backends import Template


@pytest.fixture
async def mail() -> AsyncIterator[MailSink]:
    sink = MailSink()
    await sink.start()
    yield sink
    await sink.stop()


@pytest.fixture
async def standin() -> AsyncIterator[HttpStandIn]:
    s = HttpStandIn()
    await s.start()
    yield s
    await s.stop()


@pytest.fixture
def notify_overrides() -> dict[str, Any]:
    """Tests override this to change the notification settings of their server."""
    return {}


@pytest.fixture
async def nserver(
    base_config: Config,
    db_template: Template,
    mail: MailSink,
    standin: HttpStandIn,
    notify_overrides: dict[str, Any],
) -> AsyncIterator[RunningServer]:
    values: dict[str, Any] = {
        "smtp_url": f"smtp://127.0.0.1:{mail.port}",
        "mail_from": "Nära <noreply@nara.test>",
        "sms_url": standin.url,
        "sms_key": "u123:secret",
        "notify_retry_s": 0.2,
        "notify_active_s": 2,
        "escalation_check_s": 3600.0,
    }
    values.update(notify_overrides)
    config = dataclasses.replace(base_config, **values)
    runner, url = await start_server(config)
    running = RunningServer(url, db_template.demo, config, runner.app)
    yield running
    await running.close_clients()
    await runner.cleanup()
