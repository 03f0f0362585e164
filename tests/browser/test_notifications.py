"""Notifications in the web client: the settings page (a real code over real SMTP), the
promise on the patient's thread, the unread count in the tab title, escalation in the inbox,
and a desktop notice and sound for acute alerts once staff turned them on in this browser."""

from __future__ import annotations

import dataclasses
import re
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect
from sqlalchemy import update

from chat.models import utcnow
from chat.notifications.models import ThreadPromise
from server.config import Config
from server.keys import DB
from server.notify_worker import ESCALATOR
from tests.browser.helpers import PHONE, login_as, run_axe, write_new_message
from tests.conftest import RunningServer, start_server
from tests.notifications.support import MailSink
from tests.support.backends import Template
from tests.support.clients import login
from tests.support.flows import send

pytestmark = pytest.mark.browser
ACUTE = "Min pappa har plötsligt blivit sned i ansiktet och kan inte prata, armen är helt slapp"

# Playwright adds this before the page's own scripts: it records notices and tones (the CSP
# of the page does not apply to it).
RECORD = """
window.__notices = [];
window.__tones = 0;
const Real = window.Notification;
class Recording extends Real {
  constructor(title, options) {
    super(title, options);
    window.__notices.push({title, body: options && options.body});
  }
}
Object.defineProperty(Recording, 'permission', { get: () => Real.permission });
Recording.requestPermission = (...a) => Real.requestPermission(...a);
window.Notification = Recording;
const osc = AudioContext.prototype.createOscillator;
AudioContext.prototype.createOscillator = function () {
  window.__tones += 1;
  return osc.call(this);
};
"""


@pytest.fixture
async def mail() -> AsyncIterator[MailSink]:
    sink = MailSink()
    await sink.start()
    yield sink
    await sink.stop()


@pytest.fixture
async def nserver(
    base_config: Config, db_template: Template, mail: MailSink
) -> AsyncIterator[RunningServer]:
    config = dataclasses.replace(
        base_config, smtp_url=f"smtp://127.0.0.1:{mail.port}", mail_from="noreply@nara.test"
    )
    runner, url = await start_server(config)
    running = RunningServer(url, db_template.demo, config, runner.app)
    yield running
    await running.close_clients()
    await runner.cleanup()


async def test_settings_page_verifies_an_address_with_a_code(
    nserver, mail, browser: Browser, screenshots: Path
):
    bertil = await login_as(browser, nserver.base_url, "bertil", PHONE, bypass_csp=True)
    page = bertil.page
    await page.get_by_role("link", name="Aviseringar").click()
    await page.get_by_role("heading", name="Aviseringar", level=1).wait_for()
    await expect(page.get_by_text("Vi skriver aldrig vad meddelandet handlar om")).to_be_visible()
    await page.get_by_label("E-postadress").fill("bertil@example.se")
    await page.get_by_role("button", name="Skicka kod").first.click()
    [got] = await mail.wait_for(1, address="bertil@example.se")
    code = re.search(r"\b(\d{6})\b", got.body).group(1)
    await page.get_by_label("Kod (6 siffror)").fill("000000" if code != "000000" else "111111")
    await page.get_by_role("button", name="Bekräfta").click()
    await expect(page.get_by_role("alert").filter(has_text="Fel kod")).to_be_visible()
    await page.get_by_label("Kod (6 siffror)").fill(code)
    await page.get_by_role("button", name="Bekräfta").click()
    await expect(page.get_by_text("bertil@example.se (bekräftad)")).to_be_visible()
    await expect(page.get_by_label("Skicka e-post när jag har fått svar")).to_be_checked()
    # Quiet hours.
    await page.get_by_label("Från").fill("21:30")
    await page.get_by_label("Till").fill("07:15")
    await page.get_by_role("button", name="Spara tysta timmar").click()
    await expect(page.get_by_text("Tysta timmar 21:30–07:15.")).to_be_visible()
    assert await run_axe(page) == []
    await page.screenshot(
        path=screenshots / "patient-notification-settings-phone.png", full_page=True
    )
    bertil.assert_clean()


async def test_promise_on_the_thread_and_the_unread_count_in_the_title(
    nserver, browser: Browser, screenshots: Path
):
    anna = await login_as(browser, nserver.base_url, "anna")
    page = anna.page
    await expect(page.get_by_text("Du får svar inom 2 arbetsdagar.").first).to_be_visible()
    await write_new_message(page, "Kan jag få förnyat recept på mina allergitabletter?")
    promise = page.locator("[data-promise]")
    # Playwright matches in the browser, where \w is ASCII only: "måndag" needs å spelt out.
    await expect(promise).to_have_text(
        re.compile(r"^Du får svar senast [a-zåäö]+dag \d+ [a-zåäö]+ (kl\. )?17[:.]00\.$")
    )
    await page.screenshot(path=screenshots / "patient-thread-promise.png")
    thread_id = page.url.rsplit("/", 1)[-1]
    await page.goto("/#/")
    await page.get_by_role("heading", name="Din kontakt med vården").wait_for()
    sara = await login(nserver.base_url, "sara")
    await send(sara, thread_id, "Receptet är förnyat.")
    await expect(page).to_have_title("(1) Nära")
    await page.goto(f"/#/t/{thread_id}")
    await expect(page).to_have_title("Nära")
    await expect(promise).to_be_hidden()  # answered: nothing is owed
    await sara.close()
    anna.assert_clean()


async def test_escalation_in_the_inbox_and_acute_notice_with_sound(
    nserver, browser: Browser, screenshots: Path
):
    demo = nserver.demo
    nurse = await login_as(browser, nserver.base_url, "sara", bypass_csp=True)
    await nurse.context.grant_permissions(["notifications"])
    await nurse.page.add_init_script(RECORD)
    await nurse.page.reload()
    await nurse.page.get_by_role("heading", name="Inkorg").wait_for()
    toggle = nurse.page.get_by_role("button", name="Skrivbordsnotis och ljud vid akuta larm")
    await toggle.click()
    await expect(nurse.page.get_by_role("button", name="Stäng av notiser och ljud")).to_be_visible()

    # An overdue thread, escalated one step: shown in the inbox.
    patient = await login(nserver.base_url, "bertil")
    started = await patient.ok(
        "POST",
        "/api/v1/threads",
        {
            "patient_id": str(demo.patients["bertil"]),
            "care_contact_id": str(demo.care_contacts["bertil"]),
            "subject": "Blodtryck",
            "message": {
                "client_id": f"c-{uuid.uuid4().hex}",
                "body": "Hur ska jag ta blodtrycket?",
            },
        },
    )
    past = utcnow() - timedelta(minutes=5)
    async with nserver.app[DB].write() as store:
        await store.session.execute(
            update(ThreadPromise)
            .where(ThreadPromise.thread_id == uuid.UUID(started["thread"]["id"]))
            .values(due_at=past, next_check_at=past)
        )
        thread = await store.threads.get(uuid.UUID(started["thread"]["id"]))
        assert thread is not None
        thread.response_due_at = past
    assert await nserver.app[ESCALATOR].run_once() == 1
    item = nurse.page.locator(f'[data-thread-id="{started["thread"]["id"]}"]')
    await expect(item).to_contain_text("Eskalerat steg 1")
    await expect(item).to_contain_text("Försenat")

    # An acute message: banner, desktop notice without the patient's name, and a sound.
    anna = await login_as(browser, nserver.base_url, "anna")
    await write_new_message(anna.page, ACUTE, to="Jag vet inte vem")
    await expect(nurse.page.get_by_role("alert").filter(has_text="Akut larm")).to_be_visible()
    notices = await nurse.page.evaluate("window.__notices")
    assert notices == [
        {"title": "Akut larm i Nära", "body": "Ett akut meddelande väntar. Öppna inkorgen."}
    ]
    assert await nurse.page.evaluate("window.__tones") >= 4  # the test tone and the alert's
    await expect(nurse.page).to_have_title(re.compile(r"^\(\d+\) Nära$"))
    assert await run_axe(nurse.page) == []
    await nurse.page.screenshot(path=screenshots / "staff-escalation-and-alert.png")
    await patient.close()
    for user in (nurse, anna):
        user.assert_clean()
