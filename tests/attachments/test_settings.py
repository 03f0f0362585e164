"""Staff turn patient attachments off and on per thread; the API enforces it."""

from __future__ import annotations

from tests.attachments import corpus
from tests.attachments.flows import anna_thread, counts, send_with, stored_files, upload, upload_ok
from tests.support.flows import cid


async def set_attachments(client, t, allowed):
    view = await client.ok("POST", f"/api/v1/threads/{t}/attachments-setting", {"allowed": allowed})
    assert view["attachments_allowed"] is allowed


async def test_turned_off_refuses_upload_and_send(server):
    anna, t = await anna_thread(server)
    sara = await server.login("sara")
    [early] = await upload_ok(anna, t, [corpus.small_png()])
    await set_attachments(sara, t, False)
    before, files = await counts(server), stored_files(server)

    status, body = await upload(anna, t, [corpus.small_pdf()])
    assert status == 403 and body["error"]["code"] == "attachments_disabled"
    status, body = await send_with(anna, t, [early["id"]])
    assert status == 403 and body["error"]["code"] == "attachments_disabled"
    assert await counts(server) == before and stored_files(server) == files
    # Text still goes through, and staff may still attach.
    await anna.ok("POST", f"/api/v1/threads/{t}/messages", {"client_id": cid(), "body": "Ok"})
    [scan] = await upload_ok(sara, t, [corpus.small_pdf()])
    assert (await send_with(sara, t, [scan["id"]], "Här är remissvaret."))[0] == 201

    await set_attachments(sara, t, True)
    assert (await send_with(anna, t, [early["id"]]))[0] == 201
