"""Steps the attachment API tests share: real multipart uploads and what is left on disk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import func, select

from chat.models import Attachment, Message
from server.keys import DB
from tests.attachments.corpus import Sample
from tests.support.clients import ApiClient
from tests.support.flows import cid, start_thread

TYPES = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".png": "image/png", ".gif": "image/gif"}


def form(samples: list[Sample], content_type: str | None = None) -> aiohttp.FormData:
    data = aiohttp.FormData(quote_fields=False)  # names as browsers send them: raw UTF-8
    for name, content in samples:
        guessed = TYPES.get(Path(name).suffix.lower(), "application/octet-stream")
        data.add_field("file", content, filename=name, content_type=content_type or guessed)
    return data


async def upload(client: ApiClient, thread_id: str, samples: list[Sample]) -> tuple[int, Any]:
    return await client.post(f"/api/v1/threads/{thread_id}/attachments", data=form(samples))


async def upload_ok(client: ApiClient, thread_id: str, samples: list[Sample]) -> list[dict]:
    status, body = await upload(client, thread_id, samples)
    assert status == 201, (status, body)
    return list(body["attachments"])


async def send_with(
    client: ApiClient, thread_id: str, ids: list[str], body: str = "Här är bilderna."
) -> tuple[int, Any]:
    payload = {"client_id": cid(), "body": body, "attachment_ids": ids}
    return await client.post(f"/api/v1/threads/{thread_id}/messages", payload)


async def anna_thread(server: Any) -> tuple[ApiClient, str]:
    anna = await server.login("anna")
    first = await start_thread(
        anna, server.demo.patients["anna"], server.demo.care_contacts["anna"]
    )
    return anna, first["thread"]["id"]


def stored_files(server: Any) -> list[Path]:
    """Every file attachments keep in the data folder (blobs and any leftover temp files).

    Only under attachments/: other parts of the server keep their own files there too.
    """
    root = server.config.data_dir / "attachments"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


async def counts(server: Any) -> dict[str, int]:
    async with server.app[DB].read() as store:
        return {
            t.__tablename__: int(await store.session.scalar(select(func.count()).select_from(t)))
            for t in (Attachment, Message)
        }


def raw_multipart(
    disposition: str, content: bytes, content_type: str = "image/png"
) -> tuple[bytes, dict[str, str]]:
    """One hand-written part, for names no well-behaved client library would send."""
    boundary = "nara-test-boundary"
    body = (
        (
            f"--{boundary}\r\nContent-Disposition: {disposition}\r\n"
            f"Content-Type: {content_type}\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}
