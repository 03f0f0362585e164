"""Case types in Chromium: the patient's form on a 360 px phone (errors per field, then the
thread with a readable summary), a form sent by staff answered in its thread, and a
consultation across organisations where each colleague sees only the actions they may take."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, Page, expect

from tests.browser.helpers import DESKTOP, PHONE, login_as, message_log, run_axe
from tests.case_types.support import copy_template
from tests.support.flows import cid, start_thread

pytestmark = pytest.mark.browser


async def clean(page: Page, where: str) -> None:
    assert await run_axe(page) == [], where
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= await page.evaluate("window.innerWidth"), f"{where}: {width}px wide"


async def test_the_patient_fills_in_a_form_on_a_phone(server, browser: Browser) -> None:
    demo = server.demo
    lars, sara = await server.login("lars"), await server.login("sara")
    await copy_template(lars, demo.unit_id, "fornya_recept")
    anmal = await copy_template(lars, demo.unit_id, "fast_vardkontakt", key="anmal")
    await sara.ok(
        "POST",
        f"/api/v1/case-types/{anmal['id']}/requests",
        {"patient_id": str(demo.patients["anna"]), "client_id": cid()},
    )

    anna = await login_as(browser, server.base_url, "anna", PHONE, bypass_csp=True)
    page = anna.page
    requests = page.locator("[data-case-requests]")
    await expect(requests.get_by_text("Att besvara")).to_be_visible()
    await clean(page, "patient home with forms")
    await page.get_by_role("link", name="Förnya recept").click()
    await page.get_by_role("heading", name="Förnya recept").wait_for()
    await clean(page, "the form at 360 px")

    form = page.locator("form.case-form")
    await form.get_by_role("button", name="Skicka").click()
    summary = form.get_by_role("alert")
    await expect(summary).to_contain_text("Formuläret har fel")
    await expect(summary).to_be_focused()
    medicine = form.get_by_label(re.compile("Vilket läkemedel gäller det"))
    await expect(medicine).to_have_attribute("aria-invalid", "true")
    await clean(page, "the form with errors")
    await medicine.fill("Levaxin 50 mikrogram")
    await form.get_by_label(re.compile("Hur många doser")).fill("ett par")
    changed = form.get_by_role("group", name=re.compile("Har något förändrats"))
    await changed.get_by_label("Nej").check()
    await form.get_by_role("button", name="Skicka").click()
    await expect(form.locator("[data-field=tabletter_kvar]")).to_contain_text("Skriv ett tal")
    await form.get_by_label(re.compile("Hur många doser")).fill("10")
    await form.get_by_role("button", name="Skicka").click()

    await expect(
        message_log(page).get_by_text("Hur många doser har du kvar?: 10 st")
    ).to_be_visible()
    await expect(page.get_by_role("region", name="Svar i formuläret")).to_contain_text("Levaxin")
    await clean(page, "the started thread")

    # The form staff sent: answered inside its thread.
    await page.goto("/#/")
    await requests.get_by_role("link", name=re.compile("Anmäl behov av fast vårdkontakt")).click()
    sent = page.locator("form.case-form")
    await sent.get_by_label(re.compile("Varför behöver du")).fill("Jag har diabetes och KOL.")
    await sent.get_by_role("button", name="Skicka").click()
    await expect(page.get_by_text("Du har svarat på formuläret. Tack!")).to_be_visible()
    await expect(message_log(page).get_by_text("Jag har diabetes och KOL.")).to_be_visible()
    await page.goto("/#/")
    await expect(requests.get_by_text("Besvarat")).to_be_visible()
    await page.get_by_role("button", name="Change language to English").click()
    await expect(page.get_by_role("heading", name="Forms to fill in")).to_be_visible()
    await expect(requests.get_by_text("Answered")).to_be_visible()
    await page.get_by_role("link", name="Förnya recept", exact=True).click()
    await page.locator("form.case-form").get_by_role("button", name="Send").click()
    await expect(page.get_by_text("The form has errors")).to_be_visible()
    anna.assert_clean()


async def test_staff_find_a_patient_and_send_a_form_with_the_keyboard(server, browser) -> None:
    demo = server.demo
    await copy_template(await server.login("lars"), demo.unit_id, "infor_besok")
    sara = await login_as(browser, server.base_url, "sara", PHONE, bypass_csp=True)
    page = sara.page
    await page.get_by_role("link", name="Nytt ärende till patient").click()
    search = page.get_by_label("Sök patient (namn eller personnummer)")
    await search.fill("Bertil")
    await search.press("Enter")
    await page.get_by_role("button", name="Välj Bertil Nilsson").click()
    await expect(page.get_by_role("heading", name="Patient: Bertil Nilsson")).to_be_focused()
    await clean(page, "staff new case at 360 px")
    form = page.locator("form").filter(has_text="Skicka formuläret")
    await expect(form.get_by_label("Formulär", exact=True)).to_have_value(re.compile(".+"))
    await form.get_by_label("Meddelande med formuläret (frivilligt)").fill("Inför besöket.")
    await form.get_by_role("button", name="Skicka formuläret").press("Enter")
    await expect(message_log(page).get_by_text("Inför besöket.")).to_be_visible()
    sara.assert_clean()


async def test_a_consultation_across_organisations(server, browser: Browser) -> None:
    demo = server.demo
    patient = await server.login("anna")
    started = await start_thread(
        patient, demo.patients["anna"], demo.care_contacts["anna"], body="Mitt blodtryck är högt."
    )
    thread_id = started["thread"]["id"]

    sara = await login_as(browser, server.base_url, "sara", DESKTOP, bypass_csp=True)
    page = sara.page
    await page.goto(f"/#/t/{thread_id}")
    await page.get_by_role("button", name="Ta ärendet").wait_for()
    await page.get_by_text("Konsultera en kollega").click()
    panel = page.locator(".consult-panel")
    await panel.get_by_label("Sök kollega (namn, yrke eller enhet)").fill("Maja")
    await panel.get_by_role("button", name="Sök").click()
    await panel.get_by_role("button", name="Lägg till i ärendet: Maja Kommun").click()
    await expect(panel.get_by_text("Maja Kommun deltar nu i ärendet.")).to_be_visible()
    await panel.get_by_label("Sök kollega (namn, yrke eller enhet)").fill("Olle")
    await panel.get_by_role("button", name="Sök").click()
    await expect(
        panel.get_by_text("Vårdcentralen Väster (Region Kronoberg (demo))")
    ).to_be_visible()
    await clean(page, "the consultation panel")
    await panel.get_by_role("button", name="Välj för konsultation: Olle Väst").click()
    await panel.get_by_label("Din fråga till kollegan").fill("Ska vi höja dosen?")
    await panel.get_by_role("button", name="Starta konsultation").click()
    await expect(page.get_by_text("Syns inte för patienten", exact=True)).to_be_visible()
    await expect(message_log(page).get_by_text("Ska vi höja dosen?")).to_be_visible()

    # The municipal nurse: in the thread, without the owning team's actions.
    maja = await login_as(browser, server.base_url, "maja", DESKTOP, bypass_csp=True)
    await maja.page.goto(f"/#/t/{thread_id}")
    await expect(message_log(maja.page).get_by_text("Mitt blodtryck är högt.")).to_be_visible()
    for absent in ("Ta ärendet", "Avsluta ärendet", "Flytta"):
        await expect(maja.page.get_by_role("button", name=absent)).to_have_count(0)
    await clean(maja.page, "the municipal nurse's view")

    # The GP at another health centre: only the consultation, answered as a colleague.
    olle = await login_as(browser, server.base_url, "olle", DESKTOP, bypass_csp=True)
    opage = olle.page
    await opage.locator(".inbox-link").filter(has_text="Fråga").click()
    await expect(message_log(opage).get_by_text("Ska vi höja dosen?")).to_be_visible()
    await expect(opage.get_by_role("button", name="Ta ärendet")).to_have_count(0)
    await expect(opage.get_by_role("button", name="Avsluta ärendet")).to_have_count(0)
    await expect(opage.get_by_label("Be patienten skicka filer")).to_have_count(0)
    await opage.get_by_label("Meddelande till kollegor").check()
    await opage.get_by_label("Skriv ett svar").fill("Ja, till 10 mg.")
    await opage.get_by_role("button", name="Skicka").click()
    await expect(message_log(page).get_by_text("Ja, till 10 mg.")).to_be_visible()
    for user in (sara, maja, olle):
        user.assert_clean()


async def test_an_administrator_copies_edits_and_writes_standard_answers(server, browser) -> None:
    demo = server.demo
    patient = await server.login("anna")
    started = await start_thread(patient, demo.patients["anna"], demo.care_contacts["anna"])
    lars = await login_as(browser, server.base_url, "lars", DESKTOP, bypass_csp=True)
    page = lars.page
    await page.get_by_role("link", name="Ärendetyper och standardsvar").click()
    await page.get_by_role("button", name="Kopiera till enheten: Förnya recept").click()
    item = page.locator("[data-case-type=fornya_recept]")
    await expect(item.get_by_text("version 1")).to_be_visible()
    await item.get_by_role("link", name="Ändra Förnya recept").click()
    await page.get_by_label("Utlovad svarstid i timmar").fill("72")
    await page.get_by_role("button", name="Spara som ny version").click()
    await expect(page.get_by_text("Sparat som version 2")).to_be_visible()
    await page.get_by_role("link", name="Ärendetyper och standardsvar").first.click()
    await expect(item.get_by_text("version 2")).to_be_visible()
    await page.get_by_label("Telefontider").fill("vardagar 8–10")
    await page.get_by_role("button", name="Spara telefontider").click()
    await page.get_by_label("Rubrik").fill("Ring oss")
    await page.get_by_label("Text", exact=True).fill("Hej {förnamn}! Ring oss {telefontider}.")
    await page.get_by_role("button", name="Lägg till standardsvar").click()
    await expect(page.get_by_role("button", name="Ta bort standardsvaret Ring oss")).to_be_visible()
    await clean(page, "the administration page")

    await page.goto(f"/#/t/{started['thread']['id']}")
    await page.get_by_label("Standardsvar").select_option(label="Ring oss")
    await page.get_by_role("button", name="Infoga").click()
    await expect(page.get_by_label("Skriv ett svar")).to_have_value(
        "Hej Anna! Ring oss vardagar 8–10."
    )
    lars.assert_clean()
