"""Web Push end to end in Chromium: the payload the server produced for a subscription reaches
the client's service worker, which shows the content-free notice.

Chromium subscribes only through Google's push service, which the test machine cannot reach,
so the subscription's keys are the test's own (as in tests/notifications): the server encrypts
for them, the test decrypts the push exactly as the browser would, and hands the plain payload
to the registered service worker through DevTools' `ServiceWorker.deliverPushMessage`, the
same entry point the browser's push service uses.
"""

from __future__ import annotations

import asyncio
import base64
import json

import http_ece
import pytest
from playwright.async_api import Browser

from chat.notifications import texts
from tests.browser.helpers import login_as
from tests.conftest import RunningServer
from tests.notifications.conftest import (  # noqa: F401  (fixtures)
    mail,
    notify_overrides,
    nserver,
    standin,
)
from tests.notifications.support import BrowserKeys, HttpStandIn
from tests.support.flows import send, start_thread

pytestmark = pytest.mark.browser

# Polls for what the browser does on its own time (a worker registered, a notification shown):
# a deadline, not a speed claim; a busy CI machine can take seconds.
_POLLS = 300


async def _server_push(server: RunningServer, stand_in: HttpStandIn) -> str:
    """Subscribe Anna with our keys, answer her thread, return the decrypted payload."""
    anna = await server.login("anna")
    keys = BrowserKeys.make()
    await anna.ok(
        "POST",
        "/api/v1/me/push-subscriptions",
        {
            "endpoint": f"{stand_in.url}/push/anna-chromium",
            "expirationTime": None,
            "keys": {
                "p256dh": keys.p256dh,
                "auth": base64.urlsafe_b64encode(keys.auth).rstrip(b"=").decode(),
            },
        },
    )
    started = await start_thread(
        anna, server.demo.patients["anna"], server.demo.care_contacts["anna"]
    )
    sara = await server.login("sara")
    await send(sara, started["thread"]["id"], "Anna, ditt provsvar (TSH 2,1) är normalt.")
    await stand_in.wait(lambda: stand_in.pushes)
    plain = http_ece.decrypt(
        stand_in.pushes[0]["body"], private_key=keys.private, auth_secret=keys.auth,
        version="aes128gcm",
    )
    return plain.decode()


async def test_service_worker_shows_the_servers_push_without_content(  # noqa: F811
    nserver: RunningServer, standin: HttpStandIn, browser: Browser  # noqa: F811
) -> None:
    payload = await _server_push(nserver, standin)
    user = await login_as(browser, nserver.base_url, "anna")
    page = user.page
    await page.context.grant_permissions(["notifications"], origin=nserver.base_url)
    cdp = await page.context.new_cdp_session(page)
    registrations: list[dict[str, str]] = []
    cdp.on("ServiceWorker.workerRegistrationUpdated",
           lambda event: registrations.extend(event["registrations"]))
    await cdp.send("ServiceWorker.enable")
    await page.evaluate(
        "navigator.serviceWorker.register('/sw.js', {scope: '/'})"
        ".then(() => navigator.serviceWorker.ready)"
    )
    for _ in range(_POLLS):
        if any(r["scopeURL"].startswith(nserver.base_url) and not r["isDeleted"]
               for r in registrations):
            break
        await asyncio.sleep(0.05)
    registration = next(r for r in registrations if r["scopeURL"].startswith(nserver.base_url))
    await cdp.send("ServiceWorker.deliverPushMessage", {
        "origin": nserver.base_url,
        "registrationId": registration["registrationId"],
        "data": payload,
    })
    shown: list[dict[str, str]] = []
    for _ in range(_POLLS):
        shown = await page.evaluate(
            "navigator.serviceWorker.ready.then(r => r.getNotifications())"
            ".then(ns => ns.map(n => ({title: n.title, body: n.body, tag: n.tag})))"
        )
        if shown:
            break
        await asyncio.sleep(0.05)
    assert shown, "the service worker showed no notification for the push"
    assert shown[0]["title"] == json.loads(payload)["title"] == "Nytt meddelande i Nära"
    assert shown[0]["body"] == texts.NOTICE_SV
    assert "TSH" not in json.dumps(shown) and "Anna" not in json.dumps(shown)
    # The worker renders what it is given, not its fallback text: so what it showed above is
    # the server's payload.
    await cdp.send("ServiceWorker.deliverPushMessage", {
        "origin": nserver.base_url,
        "registrationId": registration["registrationId"],
        "data": json.dumps({"title": "Kontroll", "body": "kontroll", "tag": "control"}),
    })
    for _ in range(_POLLS):
        shown = await page.evaluate(
            "navigator.serviceWorker.ready.then(r => r.getNotifications({tag: 'control'}))"
            ".then(ns => ns.map(n => n.title))"
        )
        if shown:
            break
        await asyncio.sleep(0.05)
    assert shown == ["Kontroll"]
