"""Attachments over HTTP: streamed multipart upload, and downloads with safe headers.

The rules live in chat.attachments.service; this module only receives bytes to disk and
sends stored blobs back.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from pathlib import Path

from aiohttp import BodyPartReader, web
from aiohttp.http_exceptions import HttpProcessingError
from pydantic import BaseModel

from chat.attachments import check_message_files, content_disposition, iter_chunks
from chat.attachments.reasons import Reason, rejection
from chat.attachments.service import AttachmentService, ReceivedFile
from chat.attachments.streaming import receive_to_file
from chat.errors import ErrorCode, NaraError
from chat.service import Caller
from chat.views import AttachmentView
from server.api.registry import Api, Ctx
from server.api.schemas import Strict
from server.config import Config
from server.keys import ATTACHMENTS, CONFIG

PART_NAME = "file"
# Served files must never run as a page of ours: no scripts, no plugins, no forms, no fetches.
DOWNLOAD_CSP = (
    "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; "
    "frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
)


class UploadResult(BaseModel):
    attachments: list[AttachmentView]


class DownloadQuery(Strict):
    download: bool = False  # true: Content-Disposition "attachment" (save, don't show)


def incoming_dir(config: Config) -> Path:
    """Uploads are received here, on the same disk as the blobs, never in memory."""
    return config.data_dir / "attachments" / "incoming"


def blob_dir(config: Config) -> Path:
    return config.data_dir / "attachments" / "blobs"


UPLOAD_DOC = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {
                    "file": {
                        "type": "array",
                        "minItems": 1,
                        "maxItems": 5,
                        "items": {"type": "string", "format": "binary"},
                    }
                },
            }
        }
    },
}


def register(api: Api) -> None:
    @api.route(
        "POST",
        "/threads/{thread_id}/attachments",
        summary="Upload 1-5 files (multipart/form-data, parts named 'file'); returns their ids",
        tag="attachments",
        response=UploadResult,
        status=201,
        request_doc=UPLOAD_DOC,
    )
    async def upload_attachments(ctx: Ctx) -> UploadResult:
        service = ctx.request.app[ATTACHMENTS]
        thread_id = ctx.path["thread_id"]
        await service.authorize_upload(ctx.caller, thread_id)
        if ctx.request.content_type != "multipart/form-data":
            raise NaraError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "send multipart/form-data")
        root = incoming_dir(ctx.request.app[CONFIG])
        tmp = Path(await asyncio.to_thread(_make_tmp, root))
        try:
            files = await _receive(ctx.request, tmp, service)
            rows = await service.upload(ctx.caller, thread_id, files)
        finally:
            await asyncio.to_thread(shutil.rmtree, tmp, True)
        return UploadResult.model_validate({"attachments": rows})

    @api.route(
        "GET",
        "/attachments/{attachment_id}",
        summary="Download an attachment (only where the thread may be seen)",
        tag="attachments",
        query=DownloadQuery,
        response_media=("application/pdf", "image/jpeg", "image/png", "image/gif"),
    )
    async def download_attachment(ctx: Ctx[None, DownloadQuery]) -> web.StreamResponse:
        return await _send(ctx, thumbnail=False)

    @api.route(
        "GET",
        "/attachments/{attachment_id}/thumbnail",
        summary="An image attachment's thumbnail (JPEG or PNG, at most 320 px)",
        tag="attachments",
        query=DownloadQuery,
        response_media=("image/jpeg", "image/png"),
    )
    async def download_thumbnail(ctx: Ctx[None, DownloadQuery]) -> web.StreamResponse:
        return await _send(ctx, thumbnail=True)


def _make_tmp(root: Path) -> str:
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    return tempfile.mkdtemp(dir=root)


async def _receive(
    request: web.Request, tmp: Path, service: AttachmentService
) -> list[ReceivedFile]:
    """Stream each part to its own file, stopping at the first limit crossed."""
    limits = service.limits
    files: list[ReceivedFile] = []
    sizes: list[int] = []
    try:
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader) or part.name != PART_NAME:
                raise NaraError(ErrorCode.INVALID_REQUEST, "send only parts named 'file'")
            if len(files) >= limits.max_files:
                raise rejection(
                    Reason.TOO_MANY_FILES, f"A message can have at most {limits.max_files} files."
                )
            dest = tmp / f"{len(files)}.upload"
            size, _ = await receive_to_file(
                iter_chunks(part), dest, max_bytes=limits.max_file_bytes
            )
            sizes.append(size)
            check_message_files(sizes, limits)
            files.append(ReceivedFile(dest, part.filename or "", part.headers.get("Content-Type")))
    except (ValueError, AssertionError, HttpProcessingError, web.HTTPException) as exc:
        # aiohttp's multipart parser reports a malformed body this way.
        raise NaraError(ErrorCode.INVALID_REQUEST, "the multipart body is malformed") from exc
    if not files:
        raise NaraError(ErrorCode.INVALID_REQUEST, "send 1 to 5 parts named 'file'")
    return files


async def _send(ctx: Ctx[None, DownloadQuery], *, thumbnail: bool) -> web.StreamResponse:
    service = ctx.request.app[ATTACHMENTS]
    caller: Caller = ctx.caller
    found = await service.open_for_download(caller, ctx.path["attachment_id"], thumbnail=thumbnail)
    mime, blocks = await service.stream(found)
    response = web.StreamResponse(
        headers={
            "Content-Type": mime,
            "Content-Disposition": content_disposition(found.name, inline=not ctx.query.download),
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": DOWNLOAD_CSP,
            "Cross-Origin-Resource-Policy": "same-origin",
            "X-Frame-Options": "SAMEORIGIN",
            "Referrer-Policy": "no-referrer",
            "Cache-Control": "private, no-store",
        }
    )
    if found.size is not None:
        response.content_length = found.size
    try:
        await response.prepare(ctx.request)
        async for block in blocks:
            await response.write(block)
        await response.write_eof()
    finally:
        await blocks.aclose()
    return response
