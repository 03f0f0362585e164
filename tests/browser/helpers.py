"""Steps the browser tests share: open a page, log in, run axe."""

from __future__ import annotations

import dataclasses
import uuid
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, BrowserContext, Page

from server.demo import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web_client"
DIST_INDEX = WEB / "dist" / "index.html"
CHROMIUM = Path("/usr/bin/chromium")
AXE = WEB / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "tests" / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--allow-loopback-in-peer-connection",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 780}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@dataclasses.dataclass
class UserPage:
    """One user in their own browser context, with what the page did wrong."""

    context: BrowserContext
    page: Page
    errors: list[str]
    dialogs: list[str]

    def assert_clean(self) -> None:
        assert self.errors == [], self.errors
        assert self.dialogs == [], self.dialogs


async def open_page(
    browser: Browser,
    base_url: str,
    viewport: dict[str, int] = DESKTOP,
    *,
    bypass_csp: bool = False,
) -> UserPage:
    """A fresh context. ``bypass_csp`` only for injecting axe (the CSP refuses inline scripts)."""
    context = await browser.new_context(
        viewport=viewport, locale="sv-SE", base_url=base_url, bypass_csp=bypass_csp
    )
    page = await context.new_page()
    errors: list[str] = []
    dialogs: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    # The server's CSP allows no inline script or style: the client must never need one.
    page.on(
        "console",
        lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None,
    )

    async def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        await dialog.dismiss()

    page.on("dialog", on_dialog)
    await page.goto("/")
    await page.get_by_role("heading", name="Logga in").wait_for()
    return UserPage(context, page, errors, dialogs)


async def login_as(
    browser: Browser,
    base_url: str,
    username: str,
    viewport: dict[str, int] = DESKTOP,
    *,
    bypass_csp: bool = False,
) -> UserPage:
    user = await open_page(browser, base_url, viewport, bypass_csp=bypass_csp)
    page = user.page
    await page.get_by_label("Användarnamn").fill(username)
    await page.get_by_label("Lösenord").fill(DEMO_PASSWORD)
    await page.get_by_role("button", name="Logga in").click()
    await page.get_by_role("button", name="Logga ut").wait_for()
    await page.locator(".loading").wait_for(state="detached")
    return user


async def run_axe(page: Page) -> list[dict[str, Any]]:
    """Serious and critical WCAG 2.1 A/AA violations on the page as it is now."""
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        await page.add_script_tag(path=str(AXE))
    result = await page.evaluate(
        """async (TAGS) => {
            const r = await axe.run(document, {
              runOnly: { type: 'tag', values: TAGS },
            });
            return r.violations.map(v => ({
              id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + n.failureSummary),
            }));
        }""",
        AXE_TAGS,
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]


async def write_new_message(page: Page, body: str, to: str | None = None) -> None:
    """Patient: "Skriv nytt meddelande", choose the recipient (default: the first), send."""
    await page.get_by_role("link", name="Skriv nytt meddelande").click()
    await page.get_by_role("heading", name="Nytt meddelande").wait_for()
    if to is not None:
        await page.get_by_label(to).check()
    await page.get_by_label("Ditt meddelande").fill(body)
    await page.get_by_role("button", name="Skicka").click()


def message_log(page: Page) -> Any:
    return page.get_by_role("log", name="Meddelanden")


async def seed_conversations(server: Any) -> dict[str, str]:
    """Threads for the views to show: several urgencies, a reply, an overdue one.

    Returns thread ids by a short name. Uses the real API, as the apps would.
    """
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import update

    from chat.models import Thread
    from server.keys import DB
    from tests.support.flows import send, start_thread

    demo = server.demo
    anna = await server.login("anna")
    bertil = await server.login("bertil")
    sara = await server.login("sara")
    ids: dict[str, str] = {}

    async def start(client: Any, who: str, body: str, contact: bool = True) -> str:
        contact_id = demo.care_contacts[who] if contact else None
        subject = body.rstrip(".?!")
        result = await start_thread(client, demo.patients[who], contact_id, body, subject=subject)
        return str(result["message"]["thread_id"])

    ids["recipe"] = await start(anna, "anna", "Hej! Kan jag få förnya mitt recept på Levaxin?")
    await send(sara, ids["recipe"], "Hej Anna! Jag har skickat receptet till apoteket.")
    await send(sara, ids["recipe"], "Läkaren vill se dig om tre månader.", kind="internal_note")
    ids["fever"] = await start(
        bertil, "bertil", "Jag har haft hög feber i fyra dagar och hostar mycket."
    )
    ids["labs"] = await start(
        bertil, "bertil", "Jag vill ha svar på mina blodprover från förra veckan.", contact=False
    )
    ids["rebook"] = await start(anna, "anna", "Jag behöver boka om min tid på torsdag.")
    async with server.app[DB].write() as store:  # promised two days ago: overdue now
        await store.session.execute(
            update(Thread)
            .where(Thread.id == uuid.UUID(ids["rebook"]))
            .values(response_due_at=datetime.now(UTC) - timedelta(hours=3))
        )
    return ids
