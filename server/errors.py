"""How domain errors answer over HTTP: the one mapping from :class:`ErrorCode` to a status.

The domain (chat/, signaling/) raises :class:`chat.errors.NaraError` with a code and knows
nothing of HTTP; the error middleware (server/security.py) asks here for the status.
"""

from __future__ import annotations

from chat.errors import ErrorCode, NaraError

HTTP_STATUS: dict[ErrorCode, int] = {
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


def http_status(err: NaraError) -> int:
    """The status of a code; a code added without a status here answers 500 (and a test
    in tests/service/test_errors.py fails)."""
    return HTTP_STATUS.get(err.code, 500)
