"""Staff actions in the browser: take a thread, internal notes the patient never sees, close
it (the patient's composer follows live), and transfer to another team."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from tests.browser.helpers import login_as, message_log, seed_conversations

pytestmark = pytest.mark.browser


async def test_assign_note_answer_and_close(server, browser: Browser) -> None:
    ids = await seed_conversations(server)
    nurse = await login_as(browser, server.base_url, "sara")
    patient = await login_as(browser, server.base_url, "bertil")
    await patient.page.goto(f"/#/t/{ids['labs']}")
    patient_log = message_log(patient.page)
    await expect(patient_log.get_by_text("blodprover")).to_be_visible()

    page = nurse.page
    item = page.locator(".inbox-item", has_text="blodprover")
    await expect(item).to_contain_text("Handläggare: Ingen")
    await item.get_by_role("link").click()
    await page.get_by_role("button", name="Ta ärendet", exact=True).click()
    await expect(page.get_by_text("Du har ärendet")).to_be_visible()
    await expect(item).to_contain_text("Handläggare: Sara Lind")

    await page.get_by_label("Intern anteckning").check()
    await page.get_by_label("Skriv en intern anteckning").fill("Provsvaren är inte klara än.")
    await page.get_by_role("button", name="Skicka").click()
    note = message_log(page).locator(".message-note", has_text="inte klara")
    await expect(note).to_contain_text("Intern anteckning")

    await page.get_by_label("Svar till patienten").check()
    await page.get_by_label("Skriv ett svar").fill("Dina provsvar kommer på fredag.")
    await page.get_by_role("button", name="Skicka").click()
    await expect(patient_log.get_by_text("Dina provsvar kommer på fredag.")).to_be_visible()
    await expect(patient_log.get_by_text("inte klara")).to_have_count(0)

    await page.get_by_role("button", name="Avsluta ärendet").click()
    await expect(page.get_by_role("button", name="Öppna igen")).to_be_visible()
    await expect(item).to_have_count(0)  # gone from the ongoing tab
    await page.get_by_role("button", name="Avslutade").click()
    await expect(page.locator(".inbox-item", has_text="blodprover")).to_be_visible()

    # The patient's open thread follows live: no composer, a way to write a new message.
    await expect(patient.page.get_by_text("Ärendet är avslutat. Skriv ett nytt")).to_be_visible()
    await expect(patient.page.get_by_label("Skriv ett svar")).to_have_count(0)
    await page.get_by_role("button", name="Öppna igen").click()
    await expect(patient.page.get_by_label("Skriv ett svar")).to_be_visible()
    nurse.assert_clean()
    patient.assert_clean()


async def test_transfer_moves_the_thread_out_of_my_inbox(server, browser: Browser) -> None:
    ids = await seed_conversations(server)
    nurse = await login_as(browser, server.base_url, "sara")
    page = nurse.page
    await page.locator(".inbox-item", has_text="feber").get_by_role("link").click()
    await page.get_by_label("Flytta till team").select_option(label="Rehabilitering")
    await page.get_by_role("button", name="Flytta", exact=True).click()
    await expect(page.locator(".inbox-item", has_text="feber")).to_have_count(0)
    await expect(page.get_by_role("heading", name="Inkorg")).to_be_focused()

    physio = await server.login("fia")
    threads = (await physio.ok("GET", "/api/v1/threads"))["threads"]
    moved = next(t for t in threads if t["id"] == ids["fever"])
    assert moved["team"]["name"] == "Rehabilitering"
    nurse.assert_clean()
