"""WCAG 2.1 AA with axe-core on the login page, the patient view and the staff inbox; the
inbox order; and screenshots of the views (tests/artifacts/screenshots/)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from tests.browser.helpers import (
    DESKTOP,
    PHONE,
    login_as,
    message_log,
    open_page,
    run_axe,
    seed_conversations,
)

pytestmark = pytest.mark.browser

URGENCY_ORDER = ["Akut", "Brådskande", "Snart", "Rutin", "Ej bedömd"]


async def assert_accessible(page: Page, where: str) -> None:
    violations = await run_axe(page)
    assert violations == [], f"{where}: {violations}"


async def no_horizontal_scroll(page: Page) -> None:
    width = await page.evaluate("document.documentElement.scrollWidth")
    viewport = await page.evaluate("window.innerWidth")
    assert width <= viewport, f"the page is {width}px wide in a {viewport}px window"


async def test_axe_finds_no_serious_violations(server, browser: Browser) -> None:
    ids = await seed_conversations(server)

    anonymous = await open_page(browser, server.base_url, bypass_csp=True)
    await assert_accessible(anonymous.page, "login page")

    for viewport in (DESKTOP, PHONE):
        patient = await login_as(browser, server.base_url, "anna", viewport, bypass_csp=True)
        page = patient.page
        await page.get_by_role("heading", name="Din fasta vårdkontakt", exact=True).wait_for()
        await assert_accessible(page, f"patient home {viewport['width']}px")
        await page.goto(f"/#/t/{ids['recipe']}")
        await expect(message_log(page).get_by_text("skickat receptet")).to_be_visible()
        await assert_accessible(page, f"patient thread {viewport['width']}px")
        await no_horizontal_scroll(page)
        await page.goto("/#/new")
        await page.get_by_label("Ditt meddelande").wait_for()
        await assert_accessible(page, f"patient new message {viewport['width']}px")
        await no_horizontal_scroll(page)
        patient.assert_clean()
        await patient.context.close()

    staff = await login_as(browser, server.base_url, "sara", bypass_csp=True)
    page = staff.page
    await expect(page.locator(".inbox-item")).to_have_count(4)
    await assert_accessible(page, "staff inbox")
    await page.locator(".inbox-item", has_text="Levaxin").get_by_role("link").click()
    await expect(message_log(page).get_by_text("tre månader")).to_be_visible()
    await assert_accessible(page, "staff thread")
    staff.assert_clean()


async def test_inbox_is_sorted_by_urgency_then_due_time(server, browser: Browser) -> None:
    await seed_conversations(server)
    staff = await login_as(browser, server.base_url, "sara")
    items = staff.page.locator(".inbox-item")
    await expect(items).to_have_count(4)
    labels = await items.locator(".urgency").all_text_contents()
    ranks = [URGENCY_ORDER.index(label) for label in labels]
    assert ranks == sorted(ranks), labels
    # The one whose promised time has passed is marked overdue; reasons are shown.
    overdue = staff.page.locator(".inbox-item", has_text="boka om")
    await expect(overdue.locator(".overdue")).to_have_text("Försenat")
    await expect(
        staff.page.locator(".inbox-item", has_text="feber").locator(".reasons")
    ).to_contain_text("feber")
    staff.assert_clean()


async def test_screenshots_of_the_views(server, browser: Browser, screenshots: Path) -> None:
    ids = await seed_conversations(server)
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        patient = await login_as(browser, server.base_url, "anna", viewport)
        page = patient.page
        await page.get_by_role("heading", name="Din fasta vårdkontakt", exact=True).wait_for()
        await expect(page.locator(".thread-item")).to_have_count(2)
        await page.screenshot(path=screenshots / f"patient-{name}.png", full_page=True)
        await page.goto(f"/#/t/{ids['recipe']}")
        await expect(message_log(page).get_by_text("skickat receptet")).to_be_visible()
        await expect(page.get_by_text("Läst av vården")).to_be_visible()
        await page.screenshot(path=screenshots / f"patient-thread-{name}.png", full_page=True)
        patient.assert_clean()
        await patient.context.close()

    staff = await login_as(browser, server.base_url, "sara")
    page = staff.page
    await expect(page.locator(".inbox-item")).to_have_count(4)
    await page.locator(".inbox-item", has_text="Levaxin").get_by_role("link").click()
    await expect(message_log(page).get_by_text("tre månader")).to_be_visible()
    await page.screenshot(path=screenshots / "staff-inbox.png", full_page=True)
    staff.assert_clean()
    for shot in ("patient-desktop", "patient-phone", "staff-inbox"):
        assert (screenshots / f"{shot}.png").stat().st_size > 10_000
