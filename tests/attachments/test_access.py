"""Only those who may see a thread may download its files; staff downloads are logged."""

from __future__ import annotations

import pytest

from tests.attachments import corpus
from tests.attachments.flows import anna_thread, send_with, upload, upload_ok
from tests.support.flows import cid

NIL = "00000000-0000-4000-8000-000000000000"


async def _sent_photo(server):
    anna, t = await anna_thread(server)
    [photo] = await upload_ok(anna, t, [corpus.gps_jpeg()])
    status, _ = await send_with(anna, t, [photo["id"]])
    assert status == 201
    return anna, t, photo


@pytest.mark.slow
async def test_others_get_not_found_for_file_and_thumbnail(server):
    _, _, photo = await _sent_photo(server)
    bertil, olle = await server.login("bertil"), await server.login("olle")
    missing = f"/api/v1/attachments/{NIL}"
    for client in (bertil, olle):
        for path in (photo["url"], photo["thumbnail_url"], missing, missing + "/thumbnail"):
            status, body = await client.get(path)
            assert status == 404, (path, body)
            assert body == {"error": {"code": "not_found", "message": "attachment not found"}}
    status, _ = await server.anonymous().get(photo["url"])
    assert status == 401


async def test_staff_download_is_in_the_access_log(server):
    _, t, photo = await _sent_photo(server)
    sara, lars = await server.login("sara"), await server.login("lars")
    status, _ = await sara.get(photo["url"])
    assert status == 200
    status, _ = await sara.get(photo["thumbnail_url"])
    assert status == 200
    log = await lars.ok(
        "GET",
        f"/api/v1/units/{server.demo.unit_id}/access-log",
        params={"patient_id": str(server.demo.patients["anna"])},
    )
    downloads = [e for e in log if e["action"] == "attachment.download"]
    assert len(downloads) == 2
    assert {e["staff_user_id"] for e in downloads} == {str(server.demo.users["sara"])}
    assert {e["thread_id"] for e in downloads} == {t}


async def test_unsent_upload_is_only_the_uploaders(server):
    anna, t = await anna_thread(server)
    [photo] = await upload_ok(anna, t, [corpus.small_png()])
    sara = await server.login("sara")
    assert (await anna.get(photo["url"]))[0] == 200
    assert (await sara.get(photo["url"]))[0] == 404


async def test_internal_note_files_never_reach_the_patient(server):
    anna, t = await anna_thread(server)
    sara = await server.login("sara")
    [scan] = await upload_ok(sara, t, [corpus.small_pdf()])
    payload = {
        "client_id": cid(),
        "body": "Intern: remissvar",
        "kind": "internal_note",
        "attachment_ids": [scan["id"]],
    }
    status, sent = await sara.post(f"/api/v1/threads/{t}/messages", payload)
    assert status == 201 and sent["message"]["attachments"][0]["id"] == scan["id"]
    assert (await sara.get(scan["url"]))[0] == 200
    status, body = await anna.get(scan["url"])
    assert status == 404 and body["error"]["code"] == "not_found"


async def test_hidden_thread_upload_is_not_found(server):
    _, t = await anna_thread(server)
    bertil = await server.login("bertil")
    status, body = await upload(bertil, t, [corpus.small_png()])
    assert status == 404 and body["error"]["code"] == "not_found"
