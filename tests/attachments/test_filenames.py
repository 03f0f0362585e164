from __future__ import annotations

import pytest

from chat.attachments import content_disposition, validate_filename
from chat.errors import ErrorCode, NaraError

from . import corpus


@pytest.mark.parametrize("name", list(corpus.BAD_NAMES.values()), ids=list(corpus.BAD_NAMES))
def test_bad_names_refused(name: str) -> None:
    with pytest.raises(NaraError) as info:
        validate_filename(name)
    assert info.value.reason == "invalid_filename"
    assert info.value.code == ErrorCode.ATTACHMENT_REJECTED


@pytest.mark.parametrize("name", list(corpus.GOOD_NAMES.values()), ids=list(corpus.GOOD_NAMES))
def test_good_names_kept(name: str) -> None:
    assert validate_filename(name) == name.strip()


def test_nfc_normalised() -> None:
    decomposed = "ro\u0308ntgen.pdf"  # o + combining diaeresis, as macOS sends it
    assert validate_filename(decomposed) == "röntgen.pdf"


def test_length_counts_characters_after_trim() -> None:
    assert validate_filename("  " + "å" * 255 + "  ") == "å" * 255
    with pytest.raises(NaraError):
        validate_filename("å" * 256)


def test_content_disposition_swedish_name() -> None:
    header = content_disposition("röntgensvar åäö.pdf", inline=False)
    assert header == (
        'attachment; filename="rontgensvar aao.pdf"; '
        "filename*=UTF-8''r%C3%B6ntgensvar%20%C3%A5%C3%A4%C3%B6.pdf"
    )
    assert header.isascii()


def test_content_disposition_inline() -> None:
    assert content_disposition("bild.png", inline=True) == (
        "inline; filename=\"bild.png\"; filename*=UTF-8''bild.png"
    )


@pytest.mark.parametrize(
    ("name", "fallback"),
    [
        ('a"b.pdf', "a_b.pdf"),
        ("a\\b.pdf", "b.pdf"),
        ("../../etc/passwd", "passwd"),
        ("a\r\nSet-Cookie: x=1.pdf", "aSet-Cookie: x=1.pdf"),
        ("bild\u202egpj.exe", "bildgpj.exe"),
        ("100%.pdf", "100_.pdf"),
        ("..", "file"),
        ("", "file"),
        ("日本.pdf", "__.pdf"),
    ],
)
def test_content_disposition_is_safe(name: str, fallback: str) -> None:
    header = content_disposition(name, inline=False)
    assert f'filename="{fallback}"' in header
    assert header.isascii()
    assert not any(ch in header for ch in "\r\n\x00\\")
    star = header.split("filename*=UTF-8''", 1)[1]
    assert all(ch.isalnum() or ch in "%!#$&+-.^_`|~" for ch in star)
    assert "/" not in star and '"' not in star
