"""Stable rejection reasons and the one way to raise them."""

from __future__ import annotations

from enum import StrEnum

from chat.errors import ErrorCode, NaraError


class Reason(StrEnum):
    EMPTY_FILE = "empty_file"
    FILE_TOO_LARGE = "file_too_large"
    MESSAGE_TOO_LARGE = "message_too_large"
    TOO_MANY_FILES = "too_many_files"
    UNSUPPORTED_TYPE = "unsupported_type"
    TYPE_MISMATCH = "type_mismatch"
    POLYGLOT = "polyglot"
    PDF_JAVASCRIPT = "pdf_javascript"
    PDF_LAUNCH = "pdf_launch"
    PDF_EMBEDDED_FILE = "pdf_embedded_file"
    PDF_ENCRYPTED = "pdf_encrypted"
    PDF_INVALID = "pdf_invalid"
    TOO_MANY_PIXELS = "too_many_pixels"
    IMAGE_INVALID = "image_invalid"
    INVALID_FILENAME = "invalid_filename"


# Size limits map to 413; everything else is a 422 "attachment_rejected".
_SIZE_REASONS = {Reason.FILE_TOO_LARGE, Reason.MESSAGE_TOO_LARGE, Reason.TOO_MANY_FILES}


def rejection(reason: Reason, message: str) -> NaraError:
    """Build the error for ``reason``. ``message`` must never contain a file name or content."""
    code = ErrorCode.PAYLOAD_TOO_LARGE if reason in _SIZE_REASONS else ErrorCode.ATTACHMENT_REJECTED
    return NaraError(code, message, reason=str(reason))
