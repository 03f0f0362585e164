"""Client-supplied file names: cleaned into a safe base name, and a safe Content-Disposition.

A name is cleaned, not refused: browsers, phones and old Windows clients send paths, control
characters and very long names, and the file itself is what matters. Only input that is not a
name at all (not text, or longer than ``MAX_INPUT_BYTES``) is ``invalid_filename``.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from chat.attachments.reasons import Reason, rejection
from chat.errors import NaraError

MAX_NAME_BYTES = 255  # UTF-8 bytes: what ext4 and most file systems allow for one name
MAX_INPUT_BYTES = 4096  # anything longer is not a file name but a bug or an attack
FALLBACK_STEM = "bilaga"  # when nothing of the name is left: "bilaga.jpg"

# Extensions each kind may keep as the client wrote them; the first is the one appended.
EXTENSIONS = {
    "pdf": (".pdf",),
    "jpeg": (".jpg", ".jpeg", ".jpe", ".jfif"),
    "png": (".png",),
    "gif": (".gif",),
}
_KIND_OF_EXTENSION = {ext: kind for kind, exts in EXTENSIONS.items() for ext in exts}

# Cc: C0/C1 controls, NUL, DEL. Cf: format characters, among them every bidi control
# (U+200E/F, U+061C, U+202A-E, U+2066-9: "bild\u202egpj.exe" shows as "bildexe.jpg") and
# zero-width ones. Zl/Zp: line and paragraph separators. Cs: lone surrogates (no UTF-8).
_DROPPED = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
# Leading/trailing whitespace, and trailing dots (Windows drops them when saving).
_EDGES = re.compile(r"^\s+|[\s.]+$")
# RFC 5987 attr-char minus the alphanumerics that quote() keeps anyway.
_ATTR_SAFE = "!#$&+-.^_`|~"


def _base_name(name: object) -> str:
    """The last path part, without dropped characters, NFC, trimmed; may be empty."""
    if not isinstance(name, str):
        raise rejection(Reason.INVALID_FILENAME, "The file name is not text.")
    if len(name) > MAX_INPUT_BYTES or len(name.encode("utf-8", "surrogatepass")) > MAX_INPUT_BYTES:
        raise rejection(
            Reason.INVALID_FILENAME, f"The file name is longer than {MAX_INPUT_BYTES} bytes."
        )
    kept = "".join(ch for ch in name if unicodedata.category(ch) not in _DROPPED)
    base = kept.replace("\\", "/").rsplit("/", 1)[-1]  # both separators, whatever the client OS
    return _EDGES.sub("", unicodedata.normalize("NFC", base))


def _split(base: str) -> tuple[str, str]:
    """("röntgen", ".pdf") from "röntgen.pdf"; no extension gives ("name", "")."""
    stem, dot, ext = base.rpartition(".")
    return (stem, dot + ext) if dot else (base, "")


def _fit(text: str, max_bytes: int) -> str:
    """``text`` cut to at most ``max_bytes`` UTF-8 bytes, never inside a character."""
    encoded = text.encode("utf-8")
    if len(encoded) <= max_bytes:
        return text
    return encoded[:max_bytes].decode("utf-8", "ignore")


def claimed_kind(name: object) -> str | None:
    """The kind the cleaned name's extension names ("jpeg" for "FOTO.JPG"), or None."""
    return _KIND_OF_EXTENSION.get(_split(_base_name(name))[1].lower())


def clean_filename(name: object, kind: str) -> str:
    """The name to store, show and serve for a file whose content is ``kind``.

    Base name only (``/`` and ``\\`` both separate), control, format (bidi) and line
    separator characters removed, NFC, trimmed. An extension of ``kind`` is kept as written
    ("FOTO.JPEG"); any other is kept too and the kind's extension is appended ("scan.dat" ->
    "scan.dat.pdf"), so nothing the patient wrote is lost and the last extension is always
    the real type. (A name claiming another of the four types is refused before this, as
    ``type_mismatch``.) At most 255 UTF-8 bytes, cut in the stem so the extension stays;
    "bilaga.<ext>" if nothing is left. Raises ``invalid_filename`` only for non-text or
    input over 4 KiB.
    """
    base = _base_name(name)
    stem, ext = _split(base)
    if ext.lower() not in EXTENSIONS[kind]:
        stem, ext = base, EXTENSIONS[kind][0]
    stem = stem.lstrip(". ")  # a leading dot hides the file when it is saved on Unix
    stem = _EDGES.sub("", _fit(stem, MAX_NAME_BYTES - len(ext.encode()))) or FALLBACK_STEM
    return stem + ext


def _sanitise(name: str) -> str:
    """Stored names are clean already; this guards the header against anything older."""
    try:
        base = _base_name(name[: MAX_INPUT_BYTES // 4])  # never too long to clean
    except NaraError:
        base = ""
    return _fit(base, MAX_NAME_BYTES) or FALLBACK_STEM


def _ascii_fallback(name: str) -> str:
    """ "röntgen åäö.pdf" -> "rontgen aao.pdf"; quotes, backslashes and % become "_"."""
    folded = unicodedata.normalize("NFKD", name)
    out = []
    for ch in folded:
        if unicodedata.combining(ch):
            continue
        out.append(ch if 0x20 <= ord(ch) < 0x7F and ch not in '"\\%' else "_")
    text = "".join(out).strip()
    return text or FALLBACK_STEM


def content_disposition(name: str, *, inline: bool) -> str:
    """An RFC 6266 header value with an ASCII ``filename`` and a UTF-8 ``filename*``."""
    safe = _sanitise(name)
    kind = "inline" if inline else "attachment"
    encoded = quote(safe, safe=_ATTR_SAFE)
    return f"{kind}; filename=\"{_ascii_fallback(safe)}\"; filename*=UTF-8''{encoded}"
