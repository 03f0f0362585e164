"""A video meeting in two real Chromium contexts: the nurse starts it from Anna's thread,
Anna checks her camera and microphone and waits, the nurse admits her, and each side decodes
the other's video (fake camera, mesh over loopback: no TURN, no STUN). Host controls and
the closing messages; axe on the waiting room and the meeting; a screenshot of the meeting."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Page, expect

from tests.browser.helpers import PHONE, login_as, run_axe, seed_conversations

pytestmark = pytest.mark.browser

# Reads the page's own debug hook (src/video/index.ts): its peer connections' stats, and the
# <video> labelled with the other participant's name.
REMOTE_VIDEO = """async (name) => {
  const video = [...document.querySelectorAll('dialog video')]
    .find(v => (v.getAttribute('aria-label') || '').startsWith(name));
  let frames = 0;
  for (const pc of window.__naraVideo.peers()) {
    const stats = await pc.getStats();
    stats.forEach(r => {
      if (r.type === 'inbound-rtp' && r.kind === 'video') frames += r.framesDecoded || 0;
    });
  }
  return {
    width: video ? video.videoWidth : 0,
    playing: video ? !video.paused && video.readyState >= 2 : false,
    frames,
    peers: window.__naraVideo.peers().length,
    states: window.__naraVideo.peers().map(pc => [
      pc.signalingState, pc.iceConnectionState, pc.connectionState,
      pc.getReceivers().map(r => r.track.kind + ':' + r.track.readyState).join(' '),
    ]),
  };
}"""


async def wait_for_remote_video(page: Page, name: str, timeout_s: float = 30.0) -> dict[str, Any]:
    last: dict[str, Any] = {}
    for _ in range(int(timeout_s * 4)):
        last = await page.evaluate(REMOTE_VIDEO, name)
        if last["width"] > 0 and last["playing"] and last["frames"] > 0:
            return last
        await page.wait_for_timeout(250)
    raise AssertionError(f"no video from {name}: {last}")


async def assert_accessible(page: Page, where: str) -> None:
    violations = await run_axe(page)
    assert violations == [], f"{where}: {violations}"


async def test_nurse_admits_patient_and_both_see_video(
    server, browser: Browser, screenshots: Path
) -> None:
    ids = await seed_conversations(server)
    thread = ids["recipe"]
    nurse = await login_as(browser, server.base_url, "sara", bypass_csp=True)
    patient = await login_as(browser, server.base_url, "anna", bypass_csp=True)

    # The nurse starts a meeting from the thread header and goes in (hosts do not wait).
    n = nurse.page
    await n.goto(f"/#/t/{thread}")
    await n.get_by_role("button", name="Starta videomöte").click()
    dialog = n.get_by_role("dialog")
    await expect(
        dialog.get_by_role("heading", name="Kontrollera kamera och mikrofon")
    ).to_be_visible()
    await expect(dialog.get_by_text("Kameran och mikrofonen fungerar.")).to_be_visible()
    await dialog.get_by_role("button", name="Gå in i mötet").click()
    await expect(dialog.get_by_role("heading", name=re.compile("^Videomöte: "))).to_be_visible()
    await expect(dialog.get_by_role("heading", name="Väntrummet (0)")).to_be_visible()
    await expect(dialog.get_by_text("Ingen väntar.")).to_be_visible()

    # The patient sees the meeting in her thread, checks camera and microphone, and waits.
    p = patient.page
    await p.goto(f"/#/t/{thread}")
    await expect(p.get_by_text("Vårdpersonalen har startat ett videomöte med dig.")).to_be_visible()
    await p.get_by_role("button", name="Gå med i videomöte").click()
    pdialog = p.get_by_role("dialog")
    await expect(
        pdialog.get_by_role("heading", name="Kontrollera kamera och mikrofon")
    ).to_be_visible()
    await expect(pdialog.get_by_text("Kameran och mikrofonen fungerar.")).to_be_visible()
    preview = pdialog.get_by_label("Din kamera")
    await p.wait_for_function(
        "() => [...document.querySelectorAll('dialog video')].some(v => v.videoWidth > 0)"
    )
    assert await preview.evaluate("v => v.muted && v.autoplay && v.playsInline")
    await assert_accessible(p, "device check")
    # The microphone toggle works with the keyboard and says what it will do.
    await pdialog.get_by_role("button", name="Stäng av mikrofonen").focus()
    await p.keyboard.press("Enter")
    await expect(pdialog.get_by_role("button", name="Slå på mikrofonen")).to_be_focused()
    await p.keyboard.press("Enter")
    await expect(pdialog.get_by_role("button", name="Stäng av mikrofonen")).to_be_focused()
    await pdialog.get_by_role("button", name="Gå till väntrummet").click()
    await expect(pdialog.get_by_role("heading", name="Väntrummet")).to_be_visible()
    await expect(pdialog.get_by_text("Vänta, vårdpersonalen släpper in dig snart.")).to_be_visible()
    await assert_accessible(p, "patient waiting room")

    # The nurse sees her in the waiting room (name, role, since when) and lets her in.
    waiting = dialog.locator(".video-waiting-room")
    await expect(waiting.get_by_role("heading", name="Väntrummet (1)")).to_be_visible()
    await expect(waiting).to_contain_text("Anna Andersson")
    await expect(waiting).to_contain_text("patient")
    await expect(waiting).to_contain_text(re.compile(r"väntar sedan \d\d:\d\d"))
    await expect(dialog.locator(".video-status")).to_contain_text(
        "Anna Andersson väntar i väntrummet."
    )
    await assert_accessible(n, "host meeting with a waiting patient")
    await waiting.get_by_role("button", name="Släpp in Anna Andersson").click()

    # Both are in; each side's remote video plays and decodes frames.
    await expect(dialog.get_by_role("heading", name="Deltagare (2)")).to_be_visible()
    participants = dialog.locator(
        ".video-panel", has=n.get_by_role("heading", name="Deltagare (2)")
    )
    await expect(participants).to_contain_text("Du (Sara Lind) – vårdpersonal, värd, sjuksköterska")
    await expect(participants).to_contain_text("Anna Andersson – patient")
    await expect(pdialog.get_by_role("heading", name=re.compile("^Videomöte: "))).to_be_visible()
    await expect(pdialog.get_by_label("Sara Lind, vårdpersonal, värd")).to_be_visible()
    await expect(dialog.get_by_label("Anna Andersson, patient")).to_be_visible()
    at_nurse = await wait_for_remote_video(n, "Anna Andersson")
    at_patient = await wait_for_remote_video(p, "Sara Lind")
    assert at_nurse["peers"] == 1 and at_patient["peers"] == 1, (at_nurse, at_patient)
    for video in (
        dialog.get_by_label("Anna Andersson, patient"),
        pdialog.get_by_label("Sara Lind, vårdpersonal, värd"),
    ):
        assert await video.evaluate("v => v.autoplay && v.playsInline && !v.muted")
    await assert_accessible(p, "patient in the meeting")
    await assert_accessible(n, "host in the meeting")
    await n.wait_for_timeout(500)  # a few more frames for the picture
    await n.screenshot(path=screenshots / "video-meeting.png")
    assert (screenshots / "video-meeting.png").stat().st_size > 10_000

    # The host asks her to mute: she is told why, and her microphone is off.
    await participants.get_by_role("button", name="Be stänga av mikrofonen: Anna Andersson").click()
    await expect(dialog.locator(".video-status")).to_contain_text("Vi har bett Anna Andersson")
    await expect(pdialog.get_by_role("alert")).to_contain_text(
        "Sara Lind bad dig stänga av mikrofonen"
    )
    await expect(pdialog.get_by_role("button", name="Slå på mikrofonen")).to_be_visible()
    assert await p.evaluate(
        "() => [...document.querySelectorAll('dialog video')].find(v => v.muted)"
        ".srcObject.getAudioTracks().every(t => !t.enabled)"
    )
    await expect(participants).to_contain_text("Anna Andersson – patient, mikrofonen av")
    await expect(dialog.locator(".video-tile", has_text="Anna Andersson")).to_contain_text(
        "Anna Andersson, patient – mikrofonen av"
    )

    # The host ends the meeting for everyone, after a confirmation.
    await dialog.get_by_role("button", name="Avsluta mötet för alla").click()
    await dialog.get_by_role("button", name="Ja, avsluta för alla").click()
    await expect(pdialog.get_by_role("alert")).to_have_text("Sara Lind har avslutat mötet.")
    await expect(dialog.get_by_role("alert")).to_have_text("Sara Lind har avslutat mötet.")
    assert await p.evaluate("window.__naraVideo.peers().length") == 0
    await pdialog.get_by_role("button", name="Stäng").click()
    await expect(p.get_by_role("dialog")).to_have_count(0)
    # An ended meeting is not offered again.
    await expect(p.get_by_role("button", name="Gå med i videomöte")).to_have_count(0)
    nurse.assert_clean()
    patient.assert_clean()


async def test_guest_link_three_way_mesh_remove_and_phone(
    server, browser: Browser, screenshots: Path
) -> None:
    """A guest link for copying that works without an account; three in a mesh; a removed
    patient is told so; the waiting room and the meeting fit 360 px."""
    ids = await seed_conversations(server)
    thread = ids["recipe"]
    nurse = await login_as(browser, server.base_url, "sara")
    patient = await login_as(browser, server.base_url, "anna", PHONE)

    n = nurse.page
    await n.goto(f"/#/t/{thread}")
    await n.get_by_role("button", name="Starta videomöte").click()
    dialog = n.get_by_role("dialog")
    await dialog.get_by_role("button", name="Gå in i mötet").click()
    await dialog.get_by_label("Gästens namn (till exempel tolk)").fill("Tolk Amir")
    await dialog.get_by_role("button", name="Skapa länk").click()
    link = dialog.get_by_label("Länk till Tolk Amir")
    await expect(link).to_be_focused()
    await expect(link).to_have_value(re.compile(r"^http://.+/#/video/[0-9a-f-]+\?invite=.{20,}$"))

    # A guest opens the link without an account, checks devices and waits like a patient.
    url = await link.input_value()
    guest_context = await browser.new_context(locale="sv-SE", viewport=PHONE)
    g = await guest_context.new_page()
    guest_errors: list[str] = []
    g.on("pageerror", lambda e: guest_errors.append(str(e)))
    await g.goto(url)
    gdialog = g.get_by_role("dialog")
    await expect(gdialog.get_by_text("Kameran och mikrofonen fungerar.")).to_be_visible()
    await gdialog.get_by_role("button", name="Gå till väntrummet").click()
    await expect(gdialog.get_by_text("Vänta, vårdpersonalen släpper in dig snart.")).to_be_visible()
    waiting = dialog.locator(".video-waiting-room")
    await expect(waiting).to_contain_text("Tolk Amir – gäst, väntar sedan")
    await waiting.get_by_role("button", name="Släpp in Tolk Amir").click()
    await expect(gdialog.get_by_label("Sara Lind, vårdpersonal, värd")).to_be_visible()
    await wait_for_remote_video(g, "Sara Lind")

    p = patient.page
    await p.goto(f"/#/t/{thread}")
    await p.get_by_role("button", name="Gå med i videomöte").click()
    pdialog = p.get_by_role("dialog")
    await pdialog.get_by_role("button", name="Gå till väntrummet").click()
    await expect(pdialog.get_by_text("Vänta, vårdpersonalen släpper in dig snart.")).to_be_visible()
    width = await p.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, width
    await p.screenshot(path=screenshots / "video-waiting-phone.png")

    await dialog.get_by_role("button", name="Släpp in Anna Andersson").click()
    await expect(pdialog.get_by_label("Sara Lind, vårdpersonal, värd")).to_be_visible()
    width = await p.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, width
    box = await pdialog.bounding_box()
    assert box is not None and box["width"] <= 360, box
    await wait_for_remote_video(p, "Sara Lind")
    await wait_for_remote_video(p, "Tolk Amir")
    assert await p.evaluate("window.__naraVideo.peers().length") == 2
    await p.screenshot(path=screenshots / "video-meeting-phone.png")

    await dialog.get_by_role("button", name="Ta bort Anna Andersson från mötet").click()
    await expect(pdialog.get_by_role("alert")).to_have_text(
        "Vårdpersonalen har tagit bort dig från mötet."
    )
    # Three in a mesh: the patient got both others' video; now she is gone, the guest stays.
    await expect(dialog.get_by_role("heading", name="Deltagare (2)")).to_be_visible()
    await expect(gdialog.get_by_label("Anna Andersson, patient")).to_have_count(0)
    # The nurse leaves; the guest is told; the meeting stays open for her to come back to.
    await dialog.get_by_role("button", name="Lämna mötet").click()
    await expect(dialog.get_by_role("alert")).to_have_text("Du har lämnat mötet.")
    await expect(gdialog.get_by_role("alert")).to_contain_text("Vårdpersonalen har lämnat mötet")
    await dialog.get_by_role("button", name="Stäng").click()
    await expect(n.get_by_role("button", name="Gå med i videomötet")).to_be_visible()
    assert guest_errors == []
    await guest_context.close()
    nurse.assert_clean()
    patient.assert_clean()
