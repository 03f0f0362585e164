"""Nothing the server logs names a file or quotes its content."""

from __future__ import annotations

import logging

from tests.attachments import corpus
from tests.attachments.flows import anna_thread, send_with, upload, upload_ok

SECRET = "Hemligt-namn-Elsa"


async def test_uploads_leave_no_names_or_content_in_the_logs(server, caplog):
    caplog.set_level(logging.DEBUG)
    anna, t = await anna_thread(server)
    samples = [
        (f"{SECRET}.pdf", corpus.invalid_pdf()[1]),
        (f"{SECRET}.pdf", corpus.pdf_with_javascript()[1]),
        (f"{SECRET}.png", corpus.truncated_png()[1]),
        (f"{SECRET}.jpg", corpus.html_named_jpg()[1]),
    ]
    for sample in samples:
        status, _ = await upload(anna, t, [sample])
        assert status == 422
    [ok] = await upload_ok(anna, t, [(f"{SECRET}.jpg", corpus.gps_jpeg()[1])])
    assert (await send_with(anna, t, [ok["id"]]))[0] == 201
    assert (await anna.get(ok["url"]))[0] == 200
    text = caplog.text + " ".join(str(r.__dict__) for r in caplog.records)
    assert SECRET not in text
    assert "app.alert" not in text and "this is not a PDF" not in text
