"""Attachments in the browser: choose up to 5 files with previews, clear errors before and
after upload, and the files shown with the message on both sides."""

from __future__ import annotations

import io
import uuid

import pytest
from PIL import Image
from playwright.async_api import Browser, expect

from tests.browser.helpers import login_as, message_log, write_new_message

pytestmark = pytest.mark.browser


def png(colour: str = "teal") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, "PNG")
    return out.getvalue()


def pdf() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (200, 100), "white").save(out, "PDF")
    return out.getvalue()


def file(name: str, mime: str, data: bytes) -> dict[str, object]:
    return {"name": name, "mimeType": mime, "buffer": data}


async def test_patient_sends_files_and_the_nurse_sees_them(server, browser: Browser) -> None:
    patient = await login_as(browser, server.base_url, "anna")
    nurse = await login_as(browser, server.base_url, "sara")
    page = patient.page
    tag = uuid.uuid4().hex[:6]
    await write_new_message(page, f"Jag har fått utslag på armen. ({tag})")
    log = message_log(page)
    await expect(log.get_by_text(tag)).to_be_visible()
    picker = page.locator(".composer input[type=file]")

    # Wrong type and too many: refused in the browser, in plain Swedish.
    await picker.set_input_files([file("anteckning.txt", "text/plain", b"hej")])
    await expect(
        page.get_by_role("alert").filter(has_text="anteckning.txt går inte att skicka")
    ).to_be_visible()
    await picker.set_input_files([file(f"bild{i}.png", "image/png", png()) for i in range(6)])
    await expect(page.get_by_text("Du kan bifoga högst 5 filer.")).to_be_visible()
    items = page.locator(".file-list .file-item")
    await expect(items).to_have_count(5)
    for i in range(3, 6):
        await page.get_by_role("button", name=f"Ta bort bild{i - 1}.png").click()
    await expect(items).to_have_count(2)
    await expect(items.locator("img.file-thumb")).to_have_count(2)  # previews

    await picker.set_input_files([file("remiss.pdf", "application/pdf", pdf())])
    await expect(items).to_have_count(3)
    body = f"Här är bilder på utslaget och remissen. ({tag})"
    await page.get_by_label("Skriv ett svar").fill(body)
    await page.get_by_role("button", name="Skicka").click()

    sent = log.locator("li.message", has_text=body)
    await expect(sent.locator(".attachment")).to_have_count(3)
    await expect(sent.locator("img.attachment-thumb")).to_have_count(2)
    await expect(sent.get_by_role("link", name="Öppna remiss.pdf")).to_be_visible()
    await expect(items).to_have_count(0)
    # The thumbnails are served by the server and really load (a condition, not a delay).
    await page.wait_for_function(
        """() => {
            const imgs = [...document.querySelectorAll('li.message img.attachment-thumb')];
            return imgs.length === 2 && imgs.every(i => i.complete && i.naturalWidth > 0);
        }"""
    )

    # The server refuses a file that only claims to be an image: the reason, in Swedish.
    await picker.set_input_files([file("falsk.png", "image/png", b"this is not an image at all")])
    await page.get_by_label("Skriv ett svar").fill(f"En till. ({tag})")
    await page.get_by_role("button", name="Skicka").click()
    error = page.locator(".composer-error")
    await expect(error).to_be_visible()
    await expect(error).not_to_contain_text("Något gick fel")
    await expect(page.get_by_label("Skriv ett svar")).to_have_value(f"En till. ({tag})")

    item = nurse.page.locator(".inbox-item", has_text=tag)
    await item.get_by_role("link").click()
    nurse_sent = message_log(nurse.page).locator("li.message", has_text=body)
    await expect(nurse_sent.locator(".attachment")).to_have_count(3)
    patient.assert_clean()
    nurse.assert_clean()


async def test_nurse_asks_for_files_and_the_patient_can_attach(server, browser: Browser) -> None:
    patient = await login_as(browser, server.base_url, "anna")
    nurse = await login_as(browser, server.base_url, "sara")
    tag = uuid.uuid4().hex[:6]
    await write_new_message(patient.page, f"Jag har ett födelsemärke som har ändrat sig. ({tag})")
    await expect(message_log(patient.page).get_by_text(tag)).to_be_visible()

    await nurse.page.locator(".inbox-item", has_text=tag).get_by_role("link").click()
    await nurse.page.get_by_label("Patienten får bifoga filer").uncheck()
    await expect(nurse.page.get_by_label("Patienten får bifoga filer")).not_to_be_checked()

    # The patient reopens the thread: no file button while attachments are off.
    await patient.page.get_by_role("link", name="Tillbaka").click()
    await patient.page.locator(".thread-item", has_text=tag).get_by_role("link").click()
    await expect(patient.page.locator(".composer .file-button")).to_be_hidden()

    await nurse.page.get_by_label("Skriv ett svar").fill("Kan du skicka en bild på det?")
    await nurse.page.get_by_label("Be patienten skicka filer").check()
    await nurse.page.get_by_role("button", name="Skicka").click()

    log = message_log(patient.page)
    await expect(log.get_by_text("Vården ber dig skicka filer")).to_be_visible()
    await expect(patient.page.locator(".composer .file-button")).to_be_visible()
    await patient.page.locator(".composer input[type=file]").set_input_files(
        [file("markering.png", "image/png", png("brown"))]
    )
    await patient.page.get_by_label("Skriv ett svar").fill("Här är bilden.")
    await patient.page.get_by_role("button", name="Skicka").click()
    await expect(
        log.locator("li.message", has_text="Här är bilden.").locator("img.attachment-thumb")
    ).to_have_count(1)
    patient.assert_clean()
    nurse.assert_clean()
