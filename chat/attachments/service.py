"""Uploads, downloads and the purge of unused uploads. No HTTP: the server hands in files.

Uploads are all-or-nothing per request: every file is inspected and cleaned first, then all
rows are inserted in one transaction. Any rejection stores nothing, and the temp files of the
request are always removed.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
import uuid
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from chat import access, audit
from chat.access import ThreadScope
from chat.attachments.cleaning import CleanedFile, clean_file, make_thumbnail
from chat.attachments.filenames import clean_filename
from chat.attachments.inspection import InspectedFile, inspect_file
from chat.attachments.limits import AttachmentLimits, check_message_files
from chat.attachments.memory import release_memory
from chat.attachments.records import DEFAULT_URL_PREFIX, attachment_dict
from chat.attachments.sniffing import MIME, sniff_kind
from chat.attachments.storage import BlobStore
from chat.errors import ErrorCode, NaraError, not_found
from chat.models import Attachment, MessageKind, utcnow
from chat.service import Caller
from chat.storage import Database, Store

log = logging.getLogger("nara.attachments")
T = TypeVar("T")
_COLLECT_FROM = 256 * 1024  # bytes: below this, what a file leaves behind does not matter


@dataclass(frozen=True)
class ReceivedFile:
    """A file the HTTP layer has streamed to disk, with what the client claimed about it."""

    path: Path
    claimed_name: str
    claimed_type: str | None


@dataclass(frozen=True)
class Download:
    """What to send: the blob key and the headers' facts (never a path the client chose)."""

    sha256: str
    mime: str
    name: str
    size: int | None


@dataclass(frozen=True)
class _Prepared:
    name: str
    cleaned: CleanedFile
    thumb: Path | None
    thumb_sha256: str | None


def _check_and_clean(
    f: ReceivedFile, out: Path, limits: AttachmentLimits
) -> tuple[InspectedFile, CleanedFile, bytes | None]:
    """Inspect, clean and thumbnail one file, in one worker thread: so one thread's allocator
    arena holds what the file costs, and it is handed back before the thread takes another."""
    try:
        inspected = inspect_file(
            f.path, claimed_name=f.claimed_name, claimed_type=f.claimed_type, limits=limits
        )
        cleaned = clean_file(f.path, inspected, out)
        return inspected, cleaned, make_thumbnail(out, inspected)
    finally:
        if f.path.stat().st_size >= _COLLECT_FROM:
            release_memory()


class AttachmentService:
    def __init__(
        self,
        db: Database,
        blobs: BlobStore,
        limits: AttachmentLimits,
        *,
        clock: Callable[[], datetime] = utcnow,
        url_prefix: str = DEFAULT_URL_PREFIX,
        parallel_inspections: int = 2,
    ) -> None:
        self.db = db
        self.blobs = blobs
        self.limits = limits
        self.clock = clock
        self.url_prefix = url_prefix
        # Receiving is streamed, but parsing a PDF or decoding an image holds the file (or its
        # pixels) in memory. A few dedicated threads bound how many are worked on at once; they
        # also keep the allocator's per-thread arenas few, so that memory is reused rather than
        # kept once in every thread of the default pool.
        self._workers = ThreadPoolExecutor(parallel_inspections, "nara-inspect")

    def close(self) -> None:
        self._workers.shutdown(wait=False, cancel_futures=True)

    async def _work(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._workers, functools.partial(fn, *args, **kwargs))

    # -- upload ----------------------------------------------------------------------------

    async def authorize_upload(self, caller: Caller, thread_id: uuid.UUID) -> None:
        """Ask before receiving any bytes, so a refused upload never reaches the disk."""
        async with self.db.read() as store:
            await self._upload_scope(store, caller, thread_id)

    async def upload(
        self, caller: Caller, thread_id: uuid.UUID, files: Sequence[ReceivedFile]
    ) -> list[dict[str, Any]]:
        made: list[Path] = []
        try:
            if not files:
                raise NaraError(ErrorCode.INVALID_REQUEST, "send 1 to 5 parts named 'file'")
            check_message_files([f.path.stat().st_size for f in files], self.limits)
            await self.authorize_upload(caller, thread_id)
            prepared = [await self._prepare(f, made) for f in files]
            rows = await self._store(caller, thread_id, prepared)
            return [attachment_dict(r, self.url_prefix) for r in rows]
        finally:
            for path in [f.path for f in files] + made:
                path.unlink(missing_ok=True)

    async def _upload_scope(
        self, store: Store, caller: Caller, thread_id: uuid.UUID
    ) -> ThreadScope:
        scope = access.require_post(
            caller.actor, await store.threads.scope(thread_id), MessageKind.TEXT
        )
        access.require_attach(caller.actor, scope)
        return scope

    async def _prepare(self, f: ReceivedFile, made: list[Path]) -> _Prepared:
        """Inspect, clean and thumbnail one file (CPU work, in a worker thread)."""
        out = f.path.with_name(f.path.name + ".clean")
        made.append(out)
        inspected, cleaned, thumb_bytes = await self._work(_check_and_clean, f, out, self.limits)
        thumb, thumb_sha = None, None
        if thumb_bytes is not None:
            thumb = f.path.with_name(f.path.name + ".thumb")
            made.append(thumb)
            await asyncio.to_thread(thumb.write_bytes, thumb_bytes)
            thumb_sha = hashlib.sha256(thumb_bytes).hexdigest()
        # The name is cleaned, not refused, and keeps the extension of what the file really is.
        name = clean_filename(f.claimed_name, inspected.kind)
        return _Prepared(name, cleaned, thumb, thumb_sha)

    async def _store(
        self, caller: Caller, thread_id: uuid.UUID, prepared: Sequence[_Prepared]
    ) -> list[Attachment]:
        """Blobs and rows in one transaction; blobs new to the store go again if it fails."""
        added: list[str] = []
        try:
            async with self.db.write() as store:
                await self._upload_scope(store, caller, thread_id)  # may have changed meanwhile
                keys = [p.cleaned.sha256 for p in prepared]
                keys += [p.thumb_sha256 for p in prepared if p.thumb_sha256 is not None]
                await store.attachments.lock_blobs(keys)
                now = self.clock()
                rows = [await self._row(p, caller, thread_id, now, added) for p in prepared]
                store.attachments.add(rows)
                await store.attachments.flush()
            return rows
        except BaseException:
            for key in added:
                await self._delete_if_unused(key)
            raise

    async def _row(
        self,
        p: _Prepared,
        caller: Caller,
        thread_id: uuid.UUID,
        now: datetime,
        added: list[str],
    ) -> Attachment:
        sha = await self._put(p.cleaned.path, p.cleaned.sha256, added)
        thumb = None
        if p.thumb is not None and p.thumb_sha256 is not None:
            thumb = await self._put(p.thumb, p.thumb_sha256, added)
        return Attachment(
            id=uuid.uuid4(),
            thread_id=thread_id,
            uploader_id=caller.actor.user_id,
            message_id=None,
            name=p.name,
            kind=p.cleaned.kind,
            mime=p.cleaned.mime,
            size=p.cleaned.size,
            sha256=sha,
            width=p.cleaned.width,
            height=p.cleaned.height,
            thumb_sha256=thumb,
            created_at=now,
        )

    async def _put(self, path: Path, sha256: str, added: list[str]) -> str:
        existed = await self.blobs.exists(sha256)
        key = await self.blobs.put(path)
        if not existed:
            added.append(key)
        return key

    async def _delete_if_unused(self, key: str) -> None:
        async with self.db.write() as store:
            await store.attachments.lock_blobs([key])
            if not await store.attachments.blob_in_use(key):
                await self.blobs.delete(key)

    # -- download --------------------------------------------------------------------------

    async def open_for_download(
        self, caller: Caller, attachment_id: uuid.UUID, *, thumbnail: bool
    ) -> Download:
        """The file, if the caller may see the thread (and message) it belongs to.

        Missing and hidden look the same: ``not_found``. Staff downloads are logged like reads.
        """
        async with self.db.read() as store:
            row, scope = await self._visible(store, caller, attachment_id)
        key = row.thumb_sha256 if thumbnail else row.sha256
        if key is None:
            raise not_found("attachment")
        if caller.actor.is_staff:
            entry = audit.Access(
                scope.patient_id,
                scope.unit_id,
                "attachment.download",
                thread_id=scope.thread_id,
                flagged=access.under_override(caller.actor, scope),
            )
            async with self.db.write() as store:
                await audit.record(store, caller.actor, caller.remote_addr, [entry], self.clock())
        if thumbnail:  # a thumbnail is JPEG or PNG: its type is read from its bytes
            return Download(key, "", row.name, await self.blobs.size(key))
        return Download(key, row.mime, row.name, row.size)

    async def _visible(
        self, store: Store, caller: Caller, attachment_id: uuid.UUID
    ) -> tuple[Attachment, ThreadScope]:
        row = await store.attachments.get(attachment_id)
        if row is None:
            raise not_found("attachment")
        scope = await store.threads.scope(row.thread_id)
        if scope is None or not access.can_view(caller.actor, scope):
            raise not_found("attachment")
        if row.message_id is None:
            # Not yet sent: only the uploader has it.
            if row.uploader_id != caller.actor.user_id:
                raise not_found("attachment")
            return row, scope
        kind = await store.attachments.message_kind(row.message_id)
        if kind == MessageKind.INTERNAL_NOTE and not access.sees_internal(caller.actor):
            raise not_found("attachment")
        return row, scope

    async def stream(self, download: Download) -> tuple[str, AsyncGenerator[bytes, None]]:
        """The content type and the blob's blocks. The first block is read before answering,
        so a missing blob is still a clean ``not_found`` rather than a broken response."""
        blocks: AsyncIterator[bytes] = self.blobs.open(download.sha256)
        first = await anext(blocks, b"")
        mime = download.mime or MIME.get(sniff_kind(first[:16]) or "", "application/octet-stream")

        async def rest() -> AsyncGenerator[bytes, None]:
            try:
                yield first
                async for block in blocks:
                    yield block
            finally:
                if isinstance(blocks, AsyncGenerator):
                    await blocks.aclose()

        return mime, rest()

    # -- purge -----------------------------------------------------------------------------

    async def purge_unreferenced(self, older_than: timedelta) -> int:
        """Remove uploads no message took within ``older_than``; their blobs when unused."""
        async with self.db.write() as store:
            ids = await store.attachments.stale_unbound(self.clock() - older_than)
            if not ids:
                return 0
            gone = await store.attachments.delete_unbound(ids)
            keys = {k for pair in gone for k in pair if k is not None}
            await store.attachments.lock_blobs(keys)
            for key in sorted(keys):
                if not await store.attachments.blob_in_use(key):
                    await self.blobs.delete(key)
        return len(gone)

    async def purge_forever(self, interval: float, older_than: timedelta) -> None:
        """The background task: purge every ``interval`` seconds until cancelled."""
        while True:
            await asyncio.sleep(interval)
            try:
                removed = await self.purge_unreferenced(older_than)
                if removed:
                    log.info("purged unreferenced uploads", extra={"count": removed})
            except Exception:
                log.exception("upload purge failed")
