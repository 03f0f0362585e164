"""Receive an upload to disk chunk by chunk, hashing on the fly, with a hard size cap."""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Protocol

from chat.attachments.limits import size_text
from chat.attachments.reasons import Reason, rejection

_FLUSH_AT = 1 << 20  # batch small network chunks into ~1 MiB disk writes


class ChunkReader(Protocol):
    """What aiohttp's ``BodyPartReader`` offers."""

    async def read_chunk(self, size: int = ...) -> bytes: ...


async def iter_chunks(reader: ChunkReader, size: int = 65536) -> AsyncIterator[bytes]:
    """Adapt ``BodyPartReader.read_chunk()`` (b"" at the end) to an async iterator."""
    while chunk := await reader.read_chunk(size):
        yield chunk


async def receive_to_file(
    chunks: AsyncIterator[bytes], dest: Path, *, max_bytes: int
) -> tuple[int, str]:
    """Write ``chunks`` to a new file ``dest`` (mode 0o600); return (size, sha256 hex).

    Raises ``file_too_large`` as soon as more than ``max_bytes`` arrive. On any error,
    including cancellation, the partial file is removed.
    """
    fd = await asyncio.to_thread(os.open, dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    fh = os.fdopen(fd, "wb")  # buffered: write() never returns short
    digest, total, pending = hashlib.sha256(), 0, bytearray()
    try:
        async for chunk in chunks:
            total += len(chunk)
            if total > max_bytes:
                raise rejection(
                    Reason.FILE_TOO_LARGE, f"The file is larger than {size_text(max_bytes)}."
                )
            digest.update(chunk)
            pending += chunk
            if len(pending) >= _FLUSH_AT:
                await asyncio.to_thread(fh.write, bytes(pending))
                pending.clear()
        if pending:
            await asyncio.to_thread(fh.write, bytes(pending))
    except BaseException:
        fh.close()
        _remove(dest)  # synchronous on purpose: must also run when cancelled
        raise
    fh.close()
    return total, digest.hexdigest()


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)
