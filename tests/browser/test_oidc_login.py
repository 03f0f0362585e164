"""The e-legitimation login end to end in Chromium: Nära's login page, the real OpenID Connect
provider's own sign-in page (on another site: localhost, Nära is on 127.0.0.1), and back."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Page, expect

from tests.browser.helpers import SCREENSHOTS, open_page
from tests.security.test_oidc import ACCOUNTS
from tests.support.oidc import oidc_server

pytestmark = pytest.mark.browser


async def _sign_in_at_provider(page: Page, account: str) -> None:
    await page.get_by_role("button", name="Logga in med e-legitimation").click()
    await page.wait_for_url("http://localhost:*/interaction/**")
    await page.locator("input[name=login]").fill(account)
    await page.locator("input[name=password]").fill("valfritt")
    await page.get_by_role("button", name="Sign-in").click()


async def test_a_patient_logs_in_with_e_legitimation(base_config, db_template, browser: Browser):
    async with oidc_server(base_config, db_template.demo, ACCOUNTS) as setup:
        user = await open_page(browser, setup.server.base_url)
        page = user.page
        await expect(page.get_by_role("button", name="Logga in med e-legitimation")).to_be_visible()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(SCREENSHOTS / "oidc-login-page.png"))
        await _sign_in_at_provider(page, "bertil-bankid")
        await expect(page.get_by_text("Inloggad som Bertil Nilsson")).to_be_visible()
        assert page.url.startswith(setup.server.base_url)
        await page.screenshot(path=str(SCREENSHOTS / "oidc-login-patient.png"))
        # The session is the ordinary one: logging out ends it.
        await page.get_by_role("button", name="Logga ut").click()
        await expect(page.get_by_role("heading", name="Logga in")).to_be_visible()
        user.assert_clean()
        await user.context.close()

        # An identity Nära has no login for is told so on the login page.
        stranger = await open_page(browser, setup.server.base_url)
        await _sign_in_at_provider(stranger.page, "stranger")
        await expect(stranger.page.get_by_role("alert")).to_have_text(
            "Vi hittar inget konto i Nära för din e-legitimation. Kontakta din vårdcentral."
        )
        assert "login_error" not in stranger.page.url
        await expect(stranger.page.get_by_label("Användarnamn")).to_be_visible()
        await stranger.context.close()


async def test_no_e_legitimation_button_without_oidc(server, browser: Browser):
    user = await open_page(browser, server.base_url)
    await expect(user.page.get_by_label("Användarnamn")).to_be_visible()
    await expect(user.page.get_by_role("button", name="Logga in med e-legitimation")).to_be_hidden()
    await user.context.close()
