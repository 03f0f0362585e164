"""Client-supplied file names: validation and a safe Content-Disposition header."""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

from chat.attachments.reasons import Reason, rejection

MAX_NAME_CHARS = 255

# Bidi controls let "gpj.exe" render as "exe.jpg"; never show them to staff.
_BIDI = frozenset("\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# RFC 5987 attr-char minus the alphanumerics that quote() keeps anyway.
_ATTR_SAFE = "!#$&+-.^_`|~"


def _is_forbidden_char(ch: str) -> bool:
    if ch in _BIDI or ch in "/\\":
        return True
    # Cc: C0/C1 controls, NUL and DEL; Zl/Zp: line breaks; Cs: lone surrogates.
    return unicodedata.category(ch) in {"Cc", "Zl", "Zp", "Cs"}


def validate_filename(name: str) -> str:
    """Return ``name`` NFC-normalised and trimmed, or raise ``invalid_filename``.

    Non-ASCII names are kept. Since ``/`` and ``\\`` are refused, ``..`` can only be a
    path part when it is the whole name; names made only of dots are refused.
    """
    cleaned = unicodedata.normalize("NFC", name).strip()
    if not cleaned:
        raise rejection(Reason.INVALID_FILENAME, "The file name is empty.")
    if len(cleaned) > MAX_NAME_CHARS:
        raise rejection(Reason.INVALID_FILENAME, "The file name is longer than 255 characters.")
    if any(_is_forbidden_char(ch) for ch in cleaned):
        raise rejection(
            Reason.INVALID_FILENAME,
            "The file name contains a path, control or text-direction character.",
        )
    if set(cleaned) == {"."}:
        raise rejection(Reason.INVALID_FILENAME, "The file name is not a file name.")
    return cleaned


def _sanitise(name: str) -> str:
    """Drop path parts and characters that may not appear in a header, keep Unicode."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    kept = "".join(ch for ch in base if not _is_forbidden_char(ch))
    kept = unicodedata.normalize("NFC", kept).strip()
    return "file" if set(kept) <= {"."} else kept[:MAX_NAME_CHARS]


def _ascii_fallback(name: str) -> str:
    """ "röntgen åäö.pdf" -> "rontgen aao.pdf"; quotes, backslashes and % become "_"."""
    folded = unicodedata.normalize("NFKD", name)
    out = []
    for ch in folded:
        if unicodedata.combining(ch):
            continue
        out.append(ch if 0x20 <= ord(ch) < 0x7F and ch not in '"\\%' else "_")
    text = "".join(out).strip()
    return text or "file"


def content_disposition(name: str, *, inline: bool) -> str:
    """An RFC 6266 header value with an ASCII ``filename`` and a UTF-8 ``filename*``."""
    safe = _sanitise(name)
    kind = "inline" if inline else "attachment"
    encoded = quote(safe, safe=_ATTR_SAFE)
    return f"{kind}; filename=\"{_ascii_fallback(safe)}\"; filename*=UTF-8''{encoded}"
