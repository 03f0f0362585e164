"""PDF checks with pypdf: parseable, not encrypted, no scripts, launch actions or files."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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
# Raw-byte fallback for objects a lenient viewer could find but pypdf's xref does not list.
_RAW_NAMES = re.compile(
    rb"/(Launch|GoToR|ImportData|GoToE|JS|JavaScript|XFA|EmbeddedFiles?|FileAttachment|RichMedia)"
    rb"(?=[\s/<>\[\]()%]|$)"
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


def _all_objects(reader: PdfReader) -> Iterator[Any]:
    yield reader.trailer
    for gen, table in reader.xref.items():
        for num in table:
            yield reader.get_object(IndirectObject(num, gen, reader))
    for num in reader.xref_objStm:
        yield reader.get_object(IndirectObject(num, 0, reader))


def _findings(path: Path, reader: PdfReader) -> set[Reason]:
    found = {_NAME_REASON["/" + m.decode()] for m in _RAW_NAMES.findall(path.read_bytes())}
    for obj in _all_objects(reader):
        found.update(_NAME_REASON[n] for n in _names_in(obj) if n in _NAME_REASON)
    return found


def _open(path: Path) -> PdfReader:
    try:
        return PdfReader(path, strict=False)
    except Exception as exc:  # parser boundary: anything pypdf fails on is invalid
        raise _invalid() from exc


def check_pdf(path: Path, size: int) -> int:
    """Return the page count or raise the first rejection reason."""
    reader = _open(path)
    if reader.is_encrypted:
        raise rejection(Reason.PDF_ENCRYPTED, "Encrypted PDFs cannot be checked or read by staff.")
    trailing = pdf_trailing(path, size)
    if trailing is None:
        raise _invalid()
    if not is_padding(trailing) or has_foreign_signature(path, markup=False):
        raise rejection(Reason.POLYGLOT, "The PDF has other data hidden in it.")
    try:
        pages = len(reader.pages)
        found = _findings(path, reader)
    except Exception as exc:
        raise _invalid() from exc
    for reason in _PRIORITY:
        if reason in found:
            raise rejection(reason, _MESSAGES[reason])
    return pages
