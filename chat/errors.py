"""The one error type of Nära: a stable code, a message for humans, sometimes a reason.

Services raise :class:`NaraError` and know nothing of transports: the HTTP layer turns it
into a JSON body with the status that server/errors.py maps the code to, and the Socket.IO
layer into an ``{"error": {...}}`` ack.
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
