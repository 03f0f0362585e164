from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from chat.attachments import (
    AttachmentLimits,
    CleanedFile,
    InspectedFile,
    clean_file,
    inspect_file,
    make_thumbnail,
    sniff_kind,
)

from . import corpus
from .corpus import Sample

METADATA_MARKERS = (b"Exif", b"GPS", b"NaraCam", b"patient", b"Patient", b"secret", b"XMP",
                    b"iCCP", b"ICC_PROFILE", b"tEXt", b"iTXt", b"zTXt", b"hemadress")  # fmt: skip


def _clean(tmp_path: Path, sample: Sample) -> tuple[InspectedFile, CleanedFile]:
    src = corpus.write(tmp_path, sample)
    inspected = inspect_file(
        src, claimed_name=sample[0], claimed_type=None, limits=AttachmentLimits()
    )
    return inspected, clean_file(src, inspected, tmp_path / "clean.bin")


def test_gps_jpeg_loses_all_metadata(tmp_path: Path) -> None:
    _, cleaned = _clean(tmp_path, corpus.gps_jpeg())
    raw = cleaned.path.read_bytes()
    assert [m for m in METADATA_MARKERS if m in raw] == []
    with Image.open(cleaned.path) as im:
        assert im.format == "JPEG"
        assert dict(im.getexif()) == {}
        assert "icc_profile" not in im.info and "comment" not in im.info


def test_source_really_had_the_metadata() -> None:
    raw = corpus.gps_jpeg()[1]
    assert b"Exif" in raw and b"NaraCam" in raw
    with Image.open(io.BytesIO(raw)) as im:
        exif = im.getexif()
        assert exif[corpus.ORIENTATION] == 6
        assert exif.get_ifd(corpus.GPS_IFD)[1] == "N"


def test_orientation_is_applied(tmp_path: Path) -> None:
    _, cleaned = _clean(tmp_path, corpus.gps_jpeg())
    assert (cleaned.width, cleaned.height) == (200, 300)
    with Image.open(cleaned.path) as im:
        assert im.size == (200, 300)
        rgb = im.convert("RGB")
        # Orientation 6 = rotate 90° clockwise: the red left half ends up on top.
        top, bottom = rgb.getpixel((100, 30)), rgb.getpixel((100, 270))
    assert isinstance(top, tuple) and isinstance(bottom, tuple)
    assert top[0] > 200 and top[2] < 60
    assert bottom[2] > 200 and bottom[0] < 60


def test_png_text_chunks_removed(tmp_path: Path) -> None:
    assert b"tEXt" in corpus.png_with_text()[1]
    _, cleaned = _clean(tmp_path, corpus.png_with_text())
    raw = cleaned.path.read_bytes()
    assert [m for m in METADATA_MARKERS if m in raw] == []
    with Image.open(cleaned.path) as im:
        assert im.format == "PNG" and im.size == (64, 48)
        assert getattr(im, "text", {}) == {}


def test_png_transparency_kept(tmp_path: Path) -> None:
    _, cleaned = _clean(tmp_path, corpus.transparent_png())
    with Image.open(cleaned.path) as im:
        assert im.mode == "RGBA"
        assert im.getpixel((0, 0)) == (255, 0, 0, 128)


def test_animated_gif_keeps_frames_durations_and_loop(tmp_path: Path) -> None:
    _, cleaned = _clean(tmp_path, corpus.animated_gif())
    raw = cleaned.path.read_bytes()
    assert b"secret" not in raw
    assert b"NETSCAPE2.0" in raw  # the looping extension is the one kept
    with Image.open(cleaned.path) as im:
        assert im.format == "GIF"
        assert getattr(im, "n_frames", 1) == 3
        assert im.info.get("loop") == 0
        seen = []
        for index in range(3):
            im.seek(index)
            seen.append((im.info.get("duration"), im.convert("RGB").getpixel((5, 5))))
    assert seen == [(100, (255, 0, 0)), (200, (0, 255, 0)), (300, (0, 0, 255))]


def test_gif_xmp_extension_removed(tmp_path: Path) -> None:
    assert b"secret-xmp" in corpus.gif_with_xmp()[1]
    _, cleaned = _clean(tmp_path, corpus.gif_with_xmp())
    raw = cleaned.path.read_bytes()
    assert b"secret-xmp" not in raw and b"XMP" not in raw and b"secret comment" not in raw
    with Image.open(cleaned.path) as im:
        assert getattr(im, "n_frames", 1) == 3


def test_pdf_is_stored_unchanged(tmp_path: Path) -> None:
    sample = corpus.small_pdf()
    _, cleaned = _clean(tmp_path, sample)
    assert cleaned.path.read_bytes() == sample[1]
    assert cleaned.size == len(sample[1])
    assert cleaned.width is None


def test_cleaned_file_is_private_and_hashed(tmp_path: Path) -> None:
    import hashlib

    _, cleaned = _clean(tmp_path, corpus.gps_jpeg())
    assert cleaned.path.stat().st_mode & 0o777 == 0o600
    assert cleaned.sha256 == hashlib.sha256(cleaned.path.read_bytes()).hexdigest()
    assert cleaned.size == cleaned.path.stat().st_size


@pytest.mark.parametrize(
    "make", [corpus.gps_jpeg, corpus.png_with_text, corpus.animated_gif, corpus.transparent_png]
)
def test_thumbnail_is_small_and_clean(tmp_path: Path, make: object) -> None:
    sample = make()  # type: ignore[operator]
    inspected, cleaned = _clean(tmp_path, sample)
    for source in (corpus.write(tmp_path, sample, "orig.bin"), cleaned.path):
        thumb = make_thumbnail(source, inspected)
        assert thumb is not None
        assert sniff_kind(thumb) in {"jpeg", "png"}
        assert [m for m in METADATA_MARKERS if m in thumb] == []
        with Image.open(io.BytesIO(thumb)) as im:
            assert max(im.size) <= 320


def test_thumbnail_of_large_image_keeps_aspect(tmp_path: Path) -> None:
    out = io.BytesIO()
    Image.new("RGB", (1600, 800), "green").save(out, "JPEG")
    inspected, cleaned = _clean(tmp_path, ("stor.jpg", out.getvalue()))
    thumb = make_thumbnail(cleaned.path, inspected)
    assert thumb is not None and sniff_kind(thumb) == "jpeg"
    with Image.open(io.BytesIO(thumb)) as im:
        assert im.size == (320, 160)


def test_thumbnail_of_upright_photo_is_rotated(tmp_path: Path) -> None:
    inspected, _ = _clean(tmp_path, corpus.gps_jpeg())
    thumb = make_thumbnail(corpus.write(tmp_path, corpus.gps_jpeg(), "o.bin"), inspected)
    assert thumb is not None
    with Image.open(io.BytesIO(thumb)) as im:
        assert im.size == (200, 300)


def test_no_thumbnail_for_pdf(tmp_path: Path) -> None:
    inspected, cleaned = _clean(tmp_path, corpus.small_pdf())
    assert make_thumbnail(cleaned.path, inspected) is None


def test_mpo_keeps_only_the_first_image(tmp_path: Path) -> None:
    assert corpus.mpo_jpeg()[1].count(b"\xff\xd8\xff") == 2
    _, cleaned = _clean(tmp_path, corpus.mpo_jpeg())
    raw = cleaned.path.read_bytes()
    assert raw.count(b"\xff\xd8\xff") == 1
    with Image.open(cleaned.path) as im:
        assert im.format == "JPEG" and im.size == (64, 48)


def _pixels(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as im:
        return im.tobytes()


@pytest.mark.parametrize(
    ("mode", "save"),
    [("RGB", {}), ("L", {}), ("RGB", {"progressive": True, "restart_marker_blocks": 1})],
    ids=["baseline", "greyscale", "progressive"],
)
def test_upright_jpeg_loses_its_metadata_losslessly(
    tmp_path: Path, mode: str, save: dict[str, object]
) -> None:
    sample = corpus.upright_jpeg_with_metadata(mode, **save)
    src = sample[1]
    assert all(m in src for m in (b"Exif", b"NaraCam", b"secret-xmp", b"patient", b"secret-app15"))
    _, cleaned = _clean(tmp_path, sample)
    raw = cleaned.path.read_bytes()
    assert [m for m in METADATA_MARKERS + (b"8BIM", b"app15") if m in raw] == []
    # Not re-encoded: the same pixels, and the compressed data copied byte for byte.
    assert _pixels(raw) == _pixels(src)
    first_scan = src.index(b"\xff\xda")
    assert raw.endswith(src[first_scan:])
    # The JFIF header is a bare one: no density, no thumbnail (which may show the original).
    assert raw[2:20] == b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    with Image.open(cleaned.path) as im:
        assert im.format == "JPEG" and im.mode == mode and im.size == (300, 200)
        assert dict(im.getexif()) == {} and "comment" not in im.info
    assert (cleaned.width, cleaned.height) == (300, 200)


def test_adobe_colour_flags_are_kept(tmp_path: Path) -> None:
    name, data = corpus.upright_jpeg_with_metadata()
    adobe = corpus.jpeg_segment(0xEE, b"Adobe\x00\x64\x00\x00\x00\x00\x01")  # YCbCr
    _, cleaned = _clean(tmp_path, (name, data[:2] + adobe + data[2:]))
    raw = cleaned.path.read_bytes()
    assert adobe in raw and _pixels(raw) == _pixels(data)


def test_cmyk_jpeg_is_re_encoded_as_rgb(tmp_path: Path) -> None:
    out = io.BytesIO()
    Image.new("CMYK", (40, 30), (0, 255, 255, 0)).save(out, "JPEG")
    _, cleaned = _clean(tmp_path, ("tryck.jpg", out.getvalue()))
    with Image.open(cleaned.path) as im:
        assert im.mode == "RGB"
        red = im.getpixel((5, 5))
    assert isinstance(red, tuple) and red[0] > 200 and red[1] < 60


def test_an_unusual_jpeg_structure_falls_back_to_re_encoding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chat.attachments import cleaning
    from chat.attachments.jpegstrip import strip_jpeg

    name, data = corpus.upright_jpeg_with_metadata()
    odd = data[:2] + corpus.jpeg_segment(0xF1, b"x") + data[2:]  # a JPEG extension marker
    assert strip_jpeg(odd, io.BytesIO()) is False
    assert strip_jpeg(data[:-200], io.BytesIO()) is False  # no EOI

    monkeypatch.setattr(cleaning, "strip_jpeg", lambda data, out: False)
    _, cleaned = _clean(tmp_path, (name, data))
    raw = cleaned.path.read_bytes()
    assert [m for m in METADATA_MARKERS if m in raw] == []
    assert not raw.endswith(data[data.index(b"\xff\xda") :])  # re-encoded
    with Image.open(cleaned.path) as im:
        assert im.size == (300, 200) and dict(im.getexif()) == {}

