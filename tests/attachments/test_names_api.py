"""Names are cleaned, not refused: the same clean name is stored, echoed and served."""

from __future__ import annotations

import io
import uuid
from urllib.parse import unquote

import pytest
from PIL import Image
from sqlalchemy import select

from chat.models import Attachment
from server.keys import DB
from tests.attachments import corpus
from tests.attachments.flows import anna_thread, counts, send_with, stored_files, upload
from tests.support.clients import ApiClient


def _photo(name: str) -> corpus.Sample:
    """A real, upright JPEG with no profile: the kind a phone sends most."""
    out = io.BytesIO()
    Image.new("RGB", (120, 80), "teal").save(out, "JPEG")
    return name, out.getvalue()


async def _stored_name(server, attachment_id: str) -> str:
    async with server.app[DB].read() as store:
        name = await store.session.scalar(
            select(Attachment.name).where(Attachment.id == uuid.UUID(attachment_id))
        )
    assert isinstance(name, str)
    return name


async def _served_name(client: ApiClient, url: str) -> str:
    resp = await client.session.get(
        client.base_url + url, params={"download": "true"}, headers=client._headers()
    )
    assert resp.status == 200
    await resp.read()
    disposition = resp.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=") and disposition.isascii()
    return unquote(disposition.split("filename*=UTF-8''", 1)[1], errors="strict")


NAMES = {
    "parent path": ("../../x.jpg", "x.jpg"),
    "windows path": ("C:\\Users\\x\\bild.jpg", "bild.jpg"),
    "right-to-left override": ("bild\u202egpj.exe", "bildgpj.exe.jpg"),
    "controls and separators": ("ut\tslag\u2028\u200b.jpg", "utslag.jpg"),
    "300 bytes": ("a" * 296 + ".jpg", "a" * 251 + ".jpg"),
    "300 bytes of å": ("å" * 148 + ".jpeg", "å" * 125 + ".jpeg"),
    "300 bytes, unknown extension": ("x" * 296 + ".dat", "x" * 251 + ".jpg"),
    "nothing left": ("../\u202e/", "bilaga.jpg"),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", list(NAMES))
async def test_real_image_with_a_bad_name_is_accepted_with_the_name_cleaned(server, case):
    claimed, cleaned = NAMES[case]
    assert len(cleaned.encode()) <= 255
    anna, t = await anna_thread(server)
    sara = await server.login("sara")
    status, body = await upload(anna, t, [_photo(claimed)])
    assert status == 201, (case, body)
    [echoed] = body["attachments"]
    assert echoed["name"] == cleaned and echoed["kind"] == "jpeg"
    assert await _stored_name(server, echoed["id"]) == cleaned
    assert await _served_name(anna, echoed["url"]) == cleaned
    status, sent = await send_with(anna, t, [echoed["id"]])
    assert status == 201
    assert sent["message"]["attachments"][0]["name"] == cleaned
    assert await _served_name(sara, echoed["url"]) == cleaned  # staff see the same name


async def test_the_detected_type_decides_the_extension(server):
    anna, t = await anna_thread(server)
    status, body = await upload(
        anna,
        t,
        [
            _photo("skanning"),
            ("remiss.docx", corpus.small_pdf()[1]),
            ("  .rörelse.GIF  ", corpus.animated_gif()[1]),
        ],
    )
    assert status == 201, body
    assert [a["name"] for a in body["attachments"]] == [
        "skanning.jpg",
        "remiss.docx.pdf",
        "rörelse.GIF",
    ]


async def test_an_absurdly_long_name_is_still_refused(server):
    anna, t = await anna_thread(server)
    before = await counts(server)
    status, body = await upload(anna, t, [_photo("a" * 5000 + ".jpg")])
    assert status == 422 and body["error"]["reason"] == "invalid_filename"
    assert await counts(server) == before and stored_files(server) == []
