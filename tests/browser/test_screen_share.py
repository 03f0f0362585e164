"""Screen sharing by a staff member who has no camera (issue 14), in real Chromium.

The nurse's browser finds no camera (getUserMedia refuses every request for video, as with
no camera or a refused one), so she joins with the microphone only. She shares her screen
(Chromium's fake capture): the patient gets a playing video of it, shown large; she stops it
with the button and the large view goes away and her tile is without picture again; she
shares once more and the browser's own "stop sharing" (the track ends) does the same.

Over the mesh the screen is a new track on a new offer (the connection is made again);
over the SFU (a real Janus, mesh limit 1) the nurse's publisher carries an empty video
sender from the start, which the screen fills and leaves again."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from playwright.async_api import Browser, Page, expect

from server.config import Config
from tests.browser.helpers import login_as, seed_conversations
from tests.browser.test_video import wait_for_remote_video
from tests.browser.test_video_features import REMOTE_SIZE
from tests.video.harness import HarnessUnavailable, JanusServer, running_janus
from tests.video.meeting_support import video_config

pytestmark = pytest.mark.browser

# A browser without a camera: every request for video fails as when none is plugged in.
NO_CAMERA = """() => {
  const md = navigator.mediaDevices;
  const real = md.getUserMedia.bind(md);
  md.getUserMedia = (c) => c && c.video
    ? Promise.reject(new DOMException('Requested device not found', 'NotFoundError'))
    : real(c);
}"""

# The tile of the participant whose <video> is labelled `name`: what it plays and shows.
TILE = """(name) => {
  const v = [...document.querySelectorAll('dialog video')]
    .find(x => (x.getAttribute('aria-label') || '').startsWith(name));
  if (!v) return null;
  const fig = v.closest('figure');
  const s = v.srcObject;
  const live = (ts) => ts.filter(t => t.readyState === 'live').length;
  return {
    video: s ? live(s.getVideoTracks()) : 0,
    audio: s ? live(s.getAudioTracks()) : 0,
    large: fig.classList.contains('video-tile-screen'),
    picture: fig.querySelector('.video-empty').hidden,
    playing: !v.paused,
  };
}"""

# Received audio packets over every connection (the sound goes on around a renegotiation).
AUDIO_PACKETS = """async () => {
  let n = 0;
  for (const pc of window.__naraVideo.peers()) {
    (await pc.getStats()).forEach(r => {
      if (r.type === 'inbound-rtp' && r.kind === 'audio') n += r.packetsReceived || 0;
    });
  }
  return n;
}"""

# What Chromium's own "Sluta dela" does: the captured track ends.
BROWSER_STOPS_SHARING = """() => {
  for (const pc of window.__naraVideo.peers()) {
    for (const s of pc.getSenders()) {
      const t = s.track;
      if (t && t.kind === 'video') { t.stop(); t.dispatchEvent(new Event('ended')); return true; }
    }
  }
  return false;
}"""


@pytest.fixture(params=["mesh", pytest.param("sfu", marks=pytest.mark.janus)])
async def topology(request: pytest.FixtureRequest) -> AsyncIterator[JanusServer | None]:
    if request.param == "mesh":
        yield None
        return
    try:
        async with running_janus() as janus:
            yield janus
    except HarnessUnavailable as exc:
        pytest.skip(str(exc))


@pytest.fixture
def base_config(base_config: Config, topology: JanusServer | None) -> Config:
    if topology is None:
        return base_config
    return video_config(base_config, janus=topology, video_mesh_max=1)


async def tile(page: Page, name: str) -> dict[str, Any]:
    state: dict[str, Any] | None = await page.evaluate(TILE, name)
    assert state is not None, f"no tile for {name}"
    return state


async def wait_large_screen(page: Page, name: str) -> None:
    """The shared screen plays large: 16:9 (the fake camera is 4:3), a picture, frames."""
    await wait_for_remote_video(page, name, timeout_s=60)
    size = [0, 0]
    for _ in range(120):
        size = await page.evaluate(REMOTE_SIZE, name)
        if size[0] and size[1] and size[0] / size[1] > 1.5:
            break
        await page.wait_for_timeout(250)
    assert size[1] and size[0] / size[1] > 1.5, size
    state = await tile(page, name)
    assert state["large"] and state["picture"] and state["playing"], state


async def wait_no_picture(page: Page, name: str, video_tracks: int) -> dict[str, Any]:
    """Back to the tile without picture: not large, the placeholder, still playing sound."""
    state: dict[str, Any] = {}
    for _ in range(80):
        state = await tile(page, name)
        if not state["large"] and not state["picture"] and state["video"] == video_tracks:
            break
        await page.wait_for_timeout(250)
    assert not state["large"] and not state["picture"], state
    assert state["video"] == video_tracks and state["audio"] == 1 and state["playing"], state
    return state


async def sound_goes_on(page: Page) -> None:
    before = await page.evaluate(AUDIO_PACKETS)
    for _ in range(40):
        await page.wait_for_timeout(250)
        if await page.evaluate(AUDIO_PACKETS) > before:
            return
    raise AssertionError("no audio arrives")


async def test_staff_without_camera_shares_screen(
    server: Any, browser: Browser, topology: JanusServer | None
) -> None:
    sfu = topology is not None
    peers = 2 if sfu else 1  # a publisher and a subscription each, or one mesh connection
    # Over the SFU the nurse's empty video sender stays published (no picture shown).
    idle_video = 1 if sfu else 0
    ids = await seed_conversations(server)
    thread = ids["recipe"]
    nurse = await login_as(browser, server.base_url, "sara")
    patient = await login_as(browser, server.base_url, "anna")
    n, p = nurse.page, patient.page
    await n.evaluate(NO_CAMERA)

    await n.goto(f"/#/t/{thread}")
    await n.get_by_role("button", name="Starta videomöte").click()
    dialog = n.get_by_role("dialog")
    # Microphone only: the camera button has nothing to turn on or off.
    await expect(dialog.get_by_role("button", name="Stäng av mikrofonen")).to_be_enabled()
    await expect(dialog.get_by_role("button", name="Stäng av kameran")).to_be_disabled()
    await dialog.get_by_role("button", name="Gå in i mötet").click()
    await expect(dialog.get_by_role("heading", name=re.compile("^Videomöte: "))).to_be_visible()

    await p.goto(f"/#/t/{thread}")
    await p.get_by_role("button", name="Gå med i videomöte").click()
    pdialog = p.get_by_role("dialog")
    await pdialog.get_by_role("button", name="Gå till väntrummet").click()
    await expect(pdialog.get_by_text("Vänta, vårdpersonalen släpper in dig snart.")).to_be_visible()
    await dialog.get_by_role("button", name="Släpp in Anna Andersson").click()

    at_nurse = await wait_for_remote_video(n, "Anna Andersson", timeout_s=60)
    assert at_nurse["peers"] == peers, at_nurse
    sara_tile = pdialog.locator(".video-tile", has_text="Sara Lind")
    await expect(sara_tile).to_contain_text("kameran av")
    await wait_no_picture(p, "Sara Lind", idle_video)
    await sound_goes_on(p)

    for stop_by_browser in (False, True):
        await dialog.get_by_role("button", name="Dela skärmen").click()
        await expect(dialog.get_by_role("button", name="Sluta dela skärmen")).to_be_visible()
        shared = pdialog.locator(".video-tile-screen")
        await expect(shared).to_contain_text("Sara Lind")
        await expect(shared).to_contain_text("delar skärmen")
        await wait_large_screen(p, "Sara Lind")
        await expect(pdialog.locator(".video-stage-screen")).to_have_count(1)
        # Still one connection (mesh: made again, not a second one); both ways still work.
        assert await p.evaluate("window.__naraVideo.peers().length") == peers
        await wait_for_remote_video(n, "Anna Andersson")
        await sound_goes_on(p)

        if stop_by_browser:
            assert await n.evaluate(BROWSER_STOPS_SHARING)
        else:
            await dialog.get_by_role("button", name="Sluta dela skärmen").click()
        await expect(dialog.get_by_role("button", name="Dela skärmen")).to_be_visible()
        await expect(pdialog.locator(".video-tile-screen")).to_have_count(0)
        await expect(pdialog.locator(".video-stage-screen")).to_have_count(0)
        await expect(sara_tile).not_to_contain_text("delar skärmen")
        await wait_no_picture(p, "Sara Lind", idle_video)
        assert await p.evaluate("window.__naraVideo.peers().length") == peers
        await wait_for_remote_video(n, "Anna Andersson")
        await sound_goes_on(p)

    nurse.assert_clean()
    patient.assert_clean()
