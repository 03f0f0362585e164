"""A patient and a nurse chat live in two browser contexts; markup stays text."""

from __future__ import annotations

import asyncio
import re
import uuid

import pytest
from playwright.async_api import Browser, Route, WebSocketRoute, expect

from tests.browser.helpers import login_as, message_log, write_new_message
from tests.support.flows import send, start_thread

pytestmark = pytest.mark.browser


async def test_patient_and_nurse_chat_live(server, browser: Browser) -> None:
    nurse = await login_as(browser, server.base_url, "sara")
    await nurse.page.get_by_role("heading", name="Inkorg").wait_for()
    patient = await login_as(browser, server.base_url, "anna")
    tag = uuid.uuid4().hex[:6]

    question = f"Hej! Kan jag få förnya mitt recept på Levaxin? ({tag})"
    await write_new_message(patient.page, question)
    patient_log = message_log(patient.page)
    await expect(patient_log.get_by_text(question)).to_be_visible()
    await expect(patient.page.get_by_text("Skickat – inte läst än")).to_be_visible()

    # The nurse's inbox shows the new thread live, unread.
    item = nurse.page.locator(".inbox-item", has_text=tag)
    await expect(item.locator(".badge")).to_have_text("1 nytt")
    await item.get_by_role("link").click()
    nurse_log = message_log(nurse.page)
    await expect(nurse_log.get_by_text(question)).to_be_visible()
    await expect(item.locator(".badge")).to_have_count(0)

    # Opening it is a read receipt for the patient, live.
    await expect(patient.page.get_by_text("Läst av vården")).to_be_visible()

    answer = f"Hej Anna! Receptet är förnyat. ({tag})"
    await nurse.page.get_by_label("Skriv ett svar").fill(answer)
    await nurse.page.get_by_role("button", name="Skicka").click()
    await expect(nurse_log.get_by_text(answer)).to_be_visible()
    await expect(patient_log.get_by_text(answer)).to_be_visible()

    # On the home page the next answer shows as unread, and goes away when read.
    await patient.page.get_by_role("link", name="Tillbaka").click()
    thread_item = patient.page.locator(".thread-item", has_text=tag)
    await expect(thread_item).to_be_visible()
    await expect(thread_item.locator(".badge")).to_have_count(0)
    second = f"Du kan hämta ut det på apoteket i morgon. ({tag})"
    await nurse.page.get_by_label("Skriv ett svar").fill(second)
    await nurse.page.get_by_role("button", name="Skicka").click()
    await expect(thread_item.locator(".badge")).to_have_text("1 nytt")
    await expect(patient.page.get_by_text("1 nytt svar")).to_be_visible()
    await thread_item.get_by_role("link").click()
    await expect(patient_log.get_by_text(second)).to_be_visible()
    await patient.page.get_by_role("link", name="Tillbaka").click()
    await expect(thread_item).to_be_visible()
    await expect(thread_item.locator(".badge")).to_have_count(0)

    # Every message is shown exactly once on both sides.
    await thread_item.get_by_role("link").click()
    for log in (patient_log, nurse_log):
        for text in (question, answer, second):
            await expect(log.locator(".message-body", has_text=text)).to_have_count(1)
    patient.assert_clean()
    nurse.assert_clean()


async def test_markup_in_a_message_is_shown_as_text(server, browser: Browser) -> None:
    evil = "<img src=x onerror=alert(1)>"
    patient = await login_as(browser, server.base_url, "anna")
    nurse = await login_as(browser, server.base_url, "sara")
    await write_new_message(patient.page, evil)
    body = message_log(patient.page).locator(".message-body", has_text=evil)
    await expect(body).to_have_text(evil)

    item = nurse.page.locator(".inbox-item", has_text=evil).first
    await expect(item).to_be_visible()
    await item.get_by_role("link").click()
    await expect(message_log(nurse.page).locator(".message-body", has_text=evil)).to_have_text(evil)
    await nurse.page.get_by_label("Skriv ett svar").fill(f"Svar: {evil}")
    await nurse.page.get_by_role("button", name="Skicka").click()
    await expect(message_log(patient.page).get_by_text(f"Svar: {evil}")).to_be_visible()

    for user in (patient, nurse):
        assert await user.page.locator("img[src='x'], img[onerror]").count() == 0
        assert await user.page.evaluate("document.querySelectorAll('main img').length") == 0
        assert await user.page.evaluate("typeof window.__nara_xss") == "undefined"
        user.assert_clean()  # no dialog opened, no script error


async def test_guardian_writes_for_her_child(server, browser: Browser) -> None:
    guardian = await login_as(browser, server.base_url, "anna")
    page = guardian.page
    await page.get_by_label("Elsa Andersson (barn)").check()
    await expect(
        page.get_by_role("heading", name="Fast vårdkontakt för Elsa Andersson")
    ).to_be_visible()
    await expect(
        page.get_by_role("heading", name="Elsas kontakt på barnavårdscentralen")
    ).to_be_visible()
    await expect(page.get_by_text("Du får svar inom 1 arbetsdag.")).to_be_visible()

    body = "Elsa har hostat i en vecka. Behöver hon komma in?"
    await write_new_message(page, body)
    await expect(message_log(page).get_by_text(body)).to_be_visible()
    await expect(page.get_by_text("Barnavårdscentral")).to_be_visible()

    api = await server.login("anna")
    threads = (await api.ok("GET", "/api/v1/threads"))["threads"]
    thread = next(t for t in threads if t["subject"] == body)
    assert thread["patient"]["id"] == str(server.demo.patients["elsa"])
    assert thread["team"]["name"] == "Barnavårdscentral"

    # Back home the choice stays: Elsa's messages, not Anna's.
    await page.get_by_role("link", name="Tillbaka").click()
    await expect(page.get_by_role("heading", name="Meddelanden för Elsa Andersson")).to_be_visible()
    await expect(page.locator(".thread-item", has_text="hostat")).to_be_visible()
    await page.get_by_label("Anna Andersson (du)").check()
    await expect(page.locator(".thread-item", has_text="hostat")).to_have_count(0)
    guardian.assert_clean()


async def test_older_messages_load_on_request(server, browser: Browser) -> None:
    anna = await server.login("anna")
    sara = await server.login("sara")
    started = await start_thread(
        anna, server.demo.patients["anna"], server.demo.care_contacts["anna"], "Meddelande 1"
    )
    thread_id = started["message"]["thread_id"]
    for i in range(2, 61):
        await send(sara if i % 2 else anna, thread_id, f"Meddelande {i}")
    patient = await login_as(browser, server.base_url, "anna")
    page = patient.page
    await page.goto(f"/#/t/{thread_id}")
    log = message_log(page)
    await expect(log.get_by_text("Meddelande 60", exact=True)).to_be_visible()
    await expect(log.locator("li.message")).to_have_count(50)
    await page.get_by_role("button", name="Visa äldre meddelanden").click()
    await expect(log.locator("li.message")).to_have_count(60)
    await expect(log.locator("li.message").first).to_have_text(re.compile("Meddelande 1$"))
    await expect(page.get_by_role("button", name="Visa äldre meddelanden")).to_be_hidden()
    patient.assert_clean()


async def test_a_connection_made_while_the_first_page_loads_fetches_no_more(
    server, browser: Browser
) -> None:
    """The socket connects after the view asked for its first page and before the page came:
    the catch-up leaves that thread to its page, so one page shows, not the whole thread."""
    anna = await server.login("anna")
    sara = await server.login("sara")
    started = await start_thread(
        anna, server.demo.patients["anna"], server.demo.care_contacts["anna"], "Meddelande 1"
    )
    thread_id = started["message"]["thread_id"]
    for i in range(2, 61):
        await send(sara if i % 2 else anna, thread_id, f"Meddelande {i}")
    patient = await login_as(browser, server.base_url, "anna")
    page = patient.page
    await page.goto(f"/#/t/{thread_id}")
    page_asked = asyncio.Event()

    async def hold_socket(ws: WebSocketRoute) -> None:
        await page_asked.wait()
        ws.connect_to_server()

    async def hold_first_page(route: Route) -> None:
        if route.request.method == "GET" and "before_seq" not in route.request.url:
            page_asked.set()
            await asyncio.sleep(1.5)  # the socket connects (and, before, caught up) meanwhile
        await route.continue_()

    await page.route_web_socket(re.compile(r"/socket\.io/"), hold_socket)
    await page.route(re.compile(rf"/threads/{thread_id}/messages"), hold_first_page)
    await page.reload()
    log = message_log(page)
    await expect(log.get_by_text("Meddelande 60", exact=True)).to_be_visible()
    await expect(log.locator("li.message")).to_have_count(50)
    await expect(page.get_by_role("button", name="Visa äldre meddelanden")).to_be_visible()
    await send(sara, thread_id, "Meddelande 61")  # the held socket is live
    await expect(log.get_by_text("Meddelande 61", exact=True)).to_be_visible()
    await expect(log.locator("li.message")).to_have_count(51)
    patient.assert_clean()


async def test_a_first_page_lost_with_the_connection_loads_after_the_reconnect(
    server, browser: Browser
) -> None:
    """The first page fails while the network is gone; after the reconnect the view loads it
    (one page, not the whole thread) and the error goes away."""
    anna = await server.login("anna")
    started = await start_thread(
        anna, server.demo.patients["anna"], server.demo.care_contacts["anna"], "Meddelande 1"
    )
    thread_id = started["message"]["thread_id"]
    for i in range(2, 61):
        await send(anna, thread_id, f"Meddelande {i}")
    patient = await login_as(browser, server.base_url, "anna")
    page = patient.page
    await page.goto(f"/#/t/{thread_id}")
    page_failed = asyncio.Event()
    connected = asyncio.Event()
    sockets: list[WebSocketRoute] = []

    async def hold_socket(ws: WebSocketRoute) -> None:
        await page_failed.wait()
        sockets.append(ws)
        upstream = ws.connect_to_server()
        ws.on_message(upstream.send)

        def down(frame: str | bytes) -> None:
            ws.send(frame)
            if isinstance(frame, str) and frame.startswith("40/chat,"):
                connected.set()  # the namespace's connect packet

        upstream.on_message(down)

    async def fail_first_page(route: Route) -> None:
        if route.request.method == "GET" and not page_failed.is_set():
            page_failed.set()
            await route.abort("internetdisconnected")
            return
        await route.continue_()

    await page.route_web_socket(re.compile(r"/socket\.io/"), hold_socket)
    await page.route(re.compile(rf"/threads/{thread_id}/messages"), fail_first_page)
    await page.reload()
    error = page.get_by_text("Ingen kontakt med servern")
    await expect(error).to_be_visible()
    log = message_log(page)
    await expect(log.locator("li.message")).to_have_count(0)
    await asyncio.wait_for(connected.wait(), 10)
    await sockets[0].close()  # the connection drops; the client reconnects
    await expect(log.get_by_text("Meddelande 60", exact=True)).to_be_visible()
    await expect(log.locator("li.message")).to_have_count(50)
    await expect(error).to_be_hidden()
    patient.assert_clean()


async def test_the_patient_sees_when_the_nurse_is_typing(server, browser: Browser) -> None:
    nurse = await login_as(browser, server.base_url, "sara")
    patient = await login_as(browser, server.base_url, "anna")
    await write_new_message(patient.page, "Hur länge ska jag ta antibiotikan?")
    await expect(message_log(patient.page).get_by_text("antibiotikan")).to_be_visible()
    await nurse.page.locator(".inbox-item", has_text="antibiotikan").get_by_role("link").click()
    await nurse.page.get_by_label("Skriv ett svar").press_sequentially("Hej")
    await expect(patient.page.get_by_text("Sara Lind skriver …")).to_be_visible()
    patient.assert_clean()
    nurse.assert_clean()
