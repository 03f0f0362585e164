from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from chat.attachments import (
    AttachmentLimits,
    BlobStore,
    LocalBlobStore,
    check_message_files,
    clean_file,
    inspect_file,
    iter_chunks,
    make_thumbnail,
    receive_to_file,
)
from chat.errors import ErrorCode, NaraError

from . import corpus


def _listing(path: Path) -> list[Path]:
    return list(path.iterdir())


async def _collect(store: LocalBlobStore, key: str) -> bytes:
    return b"".join([block async for block in store.open(key)])


def _file(tmp_path: Path, data: bytes, name: str = "src.bin") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


async def test_round_trip(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path / "blobs")
    data = os.urandom(3 * 1024 * 1024 + 7)
    key = await store.put(_file(tmp_path, data))
    assert key == hashlib.sha256(data).hexdigest()
    assert await store.exists(key)
    assert await store.size(key) == len(data)
    assert await _collect(store, key) == data
    stored = tmp_path / "blobs" / key[:2] / key[2:4] / key
    assert store.local_path(key) == stored
    assert stored.stat().st_mode & 0o777 == 0o600
    await store.delete(key)
    assert not await store.exists(key)
    assert store.local_path(key) is None
    await store.delete(key)  # idempotent


async def test_put_is_idempotent_and_leaves_no_temp_files(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path / "blobs")
    first = await store.put(_file(tmp_path, b"same", "a"))
    second = await store.put(_file(tmp_path, b"same", "b"))
    assert first == second
    assert list((tmp_path / "blobs" / ".tmp").iterdir()) == []
    assert (tmp_path / "a").exists()  # the source is the caller's to remove


@pytest.mark.parametrize(
    "key",
    [
        "",
        "../../etc/passwd",
        "A" * 64,
        "g" * 64,
        "a" * 63,
        "a" * 65,
        "a" * 62 + "/x",
        "0" * 64 + "\n",
    ],  # fmt: skip
)
async def test_invalid_keys_refused(tmp_path: Path, key: str) -> None:
    store = LocalBlobStore(tmp_path)
    for call in (store.exists, store.delete, store.size):
        with pytest.raises(NaraError) as info:
            await call(key)
        assert info.value.reason == "invalid_blob_key"
    with pytest.raises(NaraError):
        await _collect(store, key)


async def test_missing_blob_is_not_found(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    with pytest.raises(NaraError) as info:
        await _collect(store, "0" * 64)
    assert info.value.code == ErrorCode.NOT_FOUND
    with pytest.raises(NaraError):
        await store.size("0" * 64)


def test_local_store_satisfies_protocol(tmp_path: Path) -> None:
    store: BlobStore = LocalBlobStore(tmp_path)
    assert store is not None


async def _chunks(parts: list[bytes]) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


async def test_receive_to_file(tmp_path: Path) -> None:
    parts = [os.urandom(100_000) for _ in range(30)]
    dest = tmp_path / "upload"
    size, digest = await receive_to_file(_chunks(parts), dest, max_bytes=3_000_000)
    data = b"".join(parts)
    assert (size, digest) == (len(data), hashlib.sha256(data).hexdigest())
    assert dest.read_bytes() == data
    assert dest.stat().st_mode & 0o777 == 0o600


async def test_receive_exactly_at_limit(tmp_path: Path) -> None:
    size, _ = await receive_to_file(_chunks([b"x" * 10]), tmp_path / "u", max_bytes=10)
    assert size == 10


async def test_receive_too_large_stops_early_and_leaves_nothing(tmp_path: Path) -> None:
    consumed = []

    async def endless() -> AsyncIterator[bytes]:
        while True:
            consumed.append(1)
            yield b"x" * 1000

    dest = tmp_path / "upload"
    with pytest.raises(NaraError) as info:
        await receive_to_file(endless(), dest, max_bytes=10_000)
    assert info.value.reason == "file_too_large"
    assert info.value.code == ErrorCode.PAYLOAD_TOO_LARGE
    assert len(consumed) == 11
    assert _listing(tmp_path) == []


async def test_receive_removes_partial_file_on_client_error(tmp_path: Path) -> None:
    async def broken() -> AsyncIterator[bytes]:
        yield b"abc"
        raise ConnectionResetError

    with pytest.raises(ConnectionResetError):
        await receive_to_file(broken(), tmp_path / "upload", max_bytes=100)
    assert _listing(tmp_path) == []


async def test_receive_refuses_existing_destination(tmp_path: Path) -> None:
    dest = _file(tmp_path, b"keep", "upload")
    with pytest.raises(FileExistsError):
        await receive_to_file(_chunks([b"new"]), dest, max_bytes=100)
    assert dest.read_bytes() == b"keep"


async def test_iter_chunks_adapts_read_chunk() -> None:
    class Part:
        def __init__(self) -> None:
            self.left = [b"ab", b"cd", b""]

        async def read_chunk(self, size: int = 8192) -> bytes:
            return self.left.pop(0)

    assert [c async for c in iter_chunks(Part())] == [b"ab", b"cd"]


async def test_upload_pipeline(tmp_path: Path) -> None:
    """The order the server uses: stream to disk, inspect, clean, store, thumbnail."""
    name, data = corpus.gps_jpeg()
    received = tmp_path / "received"
    limits = AttachmentLimits()
    size, _ = await receive_to_file(
        _chunks([data[:1000], data[1000:]]), received, max_bytes=limits.max_file_bytes
    )
    check_message_files([size], limits)
    inspected = await asyncio.to_thread(
        inspect_file, received, claimed_name=name, claimed_type="image/jpeg", limits=limits
    )
    cleaned = await asyncio.to_thread(clean_file, received, inspected, tmp_path / "cleaned")
    store = LocalBlobStore(tmp_path / "blobs")
    key = await store.put(cleaned.path)
    assert key == cleaned.sha256
    assert b"GPS" not in await _collect(store, key)
    assert await asyncio.to_thread(make_thumbnail, cleaned.path, inspected) is not None
