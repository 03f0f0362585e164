"""Relay-only participants connect through coturn with the credentials the server issues
on admission, and cannot connect when the server has no TURN configuration."""

from __future__ import annotations

import pytest

from server.config import Config
from tests.support.backends import Template
from tests.video.harness import CoturnServer
from tests.video.meeting_support import Meeting, all_receive_all, running_server, video_config

pytestmark = pytest.mark.slow


async def test_relay_only_meeting_works_with_issued_credentials(
    base_config: Config, db_template: Template, coturn_server: CoturnServer
) -> None:
    config = video_config(base_config, coturn=coturn_server)
    async with running_server(config, db_template.demo) as server:
        m = Meeting(server)
        try:
            await m.create("sara")
            sara = await m.join("sara", relay_only=True)
            anna = await m.join("anna", relay_only=True)
            assert anna.ice_servers == []  # waiting: no credentials yet
            await m.admit(sara, anna)
            for c in (sara, anna):
                (turn,) = c.ice_servers
                assert turn["urls"] == coturn_server.turn_urls
                assert turn["username"].endswith(":" + c.me["id"]) and turn["credential"]
            await all_receive_all([sara, anna], timeout_s=40)
            for c in (sara, anna):
                (peer,) = c.mesh.values()
                assert peer.local_candidate_types() == {"relay"}
                assert peer.pc.connectionState == "connected"
        finally:
            await m.close()


async def test_relay_only_meeting_fails_without_turn_configuration(
    base_config: Config, db_template: Template
) -> None:
    async with running_server(base_config, db_template.demo) as server:
        m = Meeting(server)
        try:
            await m.create("sara")
            sara = await m.join("sara", relay_only=True)
            lars = await m.join("lars", relay_only=True)
            assert sara.ice_servers == lars.ice_servers == []
            assert await sara.wait_until(lambda: len(sara.mesh) == 1)
            assert await lars.wait_until(lambda: len(lars.mesh) == 1)
            (peer,) = sara.mesh.values()
            (other,) = lars.mesh.values()
            # Relay-only without a TURN server: not a single candidate to connect over.
            assert await lars.wait_until(lambda: other.pc.localDescription is not None)
            assert peer.local_candidate_types() == set()
            assert other.local_candidate_types() == set()
            assert await peer.wait_connection(timeout_s=3) != "connected"
            assert sara.received() == {} or all(
                r["video_frames"] == 0 for r in sara.received().values()
            )
        finally:
            await m.close()
