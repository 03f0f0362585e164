"""PDF checks: parseable, not encrypted, no scripts, launch actions or embedded files.

Memory stays small whatever the file: pypdf reads from the file on disk (not a copy in
memory) and parses only the xref, trailer, page tree and the object streams, one at a time;
the names in every other object are found by a streaming scan of the raw bytes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any, BinaryIO

import pypdf
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from chat.attachments.reasons import Reason, rejection
from chat.attachments.sniffing import has_foreign_signature, is_padding, pdf_trailing
from chat.errors import NaraError

# Names that make a PDF active. XFA forms and RichMedia can carry scripts or payloads too;
# GoToR/ImportData open other files (e.g. a UNC path that leaks Windows credentials).
_NAME_REASON = {
    "/Launch": Reason.PDF_LAUNCH,
    "/GoToR": Reason.PDF_LAUNCH,
    "/ImportData": Reason.PDF_LAUNCH,
    "/GoToE": Reason.PDF_EMBEDDED_FILE,
    "/JS": Reason.PDF_JAVASCRIPT,
    "/JavaScript": Reason.PDF_JAVASCRIPT,
    "/XFA": Reason.PDF_JAVASCRIPT,
    "/EmbeddedFiles": Reason.PDF_EMBEDDED_FILE,
    "/EmbeddedFile": Reason.PDF_EMBEDDED_FILE,
    "/FileAttachment": Reason.PDF_EMBEDDED_FILE,
    "/RichMedia": Reason.PDF_EMBEDDED_FILE,
}
_PRIORITY = (Reason.PDF_LAUNCH, Reason.PDF_JAVASCRIPT, Reason.PDF_EMBEDDED_FILE)
_MESSAGES = {
    Reason.PDF_LAUNCH: "The PDF tries to start a program or open another file.",
    Reason.PDF_JAVASCRIPT: "The PDF contains JavaScript or a scripted form.",
    Reason.PDF_EMBEDDED_FILE: "The PDF contains embedded files.",
}
# Any name token in the raw bytes: "/" then up to 64 non-delimiter bytes (pypdf's delimiters,
# plus NUL). The names above are at most 39 bytes even with every character #-escaped.
_RAW_NAME = re.compile(rb"/([^\x00\t\n\x0b\x0c\r ()<>\[\]{}/%]{1,64})")
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_CHUNK = 1 << 20
_OVERLAP = 66  # a token starting further than this from a block's end ends inside it
# The most pypdf may decompress from one stream (an object stream, the xref stream). Real
# object streams are far smaller; a bigger one is a bomb and is pdf_invalid.
MAX_DECODED_BYTES = 16_000_000


def _decode_limits() -> AbstractContextManager[object]:
    """Tighten pypdf's per-stream decompression bound where it can be set (else 75 MB)."""
    apply = getattr(pypdf, "apply_configuration", None)
    if apply is None:
        return nullcontext()
    limit = MAX_DECODED_BYTES
    return apply(
        zlib_maximum_output_length=limit,
        lzw_maximum_output_length=limit,
        run_length_maximum_output_length=limit,
        brotli_maximum_output_length=limit,
        array_based_stream_maximum_output_length=limit,
    )


def _invalid() -> NaraError:
    return rejection(Reason.PDF_INVALID, "The PDF is damaged or could not be read.")


def _names_in(obj: Any) -> Iterator[str]:
    """Every name (key or value) inside one object, not following indirect references."""
    stack = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            continue  # listed separately through the xref
        if isinstance(item, DictionaryObject):  # includes stream dictionaries
            yield from (str(k) for k in item)
            stack.extend(item.values())
        elif isinstance(item, ArrayObject):
            stack.extend(item)
        elif isinstance(item, NameObject):
            yield str(item)


def _reason_of(token: bytes) -> Reason | None:
    if b"#" in token:  # "/J#61vaScript" is /JavaScript to every reader
        token = _ESCAPE.sub(lambda m: bytes([int(m[1], 16)]), token)
    return _NAME_REASON.get("/" + token.decode("latin-1"))


def _raw_findings(path: Path) -> set[Reason]:
    """Names anywhere in the raw bytes, read 1 MiB at a time, overlapping at block ends.

    This covers every object that is not compressed, including ones a lenient viewer would
    recover but pypdf's xref does not list.
    """
    found: set[Reason] = set()
    tail = b""
    with path.open("rb") as fh:
        while True:
            block = fh.read(_CHUNK)
            window = tail + block
            done = len(window) if not block else len(window) - _OVERLAP
            for match in _RAW_NAME.finditer(window):
                if match.start() >= done:
                    break  # seen again, whole, at the start of the next window
                if (reason := _reason_of(match[1])) is not None:
                    found.add(reason)
            if not block:
                return found
            tail = window[done:]


def _compressed_findings(reader: PdfReader) -> set[Reason]:
    """Names in objects inside object streams, which the raw scan cannot read.

    One object stream at a time: pypdf parses a whole stream into its cache, which is
    emptied before the next, so memory stays at one decoded stream.
    """
    found = {_NAME_REASON[n] for n in _names_in(reader.trailer) if n in _NAME_REASON}
    by_stream: dict[int, list[int]] = defaultdict(list)
    for num, (stream_num, _) in reader.xref_objStm.items():
        by_stream[stream_num].append(num)
    for nums in by_stream.values():
        for num in nums:
            obj = reader.get_object(IndirectObject(num, 0, reader))
            found.update(_NAME_REASON[n] for n in _names_in(obj) if n in _NAME_REASON)
        reader.resolved_objects.clear()
    return found


def _open(fh: BinaryIO) -> PdfReader:
    try:
        return PdfReader(fh, strict=False)  # a file object: read as needed, never copied whole
    except Exception as exc:  # parser boundary: anything pypdf fails on is invalid
        raise _invalid() from exc


def check_pdf(path: Path, size: int) -> int:
    """Return the page count or raise the first rejection reason."""
    with path.open("rb") as fh, _decode_limits():
        return _check(path, size, fh)


def _check(path: Path, size: int, fh: BinaryIO) -> int:
    reader = _open(fh)
    if reader.is_encrypted:
        raise rejection(Reason.PDF_ENCRYPTED, "Encrypted PDFs cannot be checked or read by staff.")
    trailing = pdf_trailing(path, size)
    if trailing is None:
        raise _invalid()
    if not is_padding(trailing) or has_foreign_signature(path, markup=False):
        raise rejection(Reason.POLYGLOT, "The PDF has other data hidden in it.")
    try:
        pages = len(reader.pages)
        found = _raw_findings(path) | _compressed_findings(reader)
    except Exception as exc:
        raise _invalid() from exc
    for reason in _PRIORITY:
        if reason in found:
            raise rejection(reason, _MESSAGES[reason])
    return pages
