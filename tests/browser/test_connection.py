"""Connection loss: the banner shows, and after the reconnect every message is there once."""

from __future__ import annotations

import uuid

import pytest
from playwright.async_api import Browser, expect

from tests.browser.helpers import login_as, message_log, write_new_message
from tests.support.flows import history, send

pytestmark = pytest.mark.browser


async def test_offline_banner_and_catch_up_without_gaps_or_doubles(
    server, browser: Browser
) -> None:
    sara = await server.login("sara")
    patient = await login_as(browser, server.base_url, "anna")
    page = patient.page
    tag = uuid.uuid4().hex[:6]
    await write_new_message(page, f"Hej, jag har en fråga om min medicin. ({tag})")
    log = message_log(page)
    await expect(log.get_by_text(tag)).to_be_visible()
    thread_id = page.url.rsplit("/", 1)[-1]
    banner = page.get_by_text("Anslutningen bröts – försöker igen")
    await expect(banner).to_be_hidden()

    await patient.context.set_offline(True)
    await expect(banner).to_be_visible()

    # While the patient is away: two answers arrive, and the patient writes one (queued).
    missed = [f"Svar ett medan du var borta ({tag})", f"Svar två medan du var borta ({tag})"]
    for text in missed:
        await send(sara, thread_id, text)
    queued = f"Jag skrev detta utan uppkoppling ({tag})"
    await page.get_by_label("Skriv ett svar").fill(queued)
    await page.get_by_role("button", name="Skicka").click()
    pending = log.locator(".message-pending", has_text=queued)
    await expect(pending).to_contain_text("Skickas")

    await patient.context.set_offline(False)
    await expect(banner).to_be_hidden(timeout=15_000)
    for text in [*missed, queued]:
        await expect(log.locator(".message-body", has_text=text)).to_have_count(1)
    await expect(log.locator(".message-pending")).to_have_count(0)

    # A later live message still arrives once, and the server stored the queued one once.
    after = f"Svar efter återanslutningen ({tag})"
    await send(sara, thread_id, after)
    await expect(log.locator(".message-body", has_text=after)).to_have_count(1)
    bodies = [m["body"] for m in await history(sara, thread_id)]
    assert bodies.count(queued) == 1
    seqs = await log.locator("li.message").evaluate_all(
        "items => items.map(li => Number(li.dataset.seq))"
    )
    assert seqs == sorted(seqs) and len(seqs) == len(set(seqs)), seqs
    patient.assert_clean()


async def test_an_ended_session_leads_back_to_the_login_page(server, browser: Browser) -> None:
    patient = await login_as(browser, server.base_url, "anna")
    page = patient.page
    await page.get_by_role("heading", name="Din fasta vårdkontakt", exact=True).wait_for()
    await patient.context.clear_cookies()  # as when the session expires or is revoked
    await patient.context.set_offline(True)
    await expect(page.get_by_text("Anslutningen bröts – försöker igen")).to_be_visible()
    await patient.context.set_offline(False)
    await expect(page.get_by_role("heading", name="Logga in")).to_be_visible(timeout=15_000)
    await expect(page.get_by_role("alert")).to_have_text("Du är utloggad. Logga in igen.")
    patient.assert_clean()
