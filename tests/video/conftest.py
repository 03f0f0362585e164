"""Fixtures: a real Janus in a network namespace, a real coturn on loopback.

Skipped (with the reason) only when the machine cannot run them: not root, ``ip netns``
not permitted, or the janus/turnserver binaries missing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from signaling.janus import JanusClient
from signaling.janus_admin import JanusAdmin
from tests.video.harness import (
    CoturnServer,
    HarnessUnavailable,
    JanusServer,
    running_coturn,
    running_janus,
)


@pytest.fixture
async def janus_server() -> AsyncIterator[JanusServer]:
    try:
        async with running_janus() as server:
            yield server
    except HarnessUnavailable as exc:
        pytest.skip(str(exc))


@pytest.fixture
async def janus_client(janus_server: JanusServer) -> AsyncIterator[JanusClient]:
    async with JanusClient(janus_server.url, janus_server.api_secret) as client:
        yield client


@pytest.fixture
async def janus_admin(janus_server: JanusServer) -> AsyncIterator[JanusAdmin]:
    admin = JanusAdmin(janus_server.admin_url, janus_server.admin_secret)
    try:
        yield admin
    finally:
        await admin.close()


@pytest.fixture
async def coturn_server() -> AsyncIterator[CoturnServer]:
    try:
        async with running_coturn() as server:
            yield server
    except HarnessUnavailable as exc:
        pytest.skip(str(exc))
