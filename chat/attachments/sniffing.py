"""Minimal byte-level checks: magic numbers, where an image really ends, foreign signatures.

Everything else is parsed by Pillow and pypdf; these walkers only find the end marker so
that data smuggled after it (a ZIP behind a PNG, say) is caught.
"""

from __future__ import annotations

import struct
from pathlib import Path

MIME = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif"}

_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

# Long enough that random compressed data essentially never matches (>= 6 bytes each).
_FOREIGN_SIGNATURES = (
    b"PK\x03\x04\x0a\x00",  # ZIP local header, "version needed" 1.0
    b"PK\x03\x04\x14\x00",  # 2.0
    b"PK\x03\x04\x2d\x00",  # 4.5 (ZIP64)
    b"PK\x05\x06\x00\x00\x00\x00",  # ZIP end of central directory, single disk
    b"Rar!\x1a\x07",
    b"7z\xbc\xaf\x27\x1c",
    b"\x7fELF\x01\x01\x01",
    b"\x7fELF\x02\x01\x01",
    b"This program cannot be run in DOS mode",
    b"\xca\xfe\xba\xbe\x00\x00\x00",  # Mach-O universal / Java class
    b"\xcf\xfa\xed\xfe\x07\x00\x00\x01",  # Mach-O 64-bit x86-64
    b"\xcf\xfa\xed\xfe\x0c\x00\x00\x01",  # Mach-O 64-bit arm64
)
# Readable markup in an image means someone wants a browser or interpreter to find it.
# Compared case-insensitively, so each needs >= 6 bytes to stay clear of chance matches.
_MARKUP_SIGNATURES = (b"<script", b"<html>", b"<html ", b"<?php ", b"<iframe", b"<svg xmlns")
_CHUNK = 1 << 20
# Trailing whitespace/NUL after the end marker is tolerated (some encoders pad).
_MAX_PADDING = 1024


def sniff_kind(head: bytes) -> str | None:
    """The kind ("pdf", "jpeg", "png", "gif") from the first bytes, or None."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(_PNG_MAGIC):
        return "png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    return None


def has_foreign_signature(path: Path, *, markup: bool) -> bool:
    """Scan the whole file in chunks, overlapping so a signature on a boundary is found."""
    needles = _FOREIGN_SIGNATURES + (_MARKUP_SIGNATURES if markup else ())
    overlap = max(len(n) for n in needles) - 1
    tail = b""
    with path.open("rb") as fh:
        while block := fh.read(_CHUNK):
            window = tail + block
            lowered = window.lower() if markup else window
            if any(n in window for n in _FOREIGN_SIGNATURES):
                return True
            if markup and any(n in lowered for n in _MARKUP_SIGNATURES):
                return True
            tail = window[-overlap:]
    return False


def is_padding(data: bytes) -> bool:
    return len(data) <= _MAX_PADDING and not data.strip(b" \t\r\n\x00")


def png_end(data: bytes) -> int | None:
    """Offset just after the IEND chunk, or None if the chunk list is broken."""
    pos = len(_PNG_MAGIC)
    while pos + 12 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        ctype = data[pos + 4 : pos + 8]
        pos += 12 + length
        if ctype == b"IEND":
            return pos if pos <= len(data) else None
    return None


def _skip_sub_blocks(data: bytes, pos: int) -> int:
    while pos < len(data):
        size = data[pos]
        pos += 1 + size
        if size == 0:
            return pos
    raise ValueError("truncated GIF sub-blocks")


def gif_end(data: bytes) -> int | None:
    """Offset just after the GIF trailer (0x3B), or None if the block list is broken."""
    try:
        flags = data[10]
        pos = 13 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
        while pos < len(data):
            block = data[pos]
            if block == 0x3B:
                return pos + 1
            if block == 0x21:  # extension: label, then sub-blocks
                pos = _skip_sub_blocks(data, pos + 2)
            elif block == 0x2C:  # image descriptor, optional local table, LZW data
                local = data[pos + 9]
                pos += 10 + (3 << ((local & 7) + 1) if local & 0x80 else 0)
                pos = _skip_sub_blocks(data, pos + 1)
            else:
                return None
    except (IndexError, ValueError):
        return None
    return None


def jpeg_scan_end(data: bytes, pos: int) -> int:
    """Skip entropy-coded data: stop at a marker that is not stuffing (00) or RSTn."""
    while True:
        pos = data.index(b"\xff", pos)
        nxt = data[pos + 1]
        if nxt == 0x00 or 0xD0 <= nxt <= 0xD7 or nxt == 0xFF:
            pos += 1 if nxt == 0xFF else 2
            continue
        return pos


def jpeg_end(data: bytes) -> int | None:
    """Offset just after the first real EOI, walking segments (EXIF thumbnails are skipped)."""
    pos = 2
    try:
        while pos < len(data):
            if data[pos] != 0xFF:
                return None
            marker = data[pos + 1]
            if marker == 0xFF:  # fill byte
                pos += 1
                continue
            if marker == 0xD9:
                return pos + 2
            if 0xD0 <= marker <= 0xD7 or marker == 0x01:
                pos += 2
                continue
            (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
            pos += 2 + length
            if marker == 0xDA:  # start of scan: entropy-coded data follows
                pos = jpeg_scan_end(data, pos)
    except (IndexError, ValueError, struct.error):
        return None
    return None


_MAX_MPO_IMAGES = 8


def _mpo_end(data: bytes) -> int | None:
    """Phones (MPO: gain maps, depth maps) put more complete JPEGs after the first EOI.

    Each must itself be a well-formed JPEG stream; cleaning keeps only the first image.
    """
    end = jpeg_end(data)
    for _ in range(_MAX_MPO_IMAGES):
        if end is None or not data.startswith(b"\xff\xd8\xff", end):
            return end
        more = jpeg_end(data[end:])
        end = None if more is None else end + more
    return end


def image_end(kind: str, data: bytes) -> int | None:
    finder = {"png": png_end, "gif": gif_end, "jpeg": _mpo_end}[kind]
    return finder(data)


def pdf_trailing(path: Path, size: int) -> bytes | None:
    """Bytes after the last %%EOF in the final 64 KiB, or None if there is no %%EOF there."""
    with path.open("rb") as fh:
        start = max(0, size - 65536)
        fh.seek(start)
        tail = fh.read()
    idx = tail.rfind(b"%%EOF")
    return None if idx < 0 else tail[idx + 5 :]
