"""Decide what an uploaded file really is, from its content, and whether to accept it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from chat.attachments.filenames import claimed_kind
from chat.attachments.imagecheck import check_image
from chat.attachments.limits import AttachmentLimits, check_message_files, size_text
from chat.attachments.pdfcheck import check_pdf
from chat.attachments.reasons import Reason, rejection
from chat.attachments.sniffing import MIME, sniff_kind

__all__ = ["AttachmentLimits", "InspectedFile", "check_message_files", "inspect_file"]

_MIME_KINDS = {
    "application/pdf": "pdf",
    "image/jpeg": "jpeg",
    "image/jpg": "jpeg",
    "image/pjpeg": "jpeg",
    "image/png": "png",
    "image/x-png": "png",
    "image/gif": "gif",
}


@dataclass(frozen=True, slots=True)
class InspectedFile:
    kind: str  # "pdf" | "jpeg" | "png" | "gif"
    mime: str
    size: int
    width: int | None = None
    height: int | None = None
    animated: bool = False
    pages: int | None = None


def _claimed_kinds(claimed_name: object, claimed_type: str | None) -> set[str]:
    """Kinds that the name's extension or the declared MIME type name; unknown ones say nothing."""
    kinds = set()
    by_name = claimed_kind(claimed_name)  # of the cleaned name: "foto.jpg  " claims JPEG
    if by_name is not None:
        kinds.add(by_name)
    if claimed_type:
        mime = claimed_type.split(";", 1)[0].strip().lower()
        if mime in _MIME_KINDS:
            kinds.add(_MIME_KINDS[mime])
    return kinds


def _check_size(size: int, limits: AttachmentLimits) -> None:
    if size == 0:
        raise rejection(Reason.EMPTY_FILE, "The file is empty.")
    if size > limits.max_file_bytes:
        raise rejection(
            Reason.FILE_TOO_LARGE,
            f"The file is larger than {size_text(limits.max_file_bytes)}.",
        )


def _sniff(path: Path) -> str:
    with path.open("rb") as fh:
        kind = sniff_kind(fh.read(16))
    if kind is None:
        raise rejection(
            Reason.UNSUPPORTED_TYPE, "Only PDF, JPEG, PNG and GIF files can be attached."
        )
    return kind


def inspect_file(
    path: Path, *, claimed_name: str, claimed_type: str | None, limits: AttachmentLimits
) -> InspectedFile:
    """Inspect a fully received file; raise ``NaraError`` with a reason, or describe it.

    Synchronous CPU and disk work: run it in a thread pool.
    """
    claimed = _claimed_kinds(claimed_name, claimed_type)  # invalid_filename only for non-names
    size = path.stat().st_size
    _check_size(size, limits)
    kind = _sniff(path)
    if claimed - {kind}:
        raise rejection(
            Reason.TYPE_MISMATCH, "The file's name or declared type does not match its content."
        )
    if kind == "pdf":
        pages = check_pdf(path, size)
        return InspectedFile(kind, MIME[kind], size, pages=pages)
    facts = check_image(path, kind, limits)
    return InspectedFile(
        kind,
        MIME[kind],
        size,
        width=facts.width,
        height=facts.height,
        animated=facts.animated and kind == "gif",
    )
