"""An upload is bound once, by its uploader, in its own thread; a failed send stores nothing."""

from __future__ import annotations

import asyncio

from tests.attachments import corpus
from tests.attachments.flows import anna_thread, counts, send_with, upload_ok
from tests.support.flows import cid, start_thread

UNAVAILABLE = "attachment_unavailable"


def _refused(status, body, reason=UNAVAILABLE):
    assert status == 422, body
    assert body["error"]["code"] == "validation_failed" and body["error"]["reason"] == reason


async def test_bound_once_by_the_uploader_in_its_thread(server):
    anna, t = await anna_thread(server)
    demo = server.demo
    other = await start_thread(anna, demo.patients["anna"], demo.care_contacts["anna"])
    other_t = other["thread"]["id"]
    [png] = await upload_ok(anna, t, [corpus.small_png()])
    sara = await server.login("sara")

    before = await counts(server)
    _refused(*await send_with(sara, t, [png["id"]]))  # another user
    _refused(*await send_with(anna, other_t, [png["id"]]))  # another thread
    _refused(*await send_with(anna, t, [png["id"], png["id"]]), "duplicate_attachment")
    _refused(*await send_with(anna, t, ["00000000-0000-4000-8000-000000000000"]))
    assert await counts(server) == before  # no message was stored by any of them

    status, _ = await send_with(anna, t, [png["id"]])
    assert status == 201
    _refused(*await send_with(anna, t, [png["id"]]))  # already bound


async def test_two_sends_racing_for_one_upload(server):
    anna, t = await anna_thread(server)
    [png] = await upload_ok(anna, t, [corpus.small_png()])
    before = await counts(server)
    results = await asyncio.gather(*(send_with(anna, t, [png["id"]]) for _ in range(4)))
    statuses = sorted(status for status, _ in results)
    assert statuses == [201, 422, 422, 422], results
    after = await counts(server)
    assert after["messages"] == before["messages"] + 1


async def test_a_partly_unavailable_list_binds_nothing(server):
    anna, t = await anna_thread(server)
    a, b = await upload_ok(anna, t, [corpus.small_png(), corpus.small_pdf()])
    assert (await send_with(anna, t, [a["id"]]))[0] == 201
    _refused(*await send_with(anna, t, [b["id"], a["id"]]))
    # b is still free: the failed send rolled its binding back.
    status, body = await send_with(anna, t, [b["id"]])
    assert status == 201 and body["message"]["attachments"][0]["id"] == b["id"]


async def test_a_retried_send_answers_with_the_stored_files(server):
    anna, t = await anna_thread(server)
    [png] = await upload_ok(anna, t, [corpus.small_png()])
    payload = {"client_id": cid(), "body": "Bilden", "attachment_ids": [png["id"]]}
    first = await anna.ok("POST", f"/api/v1/threads/{t}/messages", payload)
    again = await anna.ok("POST", f"/api/v1/threads/{t}/messages", payload)
    assert again["duplicate"] is True
    assert again["message"]["attachments"] == first["message"]["attachments"]
