"""The case type editor in Chromium on a 360 px phone: a unit administrator copies a national
template, adds a yes/no question and a single-choice question with the keyboard, sees the
server's error beside the question that lacks options, saves a new version, and a patient
gets the new questions in the form. Staff who do not administer the unit get no editor."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, Page, expect

from tests.browser.helpers import PHONE, login_as, run_axe
from tests.case_types.support import copy_template

pytestmark = pytest.mark.browser


async def clean(page: Page, where: str) -> None:
    assert await run_axe(page) == [], where
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= await page.evaluate("window.innerWidth"), f"{where}: {width}px wide"


async def add_question(page: Page, type_label: str, question: str) -> None:
    await page.get_by_label("Typ av ny fråga").select_option(label=type_label)
    await page.get_by_role("button", name="Lägg till fråga").press("Enter")
    label = page.get_by_label("Frågan", exact=True).last
    await expect(label).to_be_focused()
    await page.keyboard.type(question)


async def test_an_administrator_edits_the_form_and_a_patient_gets_it(server, browser: Browser):
    demo = server.demo
    lars = await login_as(browser, server.base_url, "lars", PHONE, bypass_csp=True)
    page = lars.page
    await page.get_by_role("link", name="Ärendetyper och standardsvar").click()
    await page.get_by_role("button", name="Kopiera till enheten: Förnya recept").click()
    await page.get_by_role("link", name="Ändra Förnya recept").click()
    await expect(page.get_by_role("heading", name="Ändra ärendetyp: Förnya recept")).to_be_visible()
    await expect(page.locator("[data-version]")).to_contain_text("Version 1")
    await clean(page, "the editor at 360 px")

    await add_question(page, "Ja eller nej", "Är du gravid?")
    await page.get_by_label("Patienten måste svara").last.check()
    await add_question(page, "Ett val bland alternativ", "Var vill du hämta?")
    choice = page.get_by_role("group", name="Fråga 8: Var vill du hämta?")
    await expect(choice.get_by_text("Inga alternativ ännu.")).to_be_visible()

    # The server refuses a choice without options: its error beside the question.
    await page.get_by_role("button", name="Spara som ny version").click()
    summary = page.locator(".form-summary")
    await expect(summary).to_be_focused()
    await expect(summary).to_contain_text("Ärendetypen är inte sparad")
    # Beside the question, and its description for screen readers.
    error = choice.get_by_text("Lägg till minst två svarsalternativ.", exact=True)
    await expect(error).to_have_class("field-error")
    await expect(choice).to_have_accessible_description("Lägg till minst två svarsalternativ.")
    await clean(page, "the editor with the server's error")
    await summary.get_by_role("link", name=re.compile("Fråga 8")).press("Enter")
    await expect(choice.get_by_label("Frågan", exact=True)).to_be_focused()

    for n, text in ((1, "Apoteket"), (2, "Hemleverans")):
        await choice.get_by_role("button", name="Lägg till alternativ").press("Enter")
        option = choice.get_by_label(f"Alternativ {n}", exact=True)
        await expect(option).to_be_focused()
        await page.keyboard.type(text)
    # Move the yes/no question up: the focus stays on its button.
    yes_no = page.get_by_role("group", name="Fråga 7: Är du gravid?")
    await yes_no.get_by_role("button", name="Flytta upp fråga 7").press("Enter")
    moved = page.get_by_role("group", name="Fråga 6: Är du gravid?")
    await expect(moved.get_by_role("button", name="Flytta upp fråga 6")).to_be_focused()

    # A language change keeps what was typed.
    await page.get_by_role("button", name="Change language to English").click()
    await expect(page.get_by_role("heading", name="Edit case type: Förnya recept")).to_be_visible()
    await expect(page.get_by_role("group", name="Question 8: Var vill du hämta?")).to_be_visible()
    await page.get_by_role("button", name="Byt språk till svenska").click()

    await page.get_by_role("button", name="Spara som ny version").click()
    await expect(page.get_by_role("status").filter(has_text="Sparat som version 2")).to_be_visible()
    await expect(page.locator("[data-version]")).to_contain_text("Version 2")
    await clean(page, "the editor after saving")
    lars.assert_clean()

    admin = await server.login("lars")
    rows = await admin.ok("GET", f"/api/v1/units/{demo.unit_id}/case-types")
    recept = next(r for r in rows if r["key"] == "fornya_recept")
    assert recept["version"] == 2
    added = [(f["type"], f["label"], f["required"]) for f in recept["fields"][5:]]
    assert added == [
        ("yes_no", "Är du gravid?", True),
        ("single_choice", "Hur vill du hämta ut läkemedlet?", False),
        ("single_choice", "Var vill du hämta?", False),
    ]
    assert [o["label"] for o in recept["fields"][7]["options"]] == ["Apoteket", "Hemleverans"]

    anna = await login_as(browser, server.base_url, "anna", PHONE)
    await anna.page.get_by_role("link", name="Förnya recept").click()
    form = anna.page.locator("form.case-form")
    pregnant = form.get_by_role("group", name=re.compile("Är du gravid"))
    await expect(pregnant.get_by_label("Ja")).to_be_visible()
    where = form.get_by_role("group", name=re.compile("Var vill du hämta"))
    await expect(where.get_by_label("Hemleverans")).to_be_visible()
    anna.assert_clean()


async def test_only_administrators_of_the_unit_get_the_editor(server, browser: Browser):
    demo = server.demo
    recept = await copy_template(await server.login("lars"), demo.unit_id, "fornya_recept")
    sara = await login_as(browser, server.base_url, "sara", PHONE)
    page = sara.page
    await expect(page.get_by_role("link", name="Ärendetyper och standardsvar")).to_have_count(0)
    await page.goto(f"/#/admin/{recept['id']}")
    await expect(page.get_by_role("alert")).to_have_text(
        "Ärendetypen finns inte, eller så administrerar du inte dess enhet."
    )
    await expect(page.get_by_role("button", name="Spara som ny version")).to_have_count(0)
    sara.assert_clean()
