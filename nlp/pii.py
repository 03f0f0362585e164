"""Personal data (personnummer, Swedish phone numbers): finding and masking."""

from __future__ import annotations

import re
from dataclasses import dataclass

PERSONNUMMER = "personnummer"
PHONE = "telefonnummer"

# YYYYMMDD or YYMMDD, optional '-' or '+', four digits; not inside a longer number.
_PNR_RE = re.compile(r"(?<![\d+])(?:(?:19|20)\d{2}|\d{2})(\d{2})(\d{2})[-+]?\d{4}(?![\d])")
# Swedish numbers: +46 / 0046 / 0, then 7-9 digits with optional single space or hyphen.
_PHONE_RE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)46[\s-]?(?:\(0\)[\s-]?)?|0)[1-9](?:[\s-]?\d){6,8}(?!\d)"
)


@dataclass(frozen=True)
class PiiSpan:
    """Character span of personal data in the original text."""

    start: int
    end: int
    kind: str

    def to_dict(self) -> dict[str, int | str]:
        return {"start": self.start, "end": self.end, "kind": self.kind}


def luhn_ok(digits: str) -> bool:
    """Luhn check over a digit string (weights 2,1,2,1... from the left for 10 digits)."""
    total = 0
    for i, ch in enumerate(digits):
        value = int(ch) * (2 if i % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _is_personnummer(match: re.Match[str]) -> bool:
    digits = re.sub(r"\D", "", match.group(0))[-10:]
    month, day = int(match.group(1)), int(match.group(2))
    # Samordningsnummer add 60 to the day.
    day_ok = 1 <= day <= 31 or 61 <= day <= 91
    return 1 <= month <= 12 and day_ok and luhn_ok(digits)


def find_personal_data(text: str) -> tuple[PiiSpan, ...]:
    """Return personnummer and phone-number spans, sorted, non-overlapping."""
    spans = [
        PiiSpan(m.start(), m.end(), PERSONNUMMER)
        for m in _PNR_RE.finditer(text)
        if _is_personnummer(m)
    ]
    for m in _PHONE_RE.finditer(text):
        if not any(s.start < m.end() and m.start() < s.end for s in spans):
            spans.append(PiiSpan(m.start(), m.end(), PHONE))
    return tuple(sorted(spans, key=lambda s: s.start))


def mask_spans(text: str, spans: tuple[PiiSpan, ...]) -> str:
    parts: list[str] = []
    pos = 0
    for span in spans:
        parts.append(text[pos : span.start])
        parts.append(f"[{span.kind}]")
        pos = span.end
    parts.append(text[pos:])
    return "".join(parts)


def mask_personal_data(text: str) -> str:
    """Replace personnummer and phone numbers with "[personnummer]" / "[telefonnummer]"."""
    return mask_spans(text, find_personal_data(text))
