"""``nara video probe`` as a separate process against a real server, admitted by a host."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from server.config import Config
from server.demo import DEMO_PASSWORD
from tests.support.backends import Template
from tests.video.harness import CoturnServer
from tests.video.meeting_support import Meeting, running_server, video_config

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def meeting(
    base_config: Config, db_template: Template, coturn_server: CoturnServer
) -> AsyncIterator[Meeting]:
    config = video_config(base_config, coturn=coturn_server)
    async with running_server(config, db_template.demo) as server:
        m = Meeting(server)
        try:
            yield m
        finally:
            await m.close()


Output = tuple[asyncio.Task[bytes], asyncio.Task[bytes]]


async def _probe(*args: str) -> tuple[asyncio.subprocess.Process, Output]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "server.cli", "video", "probe", *args,
        "--width", "160", "--height", "120", "--fps", "10",
        cwd=str(ROOT), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    return proc, (asyncio.create_task(proc.stdout.read()), asyncio.create_task(proc.stderr.read()))


async def _result(proc: asyncio.subprocess.Process, out: Output) -> tuple[int, Any]:
    code = await asyncio.wait_for(proc.wait(), 90)
    stdout, stderr = await out[0], await out[1]
    assert stdout.strip(), f"no report (exit {code}): {stderr.decode(errors='replace')[-2000:]}"
    return code, json.loads(stdout)


async def test_probe_is_admitted_and_receives_everyone(meeting: Meeting) -> None:
    mid = await meeting.create("sara")
    sara, lars = await meeting.join("sara"), await meeting.join("lars")
    proc, out = await _probe("--url", meeting.server.base_url, "--user", "anna",
                             "--password", DEMO_PASSWORD, "--meeting", str(mid),
                             "--seconds", "4", "--relay-only")
    assert await sara.wait_until(lambda: len(sara.waiting) == 1, timeout_s=60)
    assert sara.waiting[0]["name"] == "Anna Andersson"
    await sara.call("admit", {"participant_id": sara.waiting[0]["id"]})
    code, report = await _result(proc, out)
    assert code == 0, report
    assert report["ok"] and report["waited"] and report["role"] == "patient"
    assert report["topology"] == "mesh"
    rows = report["participants"]
    assert set(rows) == {sara.me["id"], lars.me["id"]}
    for row in rows.values():
        assert row["video_frames"] > 0 and row["audio_frames"] > 0
        assert row["first_video_ms"] > 0
    assert report["ice"]["local_candidate_types"] == ["relay"]
    assert "credential" not in json.dumps(report)
    # The probe left: the hosts are on their own again.
    assert await sara.wait_until(lambda: set(sara.participants) == {sara.me["id"], lars.me["id"]})


async def test_probe_reports_refusals_and_missing_media(meeting: Meeting) -> None:
    mid = await meeting.create("sara")
    token = await meeting.invite("sara")
    await meeting.join(None, invite=token)  # the link is used now
    # "=": a token may begin with "-", which argparse would read as an option.
    proc, out = await _probe("--url", meeting.server.base_url, f"--invite={token}",
                             "--meeting", str(mid), "--seconds", "1")
    code, report = await _result(proc, out)
    assert code == 1 and report["error"]["code"] == "invite_invalid"

    proc, out = await _probe("--url", meeting.server.base_url, "--user", "bertil",
                             "--password", DEMO_PASSWORD, "--meeting", str(mid))
    code, report = await _result(proc, out)
    assert code == 1 and report["error"]["code"] == "not_found"

    # Alone in the meeting: nothing received from anyone, so not a success.
    proc, out = await _probe("--url", meeting.server.base_url, "--user", "lars",
                             "--password", DEMO_PASSWORD, "--meeting", str(mid),
                             "--seconds", "1")
    code, report = await _result(proc, out)
    assert code == 1 and report["participants"] == {} and report["role"] == "host"
