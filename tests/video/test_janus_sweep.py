"""Janus after a crash: the room and sessions of a ``nara serve`` killed mid-meeting are gone
after the next start (the start-up sweep on the embedded defaults; with Redis the next
process takes the meeting over and frees them when the grace runs out). Guests come back
with their rejoin token after any restart."""

from __future__ import annotations

import asyncio
import signal

import pytest

from server.config import Config
from signaling.janus_admin import JanusAdmin
from tests.conftest import RunningServer
from tests.support.backends import Template
from tests.support.process import ServerProcess
from tests.video.harness import JanusServer
from tests.video.meeting_support import Meeting, all_receive_all, janus_json


async def _gone(admin: JanusAdmin, room_id: int, sessions: set[int], timeout_s: float) -> bool:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while loop.time() < deadline:
        left = set(await admin.list_sessions()) & sessions
        if not left and not await admin.room_exists(room_id):
            return True
        await asyncio.sleep(0.5)
    return False


@pytest.mark.janus
async def test_rooms_and_sessions_of_a_killed_process_are_gone_after_the_next_start(
    base_config: Config, db_template: Template, janus_server: JanusServer,
    janus_admin: JanusAdmin,
) -> None:
    env = {
        "NARA_JANUS_SERVERS": janus_json(janus_server),
        "NARA_VIDEO_MESH_MAX": "1",
        "NARA_VIDEO_RECONNECT_GRACE_SECONDS": "3",
        "NARA_VIDEO_LEASE_SECONDS": "1",
        "NARA_JANUS_SWEEP_SECONDS": "1",
    }
    first, second = ServerProcess(base_config, env), ServerProcess(base_config, env)
    await first.start()
    m = Meeting(RunningServer(first.base_url, db_template.demo, base_config, None))  # type: ignore[arg-type]
    try:
        await m.create("sara")
        sara, lars = await m.join("sara"), await m.join("lars")
        await all_receive_all([sara, lars])
        assert sara.topology == "sfu"
        sessions = set(await janus_admin.list_sessions())
        rooms = await janus_admin.message_plugin({"request": "list"})
        assert rooms.get("list") == []  # private: Janus lists them to nobody

        await first.stop(signal.SIGKILL)
        await m.close()
        assert sessions and set(await janus_admin.list_sessions()) >= sessions
        room_id = await _room_of(base_config, m)
        assert await janus_admin.room_exists(room_id)  # left behind by the killed process
        await second.start()
        assert await _gone(janus_admin, room_id, sessions, timeout_s=20)
    finally:
        await m.close()
        for api in m.apis.values():
            await api.close()
        await first.stop()
        await second.stop()


async def _room_of(config: Config, m: Meeting) -> int:
    """The room id the killed process recorded (with its secret) when it created it."""
    from chat.models import VideoRoom
    from chat.storage import Database

    db = Database(config.effective_database_url)
    try:
        async with db.read() as store:
            rows = [r for r in await store.meetings.rooms() if isinstance(r, VideoRoom)]
        assert len(rows) == 1
        return rows[0].room_id
    finally:
        await db.dispose()


@pytest.mark.janus
async def test_publishers_are_capped_at_the_configured_bitrate(
    base_config: Config, db_template: Template, janus_server: JanusServer,
    janus_admin: JanusAdmin,
) -> None:
    """NARA_VIDEO_BITRATE_KBPS is the room's cap: Janus applies it to every publisher."""
    from server.keys import LIVE
    from tests.video.meeting_support import running_server, video_config

    config = video_config(base_config, janus=janus_server, video_mesh_max=1,
                          video_bitrate_kbps=200)
    async with running_server(config, db_template.demo) as server:
        m = Meeting(server)
        try:
            await m.create("sara")
            sara, lars = await m.join("sara"), await m.join("lars")
            await all_receive_all([sara, lars])
            assert m.id is not None
            live = server.app[LIVE].meetings[m.id]
            for p in live.participants.values():
                assert p.sfu is not None and p.sfu.publisher is not None
                info = await janus_admin.handle_info(p.sfu.session.id, p.sfu.publisher.id)
                assert info["plugin_specific"]["bitrate"] == 200_000, info["plugin_specific"]
        finally:
            await m.close()
