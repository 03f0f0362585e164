"""Bad input loses nothing: each rejected upload has its own reason and stores nothing."""

from __future__ import annotations

import pytest

from tests.attachments import corpus
from tests.attachments.flows import (
    anna_thread,
    counts,
    raw_multipart,
    send_with,
    stored_files,
    upload,
    upload_ok,
)

MB = 1_000_000
LIMIT = 10_000_000  # the default max_file_bytes: "10 MB" means 10 000 000 bytes

REJECTED = {
    "html named .jpg": (corpus.html_named_jpg, 422, "attachment_rejected", "unsupported_type"),
    "svg": (corpus.svg, 422, "attachment_rejected", "unsupported_type"),
    "png with a zip appended": (corpus.png_with_zip, 422, "attachment_rejected", "polyglot"),
    "pdf with javascript": (
        corpus.pdf_with_javascript,
        422,
        "attachment_rejected",
        "pdf_javascript",
    ),
    "encrypted pdf": (corpus.encrypted_pdf, 422, "attachment_rejected", "pdf_encrypted"),
    "30000 x 30000 png": (corpus.pixel_bomb_png, 422, "attachment_rejected", "too_many_pixels"),
    "empty file": (corpus.empty_file, 422, "attachment_rejected", "empty_file"),
    "png named .jpg": (corpus.png_named_jpg, 422, "attachment_rejected", "type_mismatch"),
    "name over 4 KiB": (
        lambda: corpus.small_png(corpus.REFUSED_NAMES["over_4_kib"]),
        422,
        "attachment_rejected",
        "invalid_filename",
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", list(REJECTED))
async def test_rejected_file_stores_nothing(server, case):
    make, status, code, reason = REJECTED[case]
    anna, t = await anna_thread(server)
    before = await counts(server)
    # A good file in the same request is refused too: one request, all or nothing.
    got, body = await upload(anna, t, [corpus.small_pdf(), make()])
    assert got == status, (case, got, body)
    assert body["error"]["code"] == code and body["error"]["reason"] == reason
    assert await counts(server) == before
    assert stored_files(server) == []


async def test_size_limit_is_exact_and_in_bytes(server):
    anna, t = await anna_thread(server)
    at_limit = corpus.pdf_of_size(LIMIT)
    before = await counts(server)
    status, body = await upload(anna, t, [("over.pdf", at_limit[1] + b"\n")])  # LIMIT + 1
    assert status == 413 and body["error"]["reason"] == "file_too_large"
    assert body["error"]["message"] == "The file is larger than 10000000 bytes (10 MB)."
    assert await counts(server) == before and stored_files(server) == []
    [ok] = await upload_ok(anna, t, [at_limit])
    assert ok["size"] == LIMIT


async def test_message_total_is_limited(server):
    anna, t = await anna_thread(server)
    big = corpus.pdf_of_size(9 * MB)
    status, body = await upload(anna, t, [big, big, big])
    assert status == 413 and body["error"]["reason"] == "message_too_large"
    assert "25000000 bytes (25 MB)" in body["error"]["message"]
    assert stored_files(server) == []


async def test_six_files_are_refused_on_upload_and_send(server):
    anna, t = await anna_thread(server)
    before = await counts(server)
    status, body = await upload(anna, t, [corpus.small_png(f"b{i}.png") for i in range(6)])
    assert status == 413 and body["error"]["reason"] == "too_many_files"
    assert await counts(server) == before and stored_files(server) == []
    five = await upload_ok(anna, t, [corpus.small_png(f"b{i}.png") for i in range(5)])
    [sixth] = await upload_ok(anna, t, [corpus.small_pdf()])
    ids = [a["id"] for a in five] + [sixth["id"]]
    before = await counts(server)
    status, body = await send_with(anna, t, ids)
    assert status == 422 and body["error"]["code"] == "validation_failed"
    assert await counts(server) == before
    status, body = await send_with(anna, t, ids[:5])
    assert status == 201 and len(body["message"]["attachments"]) == 5


async def test_malformed_requests(server):
    anna, t = await anna_thread(server)
    path = f"/api/v1/threads/{t}/attachments"
    status, body = await anna.post(path, {"file": "not multipart"})
    assert status == 415
    status, body = await anna.post(
        path, data=b"--x\r\nbroken", headers={"Content-Type": "multipart/form-data; boundary=x"}
    )
    assert status == 400 and body["error"]["code"] == "invalid_request"
    import aiohttp

    form = aiohttp.FormData()
    form.add_field("other", b"x", filename="a.png", content_type="image/png")
    status, body = await anna.post(path, data=form)
    assert status == 400
    assert stored_files(server) == []


@pytest.mark.slow
@pytest.mark.parametrize(
    ("disposition", "cleaned"),
    [
        # RFC 5987 lets a client encode any character, NUL included.
        ("form-data; name=\"file\"; filename*=UTF-8''bild%00.png", "bild.png"),
        ("form-data; name=\"file\"; filename*=UTF-8''..%2F..%2Fbild.png", "bild.png"),
        ("form-data; name=\"file\"; filename*=UTF-8''bild%E2%80%AEgnp.exe", "bildgnp.exe.png"),
        ("form-data; name=\"file\"; filename*=UTF-8''C%3A%5CUsers%5Cx%5Cbild.png", "bild.png"),
        ("form-data; name=\"file\"", "bilaga.png"),  # no name at all
    ],
)
async def test_names_encoded_by_hand_are_cleaned(server, disposition, cleaned):
    anna, t = await anna_thread(server)
    body, headers = raw_multipart(disposition, corpus.small_png()[1])
    got, answer = await anna.post(f"/api/v1/threads/{t}/attachments", data=body, headers=headers)
    assert got == 201, answer
    assert answer["attachments"][0]["name"] == cleaned


async def test_a_raw_nul_in_a_header_is_not_http(server):
    anna, t = await anna_thread(server)
    before = await counts(server)
    disposition = 'form-data; name="file"; filename="bild\x00.png"'
    body, headers = raw_multipart(disposition, corpus.small_png()[1])
    got, _ = await anna.post(f"/api/v1/threads/{t}/attachments", data=body, headers=headers)
    assert got == 400
    assert await counts(server) == before and stored_files(server) == []


@pytest.mark.slow
async def test_message_total_is_checked_when_sending(server):
    anna, t = await anna_thread(server)
    big = corpus.pdf_of_size(9 * MB)
    ids = [(await upload_ok(anna, t, [big]))[0]["id"] for _ in range(3)]
    before = await counts(server)
    status, body = await send_with(anna, t, ids)
    assert status == 413 and body["error"]["reason"] == "message_too_large"
    assert await counts(server) == before
    assert (await send_with(anna, t, ids[:2]))[0] == 201
