"""Only a well-formed bearer token skips the origin check of cookie-authenticated writes: an
``Authorization`` header of another kind (``Basic …``, an empty ``Bearer``) next to the session
cookie is cookie authentication, and a foreign origin is refused."""

from __future__ import annotations

import pytest

from tests.support.clients import ApiClient
from tests.support.flows import cid, count_rows, start_thread

EVIL = "http://evil.example"


@pytest.mark.parametrize(
    "authorization",
    ["Basic YW5uYTpuYXJhLWRlbW8tMjAyNg==", "Bearer", "Bearer ", "Bearer  ", "bearer x y", "xyz"],
)
async def test_cookie_write_from_a_foreign_origin_is_refused(server, authorization):
    anna = await server.login("anna")  # the login also set the session cookie
    t = await start_thread(anna, server.demo.patients["anna"], server.demo.care_contacts["anna"])
    browser = ApiClient(server.base_url)  # cookie only, as a browser on a hostile page
    browser.session = anna.session
    path = f"/api/v1/threads/{t['thread']['id']}/messages"
    before = await count_rows(server)
    status, body = await browser.post(
        path,
        {"client_id": cid(), "body": "skickat från en annan sida"},
        headers={"Origin": EVIL, "Authorization": authorization},
    )
    assert status == 403 and body["error"]["code"] == "forbidden", (status, body)
    assert await count_rows(server) == before
    # The same cookie write from our own page goes through.
    own = server.base_url
    status, body = await browser.post(
        path, {"client_id": cid(), "body": "från Nära"}, headers={"Origin": own}
    )
    assert status == 201, body


async def test_a_valid_bearer_token_needs_no_origin(server):
    anna = await server.login("anna")
    t = await start_thread(anna, server.demo.patients["anna"], server.demo.care_contacts["anna"])
    status, body = await anna.post(
        f"/api/v1/threads/{t['thread']['id']}/messages",
        {"client_id": cid(), "body": "från appen"},
        headers={"Origin": EVIL},
    )
    assert status == 201, body
