"""Meetings across two ``nara serve`` processes on PostgreSQL + Redis: participants' sockets on
different processes are in one meeting with media; kill -9 of the process owning the meeting
mid-call hands it to the other within the reconnect grace, places and media kept."""

from __future__ import annotations

import json
import signal
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
import redis.asyncio as aioredis

from server.config import Config
from signaling.client import MeetingClient
from tests.conftest import RunningServer
from tests.support.backends import PG_URL, REDIS_URL, Template
from tests.support.process import ServerProcess
from tests.video.harness import JanusServer
from tests.video.meeting_support import Meeting, all_receive_all, janus_json

pytestmark = pytest.mark.skipif(
    not (PG_URL and REDIS_URL), reason="needs DATABASE_URL (PostgreSQL) and REDIS_URL"
)
GRACE_S = 15.0
LEASE_S = 2.0


@asynccontextmanager
async def two_processes(
    config: Config, extra: dict[str, str] | None = None
) -> AsyncIterator[tuple[ServerProcess, ServerProcess]]:
    env = {
        "NARA_VIDEO_RECONNECT_GRACE_SECONDS": str(GRACE_S),
        "NARA_VIDEO_LEASE_SECONDS": str(LEASE_S),
        **(extra or {}),
    }
    a, b = ServerProcess(config, env), ServerProcess(config, env)
    await a.start()
    await b.start()
    try:
        yield a, b
    finally:
        await a.stop()
        await b.stop()


async def owner_of(config: Config, meeting_id: uuid.UUID) -> str | None:
    r = aioredis.from_url(config.redis_url, decode_responses=True)
    try:
        value = await r.get(f"{config.redis_channel}:video:owner:{meeting_id}")
        return str(value) if value else None
    finally:
        await r.aclose()


async def saved_state(config: Config, meeting_id: uuid.UUID) -> dict[str, object] | None:
    r = aioredis.from_url(config.redis_url, decode_responses=True)
    try:
        raw = await r.get(f"{config.redis_channel}:video:state:{meeting_id}")
        return json.loads(raw) if raw else None
    finally:
        await r.aclose()


async def _kill_owner_case(
    config: Config, db_template: Template, names: list[str], extra: dict[str, str],
    members: tuple[str, ...] = (),
) -> None:
    """``names[0]`` hosts on process A (so A owns the meeting); the others alternate B, A, B…
    (a patient is admitted by the host). A is killed; its participants come back on B."""
    async with two_processes(config, extra) as (a, b):
        m = Meeting(RunningServer(a.base_url, db_template.demo, config, None))  # type: ignore[arg-type]
        on_a: list[MeetingClient] = []
        try:
            await m.create(names[0], members=members)
            assert m.id is not None
            clients: list[MeetingClient] = []
            for i, name in enumerate(names):
                url = a.base_url if i % 2 == 0 else b.base_url
                c = await m.client(name, base_url=url)
                await c.join(m.id)
                if c.state == "waiting":
                    await m.admit(clients[0], c)
                clients.append(c)
                if url == a.base_url:
                    on_a.append(c)
            await all_receive_all(clients)
            before = {c.name: c.me["id"] for c in clients}
            owner = await owner_of(config, m.id)
            assert owner is not None

            staying = [c for c in clients if c not in on_a]
            publishers = {c.name: c.publisher for c in staying}  # SFU: Janus keeps their media
            killed_at = time.monotonic()
            await a.stop(signal.SIGKILL)
            for c in on_a:
                assert await c.wait_until(lambda c=c: not c.sio.connected)  # type: ignore[misc]
            for c in on_a:
                ack = await c.rejoin(b.base_url, m.apis[c.name].token)
                assert ack["participant"]["id"] == before[c.name]  # the same place
                assert ack["participant"]["state"] == "admitted"  # no waiting room again
            await all_receive_all(clients, timeout_s=GRACE_S)
            back_s = time.monotonic() - killed_at
            assert back_s < GRACE_S + LEASE_S + 5, back_s
            assert {c.name: c.me["id"] for c in clients} == before
            new_owner = await owner_of(config, m.id)
            assert new_owner is not None and new_owner != owner
            # Those on B never published again: the new owner adopted their Janus sessions.
            assert {c.name: c.publisher for c in staying} == publishers
            # Nobody was dropped: everyone is still listed as a participant.
            for c in clients:
                assert set(c.participants) == set(before.values()), c.name
        finally:
            await m.close()
            for api in m.apis.values():
                await api.close()


async def test_mesh_of_three_on_two_processes_survives_kill_of_the_owner(
    base_config: Config, db_template: Template
) -> None:
    await _kill_owner_case(base_config, db_template, ["sara", "lars", "anna"], {})


async def test_guest_on_another_process_and_its_rejoin_token(
    base_config: Config, db_template: Template
) -> None:
    """A guest's link used on B for a meeting owned by A; its rejoin token works on A."""
    async with two_processes(base_config) as (a, b):
        m = Meeting(RunningServer(a.base_url, db_template.demo, base_config, None))  # type: ignore[arg-type]
        try:
            await m.create("sara")
            assert m.id is not None
            sara = await m.client("sara", base_url=a.base_url)
            await sara.join(m.id)
            guest = await m.client(None, base_url=b.base_url)
            await guest.join(m.id, invite=await m.invite("sara"))
            await m.admit(sara, guest)
            await all_receive_all([sara, guest])
            pid = guest.me["id"]
            ack = await guest.rejoin(a.base_url)  # dropped, back on the other process
            assert ack["participant"]["id"] == pid and ack["participant"]["state"] == "admitted"
            await all_receive_all([sara, guest])
            saved = await saved_state(base_config, m.id)
            assert saved is not None and len(saved["participants"]) == 2  # type: ignore[arg-type]
        finally:
            await m.close()
            for api in m.apis.values():
                await api.close()


@pytest.mark.janus
async def test_sfu_of_six_on_two_processes_survives_kill_of_the_owner(
    base_config: Config, db_template: Template, janus_server: JanusServer
) -> None:
    extra = {"NARA_JANUS_SERVERS": janus_json(janus_server), "NARA_VIDEO_MESH_MAX": "2"}
    names = ["sara", "lars", "ulla", "fia", "kim", "anna"]
    await _kill_owner_case(base_config, db_template, names, extra, members=("fia", "kim"))
