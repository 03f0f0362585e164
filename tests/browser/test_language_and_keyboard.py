"""English as a choice, and the patient's way through with the keyboard only."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Page, expect

from server.demo import DEMO_PASSWORD
from tests.browser.helpers import PHONE, login_as, message_log, open_page, seed_conversations

pytestmark = pytest.mark.browser


async def tab_to(page: Page, name: str, limit: int = 40) -> None:
    """Press Tab until the focused element's accessible text or label is ``name``."""
    for _ in range(limit):
        await page.keyboard.press("Tab")
        focused = await page.evaluate(
            """() => {
                const el = document.activeElement;
                if (!el) return '';
                const label = el.labels && el.labels[0] ? el.labels[0].textContent : '';
                return (label || el.getAttribute('aria-label') || el.textContent || '').trim();
            }"""
        )
        if focused == name:
            return
    raise AssertionError(f"Tab never reached {name!r}")


async def test_english_is_a_choice_and_stays_chosen(server, browser: Browser) -> None:
    user = await open_page(browser, server.base_url)
    page = user.page
    await page.get_by_role("button", name="Change language to English").click()
    await expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    await page.get_by_label("Username").fill("anna")
    await page.get_by_label("Password").fill(DEMO_PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await expect(page.get_by_role("heading", name="Your fixed care contact")).to_be_visible()
    await expect(page.get_by_text("You get an answer within 2 working days.")).to_be_visible()
    await page.reload()
    await expect(page.get_by_role("heading", name="Your fixed care contact")).to_be_visible()
    await page.get_by_role("button", name="Byt språk till svenska").click()
    await expect(
        page.get_by_role("heading", name="Din fasta vårdkontakt", exact=True)
    ).to_be_visible()
    await expect(page.locator("html")).to_have_attribute("lang", "sv")
    user.assert_clean()


async def test_patient_writes_with_the_keyboard_only(server, browser: Browser) -> None:
    user = await open_page(browser, server.base_url)
    page = user.page
    await tab_to(page, "Användarnamn")
    await page.keyboard.type("bertil")
    await tab_to(page, "Lösenord")
    await page.keyboard.type(DEMO_PASSWORD)
    await page.keyboard.press("Enter")
    await page.get_by_role("heading", name="Din fasta vårdkontakt", exact=True).wait_for()

    await tab_to(page, "Skriv nytt meddelande")
    outline = await page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none"), "the focused link must show a visible focus ring"
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", name="Nytt meddelande")).to_be_focused()
    await tab_to(page, "Ditt meddelande")
    await page.keyboard.type("Jag behöver boka om min tid hos sjukgymnasten.")
    await tab_to(page, "Skicka")
    await page.keyboard.press("Enter")
    log = message_log(page)
    await expect(log.get_by_text("boka om min tid hos sjukgymnasten")).to_be_visible()
    await expect(page.get_by_role("heading", level=1)).to_be_focused()
    user.assert_clean()


async def test_staff_inbox_on_a_phone(server, browser: Browser) -> None:
    """360 px: the inbox, then one thread with a way back, without sideways scrolling."""
    await seed_conversations(server)
    staff = await login_as(browser, server.base_url, "sara", PHONE)
    page = staff.page
    await page.locator(".inbox-item", has_text="Levaxin").get_by_role("link").click()
    await expect(page.get_by_role("heading", name="Inkorg")).to_be_hidden()
    await expect(message_log(page).get_by_text("tre månader")).to_be_visible()
    assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    await page.get_by_role("link", name="Inkorg").click()
    await expect(page.get_by_role("heading", name="Inkorg")).to_be_visible()
    staff.assert_clean()
