"""Async context managers that run Janus (in a fresh network namespace) and coturn, and
always clean up: processes, temp dirs and namespaces, also after failures."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from signaling.testing.coturn_server import CoturnServer, check_coturn_available
from signaling.testing.janus_server import JanusServer, check_janus_available
from signaling.testing.netns import HarnessUnavailable, NetnsHost, check_netns_available

__all__ = [
    "CoturnServer",
    "HarnessUnavailable",
    "JanusServer",
    "NetnsHost",
    "check_coturn_available",
    "check_janus_available",
    "check_netns_available",
    "running_coturn",
    "running_janus",
]


@asynccontextmanager
async def running_janus() -> AsyncIterator[JanusServer]:
    """A Janus in its own namespace; peers in the root namespace reach it over the veth."""
    check_netns_available()
    check_janus_available()
    host = NetnsHost.create()
    server = JanusServer(host)
    try:
        await server.start()
        yield server
    finally:
        server.stop()
        host.remove()


@asynccontextmanager
async def running_coturn() -> AsyncIterator[CoturnServer]:
    check_coturn_available()
    server = CoturnServer()
    try:
        await server.start()
        yield server
    finally:
        server.stop()
