"""A server restart during a meeting: live state is gone, the meeting (database) is not;
clients reconnect to the new server and rejoin, the patient through the waiting room."""

from __future__ import annotations

import pytest
from aiohttp import web

from server.app import create_app
from server.config import Config
from tests.conftest import RunningServer
from tests.support.backends import Template
from tests.video.harness import JanusServer
from tests.video.meeting_support import Meeting, all_receive_all, error_code, video_config

pytestmark = pytest.mark.slow


async def start_server(config: Config) -> tuple[web.AppRunner, str]:
    """Like tests.conftest.start_server, but open WebSockets are cut after 1 s on stop (as
    when the process dies) instead of aiohttp's graceful 60 s."""
    runner = web.AppRunner(create_app(config), access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}"


async def _restart_case(config: Config, db_template: Template) -> None:
    runner, url = await start_server(config)
    server = RunningServer(url, db_template.demo, config, runner.app)
    m = Meeting(server)
    try:
        await m.create("sara")
        sara, lars = await m.join("sara"), await m.join("lars")
        anna = await m.join("anna")
        await m.admit(sara, anna)
        await all_receive_all([sara, lars, anna])
        topology = sara.topology

        await runner.cleanup()  # the server goes away mid-meeting
        for c in (sara, lars, anna):
            assert await c.wait_until(lambda c=c: not c.sio.connected)  # type: ignore[misc]
        runner, url = await start_server(config)  # a fresh port
        server.base_url, server.app = url, runner.app

        for c in (sara, lars):
            ack = await c.rejoin(url, m.apis[c.name].token)
            assert ack["participant"]["state"] == "admitted"
        await anna.rejoin(url, m.apis["anna"].token)
        assert anna.state == "waiting"
        await m.admit(sara, anna)
        await all_receive_all([sara, lars, anna])
        assert sara.topology == topology
    finally:
        await m.close()
        await server.close_clients()
        await runner.cleanup()


async def test_clients_rejoin_after_a_server_restart_mesh(
    base_config: Config, db_template: Template
) -> None:
    await _restart_case(base_config, db_template)


@pytest.mark.janus
async def test_clients_rejoin_after_a_server_restart_sfu(
    base_config: Config, db_template: Template, janus_server: JanusServer
) -> None:
    config = video_config(base_config, janus=janus_server, video_mesh_max=2)
    await _restart_case(config, db_template)


async def test_guest_rejoins_with_its_token_after_a_server_restart(
    base_config: Config, db_template: Template
) -> None:
    """The rejoin token outlives the process (its hash is on the used link): the guest is
    back in the waiting room without a new link; a made-up token is refused."""
    runner, url = await start_server(base_config)
    server = RunningServer(url, db_template.demo, base_config, runner.app)
    m = Meeting(server)
    try:
        await m.create("sara")
        sara = await m.join("sara")
        guest = await m.join(None, invite=await m.invite("sara"))
        await m.admit(sara, guest)
        await all_receive_all([sara, guest])

        await runner.cleanup()
        runner, url = await start_server(base_config)
        server.base_url, server.app = url, runner.app

        await sara.rejoin(url, m.apis["sara"].token)
        ack = await guest.rejoin(url)  # no login, no link: the rejoin token only
        assert ack["participant"]["role"] == "guest" and guest.state == "waiting"
        await m.admit(sara, guest)
        await all_receive_all([sara, guest])

        stranger = await m.client(None)
        assert m.id is not None
        assert await error_code(stranger.join(m.id, rejoin="x" * 32)) == "invite_invalid"
    finally:
        await m.close()
        await server.close_clients()
        await runner.cleanup()
