"""A counter-question (motfråga): staff ask the patient for files, attachments turn on."""

from __future__ import annotations

from tests.attachments import corpus
from tests.attachments.flows import anna_thread, counts, send_with, upload_ok
from tests.attachments.test_settings import set_attachments
from tests.support.flows import cid, history


async def test_counter_question_turns_attachments_on(server):
    anna, t = await anna_thread(server)
    sara = await server.login("sara")
    await set_attachments(sara, t, False)
    anna_live = await server.socket(anna)

    question = {
        "client_id": cid(),
        "body": "Kan du skicka en bild på utslaget?",
        "request_files": True,
    }
    sent = await sara.ok("POST", f"/api/v1/threads/{t}/messages", question)
    assert sent["message"]["event"] == {"type": "file_request"}
    got = await anna_live.wait_for("message", lambda e: e["message"]["event"])
    assert got["message"]["event"]["type"] == "file_request"
    thread = await anna.ok("GET", f"/api/v1/threads/{t}")
    assert thread["attachments_allowed"] is True and thread["status"] == "waiting_for_patient"

    [photo] = await upload_ok(anna, t, [corpus.gps_jpeg()])
    status, answer = await send_with(anna, t, [photo["id"]], "Här är bilden.")
    assert status == 201 and answer["message"]["attachments"][0]["kind"] == "jpeg"
    assert (await anna.ok("GET", f"/api/v1/threads/{t}"))["status"] == "open"
    events = [(m["event"] or {}).get("type") for m in await history(anna, t)]
    assert "file_request" in events


async def test_only_staff_ask_for_files(server):
    anna, t = await anna_thread(server)
    before = await counts(server)
    status, body = await anna.post(
        f"/api/v1/threads/{t}/messages",
        {"client_id": cid(), "body": "Skicka filer!", "request_files": True},
    )
    assert status == 403 and body["error"]["code"] == "forbidden"
    sara = await server.login("sara")
    status, body = await sara.post(
        f"/api/v1/threads/{t}/messages",
        {"client_id": cid(), "body": "Intern", "kind": "internal_note", "request_files": True},
    )
    assert status == 422
    assert await counts(server) == before
