"""The browser's SFU path: a real Janus (in a network namespace, as in tests/video) and a
meeting whose mesh limit is 1, so it moves to the SFU as soon as the patient is let in. Both
browsers publish through `sfu_publish` and receive the other through `sfu_subscribe` (Janus's
multistream offer, answered receive-only), and each decodes the other's video."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, expect

from server.config import Config
from tests.browser.helpers import login_as, seed_conversations
from tests.browser.test_video import wait_for_remote_video
from tests.browser.test_video_features import REMOTE_SIZE
from tests.video.harness import HarnessUnavailable, JanusServer, running_janus
from tests.video.meeting_support import video_config

pytestmark = [pytest.mark.browser, pytest.mark.janus]


@pytest.fixture
async def janus() -> AsyncIterator[JanusServer]:
    try:
        async with running_janus() as server:
            yield server
    except HarnessUnavailable as exc:
        pytest.skip(str(exc))


@pytest.fixture
def base_config(base_config: Config, janus: JanusServer) -> Config:
    return video_config(base_config, janus=janus, video_mesh_max=1)


async def test_meeting_through_the_sfu(server, browser: Browser) -> None:
    ids = await seed_conversations(server)
    thread = ids["recipe"]
    nurse = await login_as(browser, server.base_url, "sara")
    patient = await login_as(browser, server.base_url, "anna")

    n = nurse.page
    await n.goto(f"/#/t/{thread}")
    await n.get_by_role("button", name="Starta videomöte").click()
    dialog = n.get_by_role("dialog")
    await dialog.get_by_role("button", name="Gå in i mötet").click()
    await expect(dialog.get_by_role("heading", name="Väntrummet (0)")).to_be_visible()

    p = patient.page
    await p.goto(f"/#/t/{thread}")
    await p.get_by_role("button", name="Gå med i videomöte").click()
    pdialog = p.get_by_role("dialog")
    await pdialog.get_by_role("button", name="Gå till väntrummet").click()
    await expect(pdialog.get_by_text("Vänta, vårdpersonalen släpper in dig snart.")).to_be_visible()
    await dialog.get_by_role("button", name="Släpp in Anna Andersson").click()

    at_nurse = await wait_for_remote_video(n, "Anna Andersson", timeout_s=60)
    at_patient = await wait_for_remote_video(p, "Sara Lind", timeout_s=60)
    # A publisher and one subscription each, no mesh connection.
    assert at_nurse["peers"] == 2 and at_patient["peers"] == 2, (at_nurse, at_patient)

    # Screen sharing over the SFU: the publisher's video track is replaced, nothing is
    # negotiated again, and the patient's picture of the nurse turns 16:9 and large.
    await dialog.get_by_role("button", name="Dela skärmen").click()
    await expect(pdialog.locator(".video-tile-screen")).to_contain_text("delar skärmen")
    size = [0, 0]
    for _ in range(80):
        size = await p.evaluate(REMOTE_SIZE, "Sara Lind")
        if size[0] and size[1] and size[0] / size[1] > 1.5:
            break
        await p.wait_for_timeout(250)
    assert size[1] and size[0] / size[1] > 1.5, size
    assert await p.evaluate("window.__naraVideo.peers().length") == 2
    nurse.assert_clean()
    patient.assert_clean()
