"""Two-party mesh meetings through the real Nära server: media flows both ways."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from server.config import Config
from tests.support.backends import Template
from tests.video.meeting_support import Meeting, all_receive_all, running_server


@pytest.fixture
async def meeting(base_config: Config, db_template: Template) -> AsyncIterator[Meeting]:
    async with running_server(base_config, db_template.demo) as server:
        m = Meeting(server)
        try:
            yield m
        finally:
            await m.close()


# Real WebRTC media (aiortc encodes and decodes both ways) through the server. The quick run
# keeps the signaling (test_meetings_input, test_meetings_access) and media (test_mesh).
@pytest.mark.slow
async def test_two_party_mesh_media_flows_both_ways(meeting: Meeting) -> None:
    await meeting.create("sara")
    sara = await meeting.join("sara")
    assert sara.state == "admitted" and sara.topology == "mesh"
    assert sara.ice_servers == []  # no TURN configured: explicit empty list
    anna = await meeting.join("anna")
    assert anna.state == "waiting"
    await meeting.admit(sara, anna)
    await all_receive_all([sara, anna])
    assert sara.topology == anna.topology == "mesh"
    assert set(sara.mesh) == {anna.me["id"]} and set(anna.mesh) == {sara.me["id"]}
    for c in (sara, anna):
        peer = next(iter(c.mesh.values()))
        assert peer.pc.connectionState == "connected"
        assert peer.video_stats()[0].width == 160
