"""A live message that never arrived is fetched: the client catches up from its last
contiguous position (patient_seq for the patient), not from the highest one seen (issue 16)."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

import pytest
from playwright.async_api import Browser, expect

from server.config import Config
from server.keys import CHAT
from tests.browser.helpers import login_as, message_log, write_new_message
from tests.support.flows import send

pytestmark = pytest.mark.browser


@pytest.fixture
def base_config(base_config: Config) -> Config:
    # No outbox sweep during the test: only the client's own catch-up can find the message.
    return dataclasses.replace(base_config, live_outbox_stale_s=600)


async def test_patient_fetches_a_message_whose_live_event_was_lost(
    server, browser: Browser
) -> None:
    sara = await server.login("sara")
    patient = await login_as(browser, server.base_url, "anna")
    page = patient.page
    tag = uuid.uuid4().hex[:6]
    await write_new_message(page, f"Hej, jag har en fråga om mitt recept. ({tag})")
    log = message_log(page)
    await expect(log.get_by_text(tag)).to_be_visible()
    thread_id = page.url.rsplit("/", 1)[-1]

    lost = f"Svar som aldrig kom fram live ({tag})"

    def drop(events: list[dict[str, Any]]) -> None:  # fault: this commit is never published
        if any(lost in str(e["payload"].get("message", {}).get("body", "")) for e in events):
            raise ConnectionError("injected: publish lost")

    server.app[CHAT].events.before_publish = drop
    await send(sara, thread_id, "Intern anteckning", "internal_note")
    await send(sara, thread_id, lost)
    server.app[CHAT].events.before_publish = None
    later = f"Nästa svar ({tag})"
    await send(sara, thread_id, later)

    await expect(log.locator(".message-body", has_text=later)).to_have_count(1)
    await expect(log.locator(".message-body", has_text=lost)).to_have_count(1, timeout=10_000)
    await expect(log.get_by_text("Intern anteckning")).to_have_count(0)
    seqs = await log.locator("li.message").evaluate_all(
        "items => items.map(li => Number(li.dataset.seq))"
    )
    assert seqs == sorted(seqs) and len(seqs) == len(set(seqs)), seqs
    patient.assert_clean()
