"""Domain errors carry no HTTP; server/errors.py maps every code to a status."""

from __future__ import annotations

from chat.errors import ErrorCode, NaraError
from server.errors import HTTP_STATUS, http_status


def test_every_code_has_an_http_status() -> None:
    assert set(HTTP_STATUS) == set(ErrorCode)
    assert all(400 <= status <= 599 for status in HTTP_STATUS.values())


def test_the_domain_error_knows_nothing_of_http() -> None:
    err = NaraError(ErrorCode.THREAD_CLOSED, "closed", reason="staff")
    assert not hasattr(err, "http_status")
    assert http_status(err) == 409
    assert err.to_dict() == {"code": "thread_closed", "message": "closed", "reason": "staff"}
