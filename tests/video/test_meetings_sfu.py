"""Meetings through Janus via the real Nära server: six parties of mixed roles, and a
meeting that grows from mesh to SFU while media keeps flowing."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from server.config import Config
from server.keys import LIVE
from tests.support.backends import Template
from tests.video.harness import CoturnServer, JanusServer
from tests.video.meeting_support import Meeting, all_receive_all, running_server, video_config

pytestmark = pytest.mark.janus


@pytest.fixture
async def meeting(
    base_config: Config, db_template: Template, janus_server: JanusServer,
    coturn_server: CoturnServer,
) -> AsyncIterator[Meeting]:
    config = video_config(base_config, janus=janus_server, coturn=coturn_server,
                          video_mesh_max=4)
    async with running_server(config, db_template.demo) as server:
        m = Meeting(server)
        try:
            yield m
        finally:
            await m.close()


async def test_six_party_meeting_through_janus(meeting: Meeting) -> None:
    await meeting.create("sara")
    await meeting.add_member("sara", "fia")
    token = await meeting.invite("sara", "Tolk Amir")
    sara = await meeting.join("sara")
    lars = await meeting.join("lars")
    ulla = await meeting.join("ulla")
    fia = await meeting.join("fia")
    roles = {c.name: c.me["role"] for c in (sara, lars, ulla, fia)}
    assert roles == {"sara": "host", "lars": "host", "ulla": "host", "fia": "staff"}
    anna = await meeting.join("anna")
    guest = await meeting.join(None, invite=token)
    assert anna.me["role"] == "patient" and guest.me["role"] == "guest"
    assert anna.state == guest.state == "waiting"
    await meeting.admit(sara, anna)
    await meeting.admit(lars, guest)
    everyone = [sara, lars, ulla, fia, anna, guest]
    await all_receive_all(everyone, timeout_s=90)
    assert {c.topology for c in everyone} == {"sfu"}
    for c in everyone:
        assert not c.mesh and c.publisher is not None
    # Clients never see Janus: no room id, pin or secret in anything they received.
    placed = meeting.server.app[LIVE].pool.placement(str(meeting.id))
    assert placed is not None
    seen = json.dumps([c.events for c in everyone])
    for secret in (str(placed.room.room_id), placed.room.pin, placed.room.secret):
        assert secret not in seen


async def test_meeting_grows_from_mesh_to_sfu_without_rejoining(meeting: Meeting) -> None:
    await meeting.create("sara")
    await meeting.add_member("sara", "fia")
    first = [await meeting.join(n) for n in ("sara", "lars", "ulla")]
    await all_receive_all(first)
    assert {c.topology for c in first} == {"mesh"}
    joined_at = {c.name: c.joined_at for c in first}
    fia = await meeting.join("fia")
    await all_receive_all(first + [fia])
    assert {c.topology for c in first + [fia]} == {"mesh"}
    anna = await meeting.join("anna")
    await meeting.admit(first[0], anna)
    token = await meeting.invite("lars")
    guest = await meeting.join(None, invite=token)
    await meeting.admit(first[1], guest)
    everyone = first + [fia, anna, guest]
    await all_receive_all(everyone, timeout_s=90)
    assert {c.topology for c in everyone} == {"sfu"}
    assert {c.name: c.joined_at for c in first} == joined_at  # nobody joined again
