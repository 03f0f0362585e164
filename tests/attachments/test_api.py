"""Attachments end to end: a real server, real multipart uploads, history, live and download."""

from __future__ import annotations

import io

from PIL import Image

from tests.attachments import corpus
from tests.attachments.flows import anna_thread, send_with, stored_files, upload_ok
from tests.support.flows import history

CSP_START = "sandbox; default-src 'none'"


def _four() -> list[corpus.Sample]:
    return [corpus.gps_jpeg(), corpus.png_with_text(), corpus.animated_gif(), corpus.small_pdf()]


async def test_patient_sends_four_kinds_and_the_team_gets_them(server):
    anna, t = await anna_thread(server)
    sara = await server.login("sara")
    sara_live = await server.socket(sara)
    uploaded = await upload_ok(anna, t, _four())
    assert [a["kind"] for a in uploaded] == ["jpeg", "png", "gif", "pdf"]
    assert [a["mime"] for a in uploaded] == [
        "image/jpeg",
        "image/png",
        "image/gif",
        "application/pdf",
    ]
    assert uploaded[0]["name"] == "utslag.jpg" and uploaded[3]["name"] == "röntgensvar åäö.pdf"
    # Orientation 6 applied: the 300x200 photo is now upright, 200x300.
    assert (uploaded[0]["width"], uploaded[0]["height"]) == (200, 300)
    assert uploaded[3]["thumbnail_url"] is None and uploaded[0]["thumbnail_url"]

    ids = [a["id"] for a in uploaded]
    status, sent = await send_with(anna, t, ids)
    assert status == 201, sent
    assert [a["id"] for a in sent["message"]["attachments"]] == ids

    live = await sara_live.wait_for("message", lambda e: e["message"]["attachments"])
    assert [a["id"] for a in live["message"]["attachments"]] == ids
    seen = (await history(sara, t))[-1]["attachments"]
    assert [a["id"] for a in seen] == ids
    assert seen == sent["message"]["attachments"]

    for att in seen:
        resp = await sara.session.get(server.base_url + att["url"], headers=sara._headers())
        content = await resp.read()
        assert resp.status == 200
        assert resp.headers["Content-Type"] == att["mime"]
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        assert resp.headers["Content-Security-Policy"].startswith(CSP_START)
        disposition = resp.headers["Content-Disposition"]
        assert disposition.startswith("inline; filename=")
        assert len(content) == att["size"]
    pdf = seen[3]
    resp = await sara.session.get(
        server.base_url + pdf["url"], params={"download": "true"}, headers=sara._headers()
    )
    assert resp.headers["Content-Disposition"] == (
        'attachment; filename="rontgensvar aao.pdf"; '
        "filename*=UTF-8''r%C3%B6ntgensvar%20%C3%A5%C3%A4%C3%B6.pdf"
    )
    assert await resp.read() == corpus.small_pdf()[1]  # PDFs are kept byte for byte


async def test_gps_is_removed_and_the_thumbnail_works(server):
    anna, t = await anna_thread(server)
    [photo] = await upload_ok(anna, t, [corpus.gps_jpeg()])
    status, body = await anna.get(photo["url"])
    assert status == 200
    with Image.open(io.BytesIO(body)) as im:
        assert im.size == (200, 300)
        exif = im.getexif()
        assert not exif and not exif.get_ifd(corpus.GPS_IFD)
        assert "icc_profile" not in im.info and "comment" not in im.info
    assert b"NaraCam" not in body and b"patient comment" not in body
    status, thumb = await anna.get(photo["thumbnail_url"])
    assert status == 200
    with Image.open(io.BytesIO(thumb)) as im:
        assert im.format == "JPEG" and max(im.size) <= 320 and not im.getexif()


async def test_gif_keeps_its_animation(server):
    anna, t = await anna_thread(server)
    [gif] = await upload_ok(anna, t, [corpus.animated_gif()])
    _, body = await anna.get(gif["url"])
    with Image.open(io.BytesIO(body)) as im:
        assert im.n_frames == 3 and im.info.get("loop") == 0
    assert b"secret comment" not in body


async def test_same_content_twice_is_one_blob(server):
    anna, t = await anna_thread(server)
    first = await upload_ok(anna, t, [corpus.small_png()])
    files_after_one = stored_files(server)
    second = await upload_ok(anna, t, [corpus.small_png("annan.png")])
    assert first[0]["id"] != second[0]["id"]
    assert stored_files(server) == files_after_one
