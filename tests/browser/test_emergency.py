"""An acute message through "Jag vet inte vem": the patient is told to call 112 at once, and
the care unit's staff get a live alert."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from tests.browser.helpers import login_as, write_new_message

pytestmark = pytest.mark.browser

ACUTE = "Jag har ont i bröstet och kan inte andas"


async def test_acute_message_shows_call_112_and_alerts_staff(
    server, browser: Browser, screenshots: Path
) -> None:
    doctor = await login_as(browser, server.base_url, "dan")  # heart team: gets the thread
    await doctor.page.get_by_role("heading", name="Inkorg").wait_for()
    patient = await login_as(browser, server.base_url, "bertil")
    page = patient.page

    await write_new_message(page, ACUTE, to="Jag vet inte vem")

    alert = page.get_by_role("alert").filter(has_text="Ring 112 nu")
    await expect(alert).to_be_visible()
    await expect(alert).to_be_focused()
    await expect(alert.get_by_role("link", name="Ring 112")).to_have_attribute("href", "tel:112")
    await expect(alert.get_by_role("link", name="Ring 1177")).to_have_attribute("href", "tel:1177")
    await expect(alert).to_contain_text("112")
    box = await alert.bounding_box()
    assert box is not None and box["y"] < 900, "the alert must be on the first screen"
    await page.screenshot(path=screenshots / "patient-emergency.png")

    # Staff of the unit are alerted live; the thread is on top of the team's inbox as acute.
    staff_alert = doctor.page.get_by_role("alert").filter(has_text="Akut")
    await expect(staff_alert).to_be_visible()
    first = doctor.page.locator(".inbox-item").first
    await expect(first.locator(".urgency")).to_have_text("Akut")
    await expect(first).to_contain_text("Akut:")
    await staff_alert.get_by_role("link", name="Öppna ärendet").click()
    await expect(doctor.page.get_by_role("heading", name=ACUTE)).to_be_focused()

    patient.assert_clean()
    doctor.assert_clean()


async def test_acute_reply_in_an_existing_thread_also_shows_the_alert(
    server, browser: Browser
) -> None:
    patient = await login_as(browser, server.base_url, "anna")
    page = patient.page
    await write_new_message(page, "Jag behöver förnya mitt recept.")
    await page.get_by_label("Skriv ett svar").fill(ACUTE)
    await page.get_by_role("button", name="Skicka").click()
    alert = page.get_by_role("alert").filter(has_text="Ring 112 nu")
    await expect(alert).to_be_visible()
    await expect(alert).to_be_focused()
    await alert.get_by_role("button", name="Jag har förstått").click()
    await expect(alert).to_have_count(0)
    # The automatic reply stays in the thread with the numbers to call.
    note = page.locator(".message-emergency")
    await expect(note.get_by_role("link", name="Ring 112")).to_have_attribute("href", "tel:112")
    patient.assert_clean()
