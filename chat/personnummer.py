"""Swedish personal identity numbers (personnummer): parsing and the Luhn check.

A personnummer is sensitive: callers store it, never log it.
"""

from __future__ import annotations

import re
from datetime import date

from chat.errors import ErrorCode, NaraError

_PATTERN = re.compile(r"^(\d{2})?(\d{2})(\d{2})(\d{2})([-+]?)(\d{4})$")


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(digits):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def normalize(value: str, *, today: date | None = None) -> str:
    """Return the canonical form ``YYYYMMDD-XXXX`` or raise ``validation_failed``."""
    match = _PATTERN.match(value.strip())
    if not match:
        raise _invalid()
    century, yy, mm, dd, sep, tail = match.groups()
    if not luhn_ok(f"{yy}{mm}{dd}{tail}"):
        raise _invalid()
    year = int(century + yy) if century else _infer_year(int(yy), sep, today or date.today())
    day = int(dd) - 60 if int(dd) > 60 else int(dd)  # samordningsnummer add 60 to the day
    try:
        date(year, int(mm), day)
    except ValueError as exc:
        raise _invalid() from exc
    return f"{year:04d}{mm}{dd}-{tail}"


def birth_date(canonical: str) -> date:
    day = int(canonical[6:8])
    return date(int(canonical[0:4]), int(canonical[4:6]), day - 60 if day > 60 else day)


def _infer_year(yy: int, sep: str, today: date) -> int:
    year = today.year - (today.year - yy) % 100
    return year - 100 if sep == "+" else year


def _invalid() -> NaraError:
    return NaraError(ErrorCode.VALIDATION_FAILED, "invalid personnummer", reason="personnummer")


def with_check_digit(first_nine: str) -> str:
    """Complete ``YYMMDDNNN`` (or with century) with its Luhn digit: for demo and test data."""
    digits = first_nine.replace("-", "")[-9:]
    for check in range(10):
        if luhn_ok(digits + str(check)):
            full = first_nine.replace("-", "") + str(check)
            return f"{full[:-4]}-{full[-4:]}"
    raise ValueError("no check digit")
