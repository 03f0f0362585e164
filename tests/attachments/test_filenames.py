from __future__ import annotations

import unicodedata

import pytest

from chat.attachments import clean_filename, content_disposition
from chat.attachments.filenames import MAX_NAME_BYTES, claimed_kind
from chat.errors import ErrorCode, NaraError

from . import corpus


@pytest.mark.parametrize(
    ("name", "cleaned"), list(corpus.CLEANED_NAMES.values()), ids=list(corpus.CLEANED_NAMES)
)
def test_names_are_cleaned_not_refused(name: str, cleaned: str) -> None:
    result = clean_filename(name, "png")
    assert result == cleaned
    assert 0 < len(result.encode()) <= MAX_NAME_BYTES
    assert result == unicodedata.normalize("NFC", result)
    assert not any(ch in result for ch in "/\\")
    assert all(unicodedata.category(ch) not in {"Cc", "Cf", "Zl", "Zp", "Cs"} for ch in result)
    assert result.lower().endswith(".png")


@pytest.mark.parametrize(
    "name", list(corpus.REFUSED_NAMES.values()), ids=list(corpus.REFUSED_NAMES)
)
def test_only_absurd_input_is_refused(name: str) -> None:
    with pytest.raises(NaraError) as info:
        clean_filename(name, "png")
    assert info.value.reason == "invalid_filename"
    assert info.value.code == ErrorCode.ATTACHMENT_REJECTED
    assert "4096 bytes" in info.value.message


@pytest.mark.parametrize("name", [None, 12, b"bild.png", ["bild.png"]])
def test_a_name_that_is_not_text_is_refused(name: object) -> None:
    with pytest.raises(NaraError) as info:
        clean_filename(name, "png")
    assert info.value.reason == "invalid_filename"


@pytest.mark.parametrize("name", list(corpus.GOOD_NAMES.values()), ids=list(corpus.GOOD_NAMES))
def test_good_names_kept(name: str) -> None:
    kind = claimed_kind(name)
    assert kind is not None
    assert clean_filename(name, kind) == name.strip()


@pytest.mark.parametrize(
    ("name", "kind", "cleaned"),
    [
        ("foto.jpg", "jpeg", "foto.jpg"),
        ("foto.jfif", "jpeg", "foto.jfif"),
        ("foto.JPE", "jpeg", "foto.JPE"),
        ("foto", "jpeg", "foto.jpg"),
        ("bild.exe", "jpeg", "bild.exe.jpg"),  # appended: the real type is the last extension
        ("remiss.docx", "pdf", "remiss.docx.pdf"),
        ("provsvar 2024.11.03", "pdf", "provsvar 2024.11.03.pdf"),
        ("anim.GIF", "gif", "anim.GIF"),
        ("", "gif", "bilaga.gif"),
        ("", "pdf", "bilaga.pdf"),
    ],
)
def test_the_extension_is_the_detected_type(name: str, kind: str, cleaned: str) -> None:
    assert clean_filename(name, kind) == cleaned


def test_shortening_keeps_the_extension_and_whole_characters() -> None:
    for stem_char in ("a", "å", "日", "😀"):  # 1 to 4 UTF-8 bytes
        for ext in (".jpg", ".jpeg", ""):
            cleaned = clean_filename(stem_char * 300 + ext, "jpeg")
            size = len(cleaned.encode())
            assert MAX_NAME_BYTES - len(stem_char.encode()) < size <= MAX_NAME_BYTES
            assert cleaned.endswith(ext or ".jpg")
            assert set(cleaned.rsplit(".", 1)[0]) == {stem_char}


def test_shortening_never_ends_the_stem_in_a_dot_or_space() -> None:
    cleaned = clean_filename("a" * 250 + " .x" * 20 + ".png", "png")
    assert cleaned == "a" * 250 + ".png"


def test_claimed_kind_reads_the_cleaned_name() -> None:
    assert claimed_kind("foto.jpg  ") == "jpeg"
    assert claimed_kind("C:\\mapp\\FOTO.PNG") == "png"
    assert claimed_kind("bild\u202egpj.exe") is None
    assert claimed_kind("skanning") is None


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
        ("..", "bilaga"),
        ("", "bilaga"),
        ("日本.pdf", "__.pdf"),
        ("a" * 5000, "a" * 255),
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
