from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest

from chat.attachments import (
    AttachmentLimits,
    InspectedFile,
    Reason,
    check_message_files,
    inspect_file,
)
from chat.attachments.limits import size_text
from chat.errors import ErrorCode, NaraError

from . import corpus
from .corpus import Sample

LIMITS = AttachmentLimits()
ALL_REASONS = {str(r) for r in Reason}
MB = 1_000_000
MIB = 1024 * 1024


def _inspect(
    tmp_path: Path,
    sample: Sample,
    *,
    claimed_type: str | None = None,
    limits: AttachmentLimits = LIMITS,
) -> InspectedFile:
    path = corpus.write(tmp_path, sample)
    return inspect_file(path, claimed_name=sample[0], claimed_type=claimed_type, limits=limits)


def _reason(tmp_path: Path, sample: Sample, **kwargs: object) -> str | None:
    with pytest.raises(NaraError) as info:
        _inspect(tmp_path, sample, **kwargs)  # type: ignore[arg-type]
    return info.value.reason


REJECTED: list[tuple[Callable[[], Sample], str]] = [
    (corpus.empty_file, "empty_file"),
    (corpus.html_named_jpg, "unsupported_type"),
    (corpus.svg, "unsupported_type"),
    (corpus.zip_archive, "unsupported_type"),
    (corpus.elf_executable, "unsupported_type"),
    (corpus.pe_executable, "unsupported_type"),
    (corpus.png_named_jpg, "type_mismatch"),
    (corpus.png_with_zip, "polyglot"),
    (corpus.jpeg_after_eoi, "polyglot"),
    (corpus.gif_after_trailer, "polyglot"),
    (corpus.mpo_with_trailing_zip, "polyglot"),
    (corpus.png_with_embedded_elf, "polyglot"),
    (corpus.pdf_with_trailing_zip, "polyglot"),
    (corpus.pdf_with_javascript, "pdf_javascript"),
    (corpus.pdf_with_annotation_javascript, "pdf_javascript"),
    (corpus.pdf_with_obfuscated_javascript, "pdf_javascript"),
    (corpus.pdf_with_javascript_in_object_stream, "pdf_javascript"),
    (corpus.pdf_with_launch, "pdf_launch"),
    (corpus.pdf_with_remote_goto, "pdf_launch"),
    (corpus.pdf_with_embedded_file, "pdf_embedded_file"),
    (corpus.encrypted_pdf, "pdf_encrypted"),
    (corpus.invalid_pdf, "pdf_invalid"),
    (corpus.pixel_bomb_png, "too_many_pixels"),
    (corpus.pixel_bomb_jpeg, "too_many_pixels"),
    (corpus.huge_screen_gif, "too_many_pixels"),
    (corpus.truncated_png, "image_invalid"),
    (corpus.corrupt_png_crc, "image_invalid"),
]


@pytest.mark.parametrize(("make", "reason"), REJECTED, ids=[m.__name__ for m, _ in REJECTED])
def test_rejected_sample_has_its_reason(
    tmp_path: Path, make: Callable[[], Sample], reason: str
) -> None:
    with pytest.raises(NaraError) as info:
        _inspect(tmp_path, make())
    err = info.value
    assert err.reason == reason
    assert err.code == ErrorCode.ATTACHMENT_REJECTED
    assert err.message and make()[0] not in err.message  # never echo the file name


def test_every_reason_is_distinct_and_covered() -> None:
    reasons = {r for _, r in REJECTED}
    assert reasons == {
        "empty_file", "unsupported_type", "type_mismatch", "polyglot", "pdf_javascript",
        "pdf_launch", "pdf_embedded_file", "pdf_encrypted", "pdf_invalid",
        "too_many_pixels", "image_invalid",
    }  # fmt: skip


ACCEPTED: list[tuple[Callable[[], Sample], str]] = [
    (corpus.gps_jpeg, "jpeg"),
    (corpus.png_with_text, "png"),
    (corpus.transparent_png, "png"),
    (corpus.animated_gif, "gif"),
    (corpus.small_pdf, "pdf"),
    (corpus.mpo_jpeg, "jpeg"),
    (corpus.progressive_jpeg, "jpeg"),
    (corpus.pdf_with_object_stream, "pdf"),
]


@pytest.mark.parametrize(("make", "kind"), ACCEPTED, ids=[m.__name__ for m, _ in ACCEPTED])
def test_accepted_sample(tmp_path: Path, make: Callable[[], Sample], kind: str) -> None:
    result = _inspect(tmp_path, make())
    assert result.kind == kind
    assert result.size == len(make()[1])
    assert result.mime == {"jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif",
                           "pdf": "application/pdf"}[kind]  # fmt: skip


def test_facts_of_accepted_files(tmp_path: Path) -> None:
    jpeg = _inspect(tmp_path, corpus.gps_jpeg())
    assert (jpeg.width, jpeg.height, jpeg.animated, jpeg.pages) == (300, 200, False, None)
    gif = _inspect(tmp_path, corpus.animated_gif())
    assert (gif.width, gif.height, gif.animated) == (40, 30, True)
    pdf = _inspect(tmp_path, corpus.small_pdf())
    assert (pdf.pages, pdf.width) == (1, None)


def test_type_comes_from_content_not_name(tmp_path: Path) -> None:
    # An unknown extension says nothing; the content decides.
    assert _inspect(tmp_path, ("bild.dat", corpus.small_png()[1])).kind == "png"
    assert _inspect(tmp_path, ("utan-filändelse", corpus.small_pdf()[1])).kind == "pdf"


def test_declared_mime_type_mismatch(tmp_path: Path) -> None:
    sample = corpus.small_png("bild")
    assert _reason(tmp_path, sample, claimed_type="image/jpeg") == "type_mismatch"
    assert _reason(tmp_path, sample, claimed_type="application/pdf") == "type_mismatch"
    assert _inspect(tmp_path, sample, claimed_type="IMAGE/PNG; q=1").kind == "png"
    assert _inspect(tmp_path, sample, claimed_type="application/octet-stream").kind == "png"


def test_extension_is_read_from_the_trimmed_name(tmp_path: Path) -> None:
    assert _reason(tmp_path, ("foto.jpg  ", corpus.small_png()[1])) == "type_mismatch"


def test_extension_match_is_case_insensitive(tmp_path: Path) -> None:
    assert _inspect(tmp_path, ("FOTO.PNG", corpus.small_png()[1])).kind == "png"
    assert _reason(tmp_path, ("FOTO.JPEG", corpus.small_png()[1])) == "type_mismatch"


def test_file_exactly_at_default_limit_accepted_one_over_rejected(tmp_path: Path) -> None:
    assert LIMITS.max_file_bytes == 10_000_000  # "10 MB", as the client and README say
    at_limit = corpus.pdf_of_size(10_000_000)
    assert _inspect(tmp_path, at_limit).size == 10_000_000
    over = corpus.pdf_of_size(10_000_001)
    with pytest.raises(NaraError) as info:
        _inspect(tmp_path, over)
    assert info.value.reason == "file_too_large"
    assert info.value.code == ErrorCode.PAYLOAD_TOO_LARGE
    assert info.value.message == "The file is larger than 10000000 bytes (10 MB)."


def test_image_exactly_at_small_limit(tmp_path: Path) -> None:
    sample = corpus.small_png()
    exact = AttachmentLimits(max_file_bytes=len(sample[1]))
    assert _inspect(tmp_path, sample, limits=exact).kind == "png"
    smaller = AttachmentLimits(max_file_bytes=len(sample[1]) - 1)
    assert _reason(tmp_path, sample, limits=smaller) == "file_too_large"


def test_pixel_limit_is_configurable(tmp_path: Path) -> None:
    sample = corpus.small_png()  # 64 x 48 = 3072 pixels
    assert _inspect(tmp_path, sample, limits=AttachmentLimits(max_pixels=3072)).width == 64
    assert _reason(tmp_path, sample, limits=AttachmentLimits(max_pixels=3071)) == "too_many_pixels"


def test_gif_frames_count_towards_the_pixel_budget(tmp_path: Path) -> None:
    sample = corpus.animated_gif()  # 3 frames of 40 x 30
    ok = AttachmentLimits(max_animation_pixels=3 * 1200)
    assert _inspect(tmp_path, sample, limits=ok).animated
    tight = AttachmentLimits(max_animation_pixels=3 * 1200 - 1)
    assert _reason(tmp_path, sample, limits=tight) == "too_many_pixels"


def test_gif_frame_count_is_limited(tmp_path: Path) -> None:
    sample = corpus.animated_gif()
    assert _inspect(tmp_path, sample, limits=AttachmentLimits(max_frames=3)).animated
    assert _reason(tmp_path, sample, limits=AttachmentLimits(max_frames=2)) == "too_many_pixels"


def test_small_padding_after_image_end_is_tolerated(tmp_path: Path) -> None:
    name, data = corpus.small_png()
    assert _inspect(tmp_path, (name, data + b"\x00" * 16)).kind == "png"
    assert _reason(tmp_path, (name, data + b"\x00" * 2000)) == "polyglot"


def test_markup_hidden_in_an_image_is_a_polyglot(tmp_path: Path) -> None:
    name, data = corpus.small_png()
    # Inside a valid private chunk, before IEND: only the signature scan sees it.
    sample = (name, data[:33] + corpus.png_chunk(b"prVt", b"<SCRIPT>alert(1)</script>") + data[33:])
    assert _reason(tmp_path, sample) == "polyglot"


@pytest.mark.parametrize(
    "name", list(corpus.REFUSED_NAMES.values()), ids=list(corpus.REFUSED_NAMES)
)
def test_invalid_claimed_name(tmp_path: Path, name: str) -> None:
    assert _reason(tmp_path, (name, corpus.small_pdf()[1])) == "invalid_filename"


@pytest.mark.parametrize(
    ("name", "_cleaned"), list(corpus.CLEANED_NAMES.values()), ids=list(corpus.CLEANED_NAMES)
)
def test_names_to_clean_do_not_refuse_the_file(tmp_path: Path, name: str, _cleaned: str) -> None:
    assert _inspect(tmp_path, (name, corpus.small_png()[1])).kind == "png"


def test_bidi_disguised_name_does_not_hide_a_type_mismatch(tmp_path: Path) -> None:
    # "bild\u202egnp.jpg" displays as "bildgpj.png", but it ends in .jpg: not a PNG's name.
    assert _reason(tmp_path, ("bild\u202egnp.jpg", corpus.small_png()[1])) == "type_mismatch"
    # A path before the name does not hide it either.
    assert _reason(tmp_path, ("mapp.png\\foto.jpg", corpus.small_png()[1])) == "type_mismatch"


def test_message_limits() -> None:
    check_message_files([10 * MB, 10 * MB, 5 * MB], LIMITS)  # exactly 25 MB
    check_message_files([1] * 5, LIMITS)
    with pytest.raises(NaraError) as info:
        check_message_files([1] * 6, LIMITS)
    assert info.value.reason == "too_many_files"
    assert info.value.code == ErrorCode.PAYLOAD_TOO_LARGE
    with pytest.raises(NaraError) as info:
        check_message_files([10 * MB, 10 * MB, 5 * MB + 1], LIMITS)
    assert info.value.reason == "message_too_large"
    assert info.value.code == ErrorCode.PAYLOAD_TOO_LARGE
    assert "25000000 bytes (25 MB)" in info.value.message


def test_limits_from_env_are_bytes() -> None:
    limits = AttachmentLimits.from_env(
        {
            "NARA_ATTACHMENT_MAX_FILE_BYTES": "2500000",
            "NARA_ATTACHMENT_MAX_MESSAGE_BYTES": "5000000",
            "NARA_ATTACHMENT_MAX_PIXELS": "1000000",
        }
    )
    assert limits.max_file_bytes == 2_500_000
    assert limits.max_message_bytes == 5_000_000
    assert limits.max_pixels == 1_000_000
    assert AttachmentLimits.from_env({}) == AttachmentLimits()
    assert AttachmentLimits().max_message_bytes == 25_000_000
    for key in ("NARA_ATTACHMENT_MAX_PIXELS", "NARA_ATTACHMENT_MAX_FILE_BYTES"):
        with pytest.raises(ValueError):
            AttachmentLimits.from_env({key: "0"})


def test_deprecated_mb_variables_still_work_in_mib(caplog: pytest.LogCaptureFixture) -> None:
    limits = AttachmentLimits.from_env(
        {"NARA_ATTACHMENT_MAX_FILE_MB": "2", "NARA_ATTACHMENT_MAX_MESSAGE_MB": "0.5"}
    )
    assert limits.max_file_bytes == 2 * MIB  # what they always meant
    assert limits.max_message_bytes == MIB // 2
    assert "NARA_ATTACHMENT_MAX_FILE_MB is deprecated" in caplog.text
    # The byte variable wins when both are set.
    both = {"NARA_ATTACHMENT_MAX_FILE_MB": "2", "NARA_ATTACHMENT_MAX_FILE_BYTES": "1234"}
    assert AttachmentLimits.from_env(both).max_file_bytes == 1234


def test_size_messages_state_bytes_and_mb() -> None:
    assert size_text(10_000_000) == "10000000 bytes (10 MB)"
    assert size_text(2_621_440) == "2621440 bytes (2.62 MB)"
    assert size_text(500_000) == "500000 bytes (0.5 MB)"
    assert size_text(123) == "123 bytes"


MUTATED = [corpus.gps_jpeg, corpus.png_with_text, corpus.animated_gif, corpus.small_pdf]


@pytest.mark.filterwarnings("ignore::UserWarning")  # Pillow warns about damaged EXIF
@pytest.mark.parametrize("make", MUTATED, ids=[m.__name__ for m in MUTATED])
def test_damaged_files_only_ever_raise_nara_errors(
    tmp_path: Path, make: Callable[[], Sample]
) -> None:
    """Seeded random damage: every outcome is a result or a rejection, never a crash."""
    rng = random.Random(20261125)
    name, data = make()
    for _ in range(60):
        damaged = bytearray(data)
        for _ in range(rng.randint(1, 6)):
            pos = rng.randrange(len(damaged))
            if rng.random() < 0.7:
                damaged[pos] = rng.randrange(256)
            else:
                del damaged[pos : pos + rng.randint(1, 32)]
        try:
            _inspect(tmp_path, (name, bytes(damaged)))
        except NaraError as err:
            assert err.reason in ALL_REASONS


@pytest.mark.parametrize(
    ("tail", "found"),
    [
        (b"/J#61vaScript (x)", {"pdf_javascript"}),  # escaped, across the block end
        (b"/JSON (x)", set()),  # "/JS" at a block end is not the name /JS
        (b"/Launch", {"pdf_launch"}),  # at the very end of the file
        (b"/EmbeddedFiles/JS", {"pdf_embedded_file", "pdf_javascript"}),
    ],
)
def test_raw_name_scan_reads_in_blocks(tmp_path: Path, tail: bytes, found: set[str]) -> None:
    from chat.attachments import pdfcheck

    for offset in range(1, 12):  # the name starts just before the first 1 MiB block ends
        path = tmp_path / "raw.pdf"
        path.write_bytes(b"%PDF-1.7\n" + b"0" * ((1 << 20) - 9 - offset) + tail)
        assert {str(r) for r in pdfcheck._raw_findings(path)} == found, offset


def test_object_stream_bomb_is_invalid(tmp_path: Path) -> None:
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    }
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"
    sample = ("svar.pdf", corpus._pdf15(objects, {3: page + b" " * 20_000_000}))
    assert len(sample[1]) < 100_000  # 20 MB once decompressed
    assert _reason(tmp_path, sample) == "pdf_invalid"
