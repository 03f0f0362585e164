"""Content-addressed blob storage. Keys are sha256 hex digests, never client-chosen names."""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Protocol

from chat.errors import ErrorCode, NaraError, not_found

_KEY = re.compile(r"[0-9a-f]{64}")
_BLOCK = 1 << 20


def check_key(sha256: str) -> str:
    """Refuse anything but 64 lowercase hex characters (no path can be smuggled in)."""
    if not isinstance(sha256, str) or not _KEY.fullmatch(sha256):
        raise NaraError(ErrorCode.INVALID_REQUEST, "Invalid blob key.", reason="invalid_blob_key")
    return sha256


class BlobStore(Protocol):
    async def put(self, src: Path) -> str: ...

    def open(self, sha256: str) -> AsyncIterator[bytes]: ...

    async def delete(self, sha256: str) -> None: ...

    async def exists(self, sha256: str) -> bool: ...

    async def size(self, sha256: str) -> int: ...


class LocalBlobStore:
    """Files at ``root/<aa>/<bb>/<sha256>``, mode 0o600, written via tmp file + os.replace."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        key = check_key(sha256)
        return self.root / key[:2] / key[2:4] / key

    async def put(self, src: Path) -> str:
        """Copy ``src`` in (``src`` is left to the caller) and return its sha256. Idempotent."""
        return await asyncio.to_thread(self._put_sync, src)

    def _put_sync(self, src: Path) -> str:
        tmp_dir = self.root / ".tmp"
        tmp_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=tmp_dir)  # mkstemp creates it with mode 0o600
        tmp = Path(tmp_name)
        try:
            digest = hashlib.sha256()
            with open(src, "rb") as fin, os.fdopen(fd, "wb") as fout:
                while block := fin.read(_BLOCK):
                    digest.update(block)
                    fout.write(block)
                fout.flush()
                os.fsync(fout.fileno())
            key = digest.hexdigest()
            final = self.path_for(key)
            if final.exists():
                return key  # same content already stored
            final.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.replace(tmp, final)
            _fsync_dir(final.parent)
            return key
        finally:
            tmp.unlink(missing_ok=True)

    def local_path(self, sha256: str) -> Path | None:
        """The stored file for ``FileResponse``-style serving, or None if absent."""
        path = self.path_for(sha256)
        return path if path.is_file() else None

    async def open(self, sha256: str) -> AsyncIterator[bytes]:
        """Stream the blob in 1 MiB blocks; NOT_FOUND if it is absent."""
        path = self.path_for(sha256)
        try:
            fh = await asyncio.to_thread(path.open, "rb")
        except FileNotFoundError:
            raise not_found("file") from None
        try:
            while block := await asyncio.to_thread(fh.read, _BLOCK):
                yield block
        finally:
            fh.close()

    async def delete(self, sha256: str) -> None:
        """Remove the blob; deleting an absent blob is not an error."""
        await asyncio.to_thread(self.path_for(sha256).unlink, missing_ok=True)

    async def exists(self, sha256: str) -> bool:
        return await asyncio.to_thread(self.path_for(sha256).is_file)

    async def size(self, sha256: str) -> int:
        try:
            stat = await asyncio.to_thread(self.path_for(sha256).stat)
        except FileNotFoundError:
            raise not_found("file") from None
        return stat.st_size


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
