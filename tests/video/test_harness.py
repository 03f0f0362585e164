"""The harness removes its namespace and processes even when the test body fails."""

from __future__ import annotations

import subprocess

import pytest

from tests.video.harness import HarnessUnavailable, JanusServer, running_janus

pytestmark = pytest.mark.janus


class Boom(Exception):
    pass


def _ip_output(*args: str) -> str:
    return subprocess.run(["ip", *args], capture_output=True, text=True, check=True).stdout


async def test_janus_harness_cleans_up_after_a_failure() -> None:
    seen: list[JanusServer] = []
    try:
        with pytest.raises(Boom):
            async with running_janus() as server:
                seen.append(server)
                raise Boom
    except HarnessUnavailable as exc:
        pytest.skip(str(exc))
    (server,) = seen
    assert server.process is not None and server.process.poll() is not None
    assert server.host.name not in _ip_output("netns", "list")
    assert server.host.veth_host not in _ip_output("link", "show")
    assert server.conf_dir is None
