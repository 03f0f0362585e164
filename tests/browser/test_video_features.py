"""What people expect of a video meeting, in real Chromium: the patient's home page announces
the meeting live, on a 360 px phone every control stays on screen, the in-meeting chat (stored
in the thread), screen sharing by staff shown large to the others, connection quality from
RTCStats, and a colleague of another organisation invited by directory search who finds the
meeting in her inbox. Screenshots in docs/screenshots."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from tests.browser.helpers import PHONE, login_as, seed_conversations
from tests.browser.test_video import assert_accessible, wait_for_remote_video

pytestmark = pytest.mark.browser
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

REMOTE_SIZE = """(name) => {
  const v = [...document.querySelectorAll('dialog video')]
    .find(x => (x.getAttribute('aria-label') || '').startsWith(name));
  return v ? [v.videoWidth, v.videoHeight] : [0, 0];
}"""


async def controls_on_screen(page: Page) -> list[str]:
    """Buttons of the meeting's control bar that are not wholly inside the viewport."""
    out: list[str] = await page.evaluate(
        """() => [...document.querySelectorAll('dialog .video-controls button')]
          .filter(b => { const r = b.getBoundingClientRect();
                         return r.top < 0 || r.left < 0 || r.bottom > innerHeight
                                || r.right > innerWidth || r.width === 0; })
          .map(b => b.textContent)"""
    )
    return out


async def test_announced_phone_chat_screen_quality_and_colleague(
    server, browser: Browser
) -> None:
    DOCS.mkdir(parents=True, exist_ok=True)
    ids = await seed_conversations(server)
    thread = ids["recipe"]
    nurse = await login_as(browser, server.base_url, "sara", bypass_csp=True)
    patient = await login_as(browser, server.base_url, "anna", PHONE, bypass_csp=True)
    colleague = await login_as(browser, server.base_url, "maja")
    n, p, m = nurse.page, patient.page, colleague.page
    await p.goto("/#/")  # Anna is on her home page, not in the thread

    await n.goto(f"/#/t/{thread}")
    await n.get_by_role("button", name="Starta videomöte").click()
    dialog = n.get_by_role("dialog")
    await dialog.get_by_role("button", name="Gå in i mötet").click()
    heading = dialog.get_by_role("heading", name=re.compile("^Videomöte: "))
    await expect(heading).to_be_visible()
    title = await heading.text_content()
    assert title and title.startswith("Videomöte: ")

    # The home page announces it at once (live, no reload) and takes her in from there.
    banner = p.locator("[data-meeting-banner]")
    await expect(banner).to_contain_text(f"Videomöte pågår: {title}")
    await banner.get_by_role("button", name=f"Öppna mötet: {title}").click()
    pdialog = p.get_by_role("dialog")
    await expect(pdialog.get_by_text("Kameran och mikrofonen fungerar.")).to_be_visible()
    await pdialog.get_by_role("button", name="Gå till väntrummet").click()
    await dialog.get_by_role("button", name="Släpp in Anna Andersson").click()
    await wait_for_remote_video(p, "Sara Lind")
    await wait_for_remote_video(n, "Anna Andersson")

    # A two-party call on a 360 px phone: every control is on the screen.
    assert await controls_on_screen(p) == []
    assert await p.evaluate("document.documentElement.scrollWidth") <= 360
    await expect(pdialog.get_by_role("button", name="Lämna mötet")).to_be_in_viewport()
    await p.screenshot(path=DOCS / "video-phone-two-party.png")

    # Chat in the meeting, both ways; lines of people with an account are stored.
    chat = dialog.locator(".video-chat")
    await chat.get_by_label("Skriv ett meddelande").fill("Hej Anna, hör du mig?")
    await chat.get_by_role("button", name="Skicka").click()
    pchat = pdialog.locator(".video-chat")
    await expect(pchat).to_contain_text("Hej Anna, hör du mig?")
    await pchat.get_by_label("Skriv ett meddelande").fill("Ja, tydligt!")
    await pchat.get_by_role("button", name="Skicka").click()
    await expect(chat).to_contain_text("Ja, tydligt!")
    await expect(chat).not_to_contain_text("visas bara i mötet")
    sara = await server.login("sara")
    stored = await sara.ok("GET", f"/api/v1/threads/{thread}/messages")
    rows = stored["messages"] if isinstance(stored, dict) else stored
    bodies = [x["body"] for x in rows]
    assert "Hej Anna, hör du mig?" in bodies and "Ja, tydligt!" in bodies
    await assert_accessible(n, "host with chat")

    # Connection quality from RTCStats, in each caption.
    await expect(dialog.locator(".video-tile", has_text="Anna Andersson").locator(
        "[data-quality]"
    )).to_have_text(re.compile("anslutning"), timeout=15_000)

    # The nurse shares her screen: the patient sees it large (16:9, not the 4:3 camera).
    await expect(pdialog.get_by_role("button", name="Dela skärmen")).to_have_count(0)
    await dialog.get_by_role("button", name="Dela skärmen").click()
    await expect(dialog.get_by_role("button", name="Sluta dela skärmen")).to_be_visible()
    shared = pdialog.locator(".video-tile-screen")
    await expect(shared).to_contain_text("Sara Lind")
    await expect(shared).to_contain_text("delar skärmen")
    for _ in range(60):
        w, h = await p.evaluate(REMOTE_SIZE, "Sara Lind")
        if w and h and w / h > 1.5:
            break
        await p.wait_for_timeout(250)
    assert w / h > 1.5, (w, h)
    assert await controls_on_screen(p) == []
    await shared.scroll_into_view_if_needed()
    await p.screenshot(path=DOCS / "video-phone-screen-share.png")
    await n.screenshot(path=DOCS / "video-desktop-chat-screen.png")
    await dialog.get_by_role("button", name="Sluta dela skärmen").click()
    await expect(pdialog.locator(".video-tile-screen")).to_have_count(0)

    # A colleague of another organisation, found in the directory and invited ...
    panel = dialog.locator("details", has_text="Bjud in en kollega")
    await panel.locator("summary").click()
    await panel.get_by_label("Sök på namn, yrke eller enhet").fill("Maja")
    await panel.get_by_role("button", name="Sök").click()
    invite = panel.get_by_role("button", name=re.compile("^Bjud in Maja"))
    await expect(invite).to_be_visible()
    await expect(panel).to_contain_text("Växjö kommun")
    await invite.click()
    await expect(panel).to_contain_text("hittar mötet i sin inkorg")
    # ... finds it in her inbox (live) and goes straight in.
    mbanner = m.locator("[data-meeting-banner]")
    await expect(mbanner).to_contain_text(f"Videomöte pågår: {title}")
    await mbanner.get_by_role("button", name=f"Öppna mötet: {title}").click()
    mdialog = m.get_by_role("dialog")
    await mdialog.get_by_role("button", name="Gå in i mötet").click()
    await expect(dialog.get_by_role("heading", name="Deltagare (3)")).to_be_visible()
    await wait_for_remote_video(m, "Sara Lind")
    await wait_for_remote_video(p, "Maja")
    await m.screenshot(path=DOCS / "video-colleague-invited.png")

    # Ended: the announcement goes away everywhere.
    await dialog.get_by_role("button", name="Avsluta mötet för alla").click()
    await dialog.get_by_role("button", name="Ja, avsluta för alla").click()
    await expect(pdialog.get_by_role("alert")).to_contain_text("har avslutat mötet")
    await pdialog.get_by_role("button", name="Stäng").click()
    await expect(banner).to_be_hidden()
    await expect(mbanner).to_be_hidden()
    for user in (nurse, patient, colleague):
        user.assert_clean()
