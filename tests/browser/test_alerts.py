"""The acute alert banner: it names the patient and the presentation, survives a reload, and
goes away for every colleague when one of them presses "Kvittera". Safety-net advice for a
serious but not acute message is shown in the patient's thread."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from tests.browser.helpers import login_as, message_log, run_axe, write_new_message

pytestmark = pytest.mark.browser

ACUTE = "Min pappa har plötsligt blivit sned i ansiktet och kan inte prata, armen är helt slapp"
URGENT = "Vaden på höger ben är varm och svullen, jag har flugit långt i veckan."


async def test_alert_banner_stays_until_kvittera(server, browser: Browser, screenshots: Path):
    nurse = await login_as(browser, server.base_url, "sara", bypass_csp=True)
    doctor = await login_as(browser, server.base_url, "lars")
    for staff in (nurse, doctor):
        await staff.page.get_by_role("heading", name="Inkorg").wait_for()
    patient = await login_as(browser, server.base_url, "anna")
    await write_new_message(patient.page, ACUTE, to="Jag vet inte vem")
    await expect(patient.page.get_by_role("alert").filter(has_text="Ring 112 nu")).to_be_visible()

    # Live: the banner names the patient and what the router found, never the personnummer.
    banner = nurse.page.get_by_role("alert").filter(has_text="Akut larm")
    await expect(banner).to_be_visible()
    await expect(banner).to_contain_text("Anna Andersson")
    text = await banner.inner_text()
    assert "19850312" not in text and "850312" not in text
    await expect(doctor.page.get_by_role("alert").filter(has_text="Anna Andersson")).to_be_visible()
    assert await run_axe(nurse.page) == []
    await nurse.page.screenshot(path=screenshots / "staff-acute-alert.png")

    # A reload keeps it: the open alerts come from GET /api/v1/alerts.
    await doctor.page.reload()
    await doctor.page.get_by_role("heading", name="Inkorg").wait_for()
    doctor_banner = doctor.page.get_by_role("alert").filter(has_text="Akut larm")
    await expect(doctor_banner).to_contain_text("Anna Andersson")

    # Kvittera here: gone here, and live at the colleague's; the patient's thread records it.
    await banner.get_by_role("button", name="Kvittera").click()
    await expect(banner).to_have_count(0)
    await expect(nurse.page.get_by_role("status").filter(has_text="kvitterat")).to_have_count(1)
    await expect(doctor_banner).to_have_count(0)
    await expect(message_log(patient.page)).to_contain_text("Larmet kvitterat av Sara Lind")
    await doctor.page.reload()
    await doctor.page.get_by_role("heading", name="Inkorg").wait_for()
    await expect(doctor.page.locator(".acute-alert")).to_have_count(0)

    for user in (nurse, doctor, patient):
        user.assert_clean()


async def test_safety_net_advice_is_shown_in_the_thread(
    server, browser: Browser, screenshots: Path
):
    patient = await login_as(browser, server.base_url, "bertil")
    page = patient.page
    await write_new_message(page, "Jag vill förnya mitt recept på Levaxin")
    await page.get_by_label("Skriv ett svar").fill(URGENT)
    await page.get_by_role("button", name="Skicka").click()
    note = page.locator(".message-safety-net")
    await expect(note).to_contain_text("Om det blir värre")
    await expect(note).to_contain_text("112")
    await expect(note.get_by_role("link", name="Ring 112")).to_have_attribute("href", "tel:112")
    await expect(page.get_by_role("alert").filter(has_text="Ring 112 nu")).to_have_count(0)
    await note.scroll_into_view_if_needed()
    await page.screenshot(path=screenshots / "patient-safety-net.png")
    # Stored: it is still there after a reload.
    await page.reload()
    await expect(page.locator(".message-safety-net")).to_contain_text("Om det blir värre")
    patient.assert_clean()
