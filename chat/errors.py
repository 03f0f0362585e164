"""The one error type of Nära: a stable code that maps to HTTP and Socket.IO errors.

Services raise :class:`NaraError`; the HTTP layer turns it into a JSON body with the same
code and the status below, and the Socket.IO layer into an ``{"error": {...}}`` ack.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    INVALID_REQUEST = "invalid_request"
    INVALID_JSON = "invalid_json"
    VALIDATION_FAILED = "validation_failed"
    UNAUTHENTICATED = "unauthenticated"
    INVALID_CREDENTIALS = "invalid_credentials"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    IDEMPOTENCY_MISMATCH = "idempotency_mismatch"
    THREAD_CLOSED = "thread_closed"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    RATE_LIMITED = "rate_limited"
    ATTACHMENTS_DISABLED = "attachments_disabled"
    ATTACHMENT_REJECTED = "attachment_rejected"
    MEETING_FULL = "meeting_full"
    MEETING_ENDED = "meeting_ended"
    INVITE_INVALID = "invite_invalid"
    NOT_ADMITTED = "not_admitted"
    SFU_UNAVAILABLE = "sfu_unavailable"
    INTERNAL = "internal_error"


_STATUS: dict[ErrorCode, int] = {
    ErrorCode.INVALID_REQUEST: 400,
    ErrorCode.INVALID_JSON: 400,
    ErrorCode.VALIDATION_FAILED: 422,
    ErrorCode.UNAUTHENTICATED: 401,
    ErrorCode.INVALID_CREDENTIALS: 401,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.CONFLICT: 409,
    ErrorCode.IDEMPOTENCY_MISMATCH: 409,
    ErrorCode.THREAD_CLOSED: 409,
    ErrorCode.PAYLOAD_TOO_LARGE: 413,
    ErrorCode.UNSUPPORTED_MEDIA_TYPE: 415,
    ErrorCode.RATE_LIMITED: 429,
    ErrorCode.ATTACHMENTS_DISABLED: 403,
    ErrorCode.ATTACHMENT_REJECTED: 422,
    ErrorCode.MEETING_FULL: 409,
    ErrorCode.MEETING_ENDED: 410,
    ErrorCode.INVITE_INVALID: 410,
    ErrorCode.NOT_ADMITTED: 403,
    ErrorCode.SFU_UNAVAILABLE: 503,
    ErrorCode.INTERNAL: 500,
}


class NaraError(Exception):
    """A failure the caller can act on. ``code`` is stable API; ``message`` is for humans.

    ``reason`` refines a code where callers need to tell cases apart (for example
    ``attachment_rejected`` with reason ``polyglot``). Never put personal data in any field.
    """

    def __init__(
        self,
        code: ErrorCode,
        message: str,
        *,
        reason: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.reason = reason
        self.details = details or {}

    @property
    def http_status(self) -> int:
        return _STATUS[self.code]

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": str(self.code), "message": self.message}
        if self.reason:
            body["reason"] = self.reason
        if self.details:
            body["details"] = self.details
        return body


def not_found(what: str = "resource") -> NaraError:
    """The same answer whether a thing is missing or merely hidden from the caller."""
    return NaraError(ErrorCode.NOT_FOUND, f"{what} not found")
