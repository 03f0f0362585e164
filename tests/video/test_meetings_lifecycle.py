"""Janus resources follow the meeting: leaving, dropping and ending free handles and rooms
(checked through Janus's admin API); a dropped participant is removed after the grace
period or takes its place back within it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from server.config import Config
from server.keys import LIVE
from signaling.janus_admin import JanusAdmin
from tests.conftest import RunningServer
from tests.support.backends import Template
from tests.video.harness import JanusServer
from tests.video.meeting_support import Meeting, all_receive_all, running_server, video_config

pytestmark = pytest.mark.janus


@pytest.fixture
async def sfu_server(
    base_config: Config, db_template: Template, janus_server: JanusServer
) -> AsyncIterator[RunningServer]:
    # Through Janus from the second participant on; a short grace for dropped connections.
    config = video_config(base_config, janus=janus_server, video_mesh_max=1,
                          video_reconnect_grace_s=2.0)
    async with running_server(config, db_template.demo) as server:
        yield server


@pytest.fixture
async def meeting(sfu_server: RunningServer) -> AsyncIterator[Meeting]:
    m = Meeting(sfu_server)
    try:
        yield m
    finally:
        await m.close()


async def _janus_state(admin: JanusAdmin) -> dict[int, int]:
    return {sid: len(handles) for sid, handles in (await admin.all_handles()).items()}


async def test_leaving_and_ending_free_janus_handles_and_rooms(
    meeting: Meeting, sfu_server: RunningServer, janus_admin: JanusAdmin
) -> None:
    await meeting.create("sara", members=("fia",))
    sara, lars, fia = [await meeting.join(n) for n in ("sara", "lars", "fia")]
    await all_receive_all([sara, lars, fia])
    assert {c.topology for c in (sara, lars, fia)} == {"sfu"}
    live = sfu_server.app[LIVE]
    placed = live.pool.placement(str(meeting.id)) if live.pool else None
    assert placed is not None and await janus_admin.room_exists(placed.room.room_id)
    links = {c.name: live.meetings[meeting.id].participants[c.me["id"]].sfu
             for c in (sara, lars, fia)}
    sessions = {name: link.session.id for name, link in links.items() if link}
    state = await _janus_state(janus_admin)
    # The pool's control session (one handle) plus one session per participant with a
    # publisher and at least one subscriber handle.
    assert len(state) == 4 and set(sessions.values()) < set(state)
    control = (set(state) - set(sessions.values())).pop()
    assert state[control] == 1
    assert all(state[s] >= 2 for s in sessions.values())

    await fia.call("leave")
    assert await sara.wait_until(lambda: fia.me["id"] not in sara.participants)
    state = await _janus_state(janus_admin)
    assert sessions["fia"] not in state and set(state) == {control, sessions["sara"],
                                                            sessions["lars"]}
    await all_receive_all([sara, lars])  # the others go on

    await sara.call("end")
    assert await lars.wait_until(lambda: lars.state == "ended")
    assert not await janus_admin.room_exists(placed.room.room_id)
    assert await _janus_state(janus_admin) == {control: 1}
    assert live.pool is not None and live.pool.placement(str(meeting.id)) is None


async def test_last_one_leaving_frees_the_room_and_shutdown_frees_the_pool(
    base_config: Config, db_template: Template, janus_server: JanusServer,
    janus_admin: JanusAdmin,
) -> None:
    config = video_config(base_config, janus=janus_server, video_mesh_max=1)
    async with running_server(config, db_template.demo) as server:
        m = Meeting(server)
        try:
            await m.create("sara")
            sara, lars = await m.join("sara"), await m.join("lars")
            await all_receive_all([sara, lars])
            placed = server.app[LIVE].pool.placement(str(m.id))
            assert placed is not None
            await lars.call("leave")
            await sara.call("leave")
            assert not await janus_admin.room_exists(placed.room.room_id)
            assert len(await janus_admin.list_sessions()) == 1  # the pool's control session
            # The meeting is not over: people may come back to a new room.
            sara2 = await m.join("sara")
            lars2 = await m.join("lars")
            await all_receive_all([sara2, lars2])
        finally:
            await m.close()
    # Server shutdown: participants' sessions, the room and the control session are gone.
    assert await janus_admin.list_sessions() == []


async def test_dropped_participant_rejoins_within_grace_or_is_removed_after(
    meeting: Meeting, sfu_server: RunningServer, janus_admin: JanusAdmin
) -> None:
    await meeting.create("sara", members=("fia",))
    sara, lars, fia = [await meeting.join(n) for n in ("sara", "lars", "fia")]
    await all_receive_all([sara, lars, fia])
    live = sfu_server.app[LIVE].meetings[meeting.id]

    # Lars's connection drops and he comes straight back: same place, media again.
    lars_id = lars.me["id"]
    old_session = live.participants[lars_id].sfu.session.id  # type: ignore[union-attr]
    await lars.drop()
    assert await sara.wait_until(
        lambda: sara.participants.get(lars_id, {}).get("connected") is False
    )
    await lars.rejoin(token=(await meeting.api("lars")).token)
    assert lars.me["id"] == lars_id and lars.state == "admitted"
    await all_receive_all([sara, lars, fia])
    assert old_session not in await janus_admin.all_handles()

    # Fia's connection drops for good: after the grace period she is gone, and so is her
    # Janus session.
    fia_id = fia.me["id"]
    fia_session = live.participants[fia_id].sfu.session.id  # type: ignore[union-attr]
    await fia.drop()
    assert await sara.wait_until(lambda: fia_id not in sara.participants, timeout_s=20)
    assert any(e == "left" and d["participant_id"] == fia_id  # type: ignore[index]
               for e, d in lars.events)
    assert fia_id not in live.participants
    assert fia_session not in await janus_admin.all_handles()
    await all_receive_all([sara, lars])
