"""Strip image metadata (losslessly if no pixel work is needed); make thumbnails. Synchronous."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from PIL import Image, ImageCms, ImageOps, ImageSequence

from chat.attachments.imagecheck import PIL_FORMAT
from chat.attachments.inspection import InspectedFile
from chat.attachments.jpegstrip import strip_jpeg

THUMBNAIL_MAX = 320
_JPEG_QUALITY = 90
ORIENTATION = 0x0112  # EXIF tag


@dataclass(frozen=True, slots=True)
class CleanedFile:
    path: Path
    kind: str
    mime: str
    size: int
    sha256: str
    width: int | None = None
    height: int | None = None


def _to_srgb(im: Image.Image) -> Image.Image:
    """Apply an embedded ICC profile so colours stay right once the profile is dropped.

    Colour matters clinically (skin photos), but a profile is metadata we do not keep.
    RGB(A) is converted in place, so no second copy of the pixels is made.
    """
    icc = im.info.get("icc_profile")
    if not icc or im.mode not in {"RGB", "RGBA", "CMYK"}:
        return im
    out_mode = "RGBA" if im.mode == "RGBA" else "RGB"
    try:
        src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        srgb = ImageCms.createProfile("sRGB")
        if out_mode == im.mode:
            ImageCms.profileToProfile(im, src, srgb, outputMode=out_mode, inPlace=True)
            return im
        converted = ImageCms.profileToProfile(im, src, srgb, outputMode=out_mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return im  # unusable profile: keep the pixels as they are
    return converted if converted is not None else im


def _drop_metadata(im: Image.Image) -> None:
    """Forget every piece of metadata (transparency kept), so that save() writes none."""
    transparency = im.info.get("transparency")
    im.info = {} if transparency is None else {"transparency": transparency}


def _bare(im: Image.Image) -> Image.Image:
    """A copy of the pixels with every piece of metadata dropped (transparency kept)."""
    copy = im.copy()  # copies info too
    _drop_metadata(copy)
    return copy


def _open_out(out_path: Path) -> BinaryIO:
    fd = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    return os.fdopen(fd, "wb")


def _needs_pixels(im: Image.Image) -> bool:
    """True if cleaning must decode: to rotate, to apply an ICC profile, or to leave CMYK."""
    orientation = im.getexif().get(ORIENTATION, 1)
    return orientation != 1 or bool(im.info.get("icc_profile")) or im.mode not in {"L", "RGB"}


def _clean_still(src: Path, kind: str, out_path: Path) -> tuple[int, int]:
    """Peak memory: a JPEG that needs no pixel work is copied segment by segment (its file
    size); otherwise one decoded image, and a second only while rotating it."""
    with Image.open(src, formats=[PIL_FORMAT[kind]]) as im:
        if kind == "jpeg" and not _needs_pixels(im):
            with _open_out(out_path) as fh:
                if strip_jpeg(src.read_bytes(), fh):
                    return im.size
        im.load()
        ImageOps.exif_transpose(im, in_place=True)  # orientation applied, then EXIF dropped
        upright = _to_srgb(im)
        if kind == "jpeg" and upright.mode not in {"RGB", "L"}:
            upright = upright.convert("RGB")
        _drop_metadata(upright)
        with _open_out(out_path) as fh:
            if kind == "jpeg":
                upright.save(fh, "JPEG", quality=_JPEG_QUALITY)
            else:
                upright.save(fh, "PNG")
        return upright.size


def _clean_gif(src: Path, out_path: Path) -> tuple[int, int]:
    with Image.open(src, formats=["GIF"]) as im:
        loop = im.info.get("loop")
        frames, durations = [], []
        for frame in ImageSequence.Iterator(im):
            durations.append(int(frame.info.get("duration", 0)))
            frames.append(_bare(frame))
        extra: dict[str, object] = {} if loop is None else {"loop": loop}
        with _open_out(out_path) as fh:
            frames[0].save(
                fh,
                "GIF",
                save_all=len(frames) > 1,
                append_images=frames[1:],
                duration=durations if len(frames) > 1 else durations[0],
                **extra,
            )
        return frames[0].size


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def clean_file(path: Path, inspected: InspectedFile, out_path: Path) -> CleanedFile:
    """Write the file to keep to ``out_path`` (mode 0o600) and describe it.

    JPEG: metadata segments dropped losslessly when the photo is upright, has no ICC
    profile and is not CMYK; else, like PNG, made upright, converted to sRGB and re-encoded
    without EXIF, XMP, ICC, comments or text chunks. GIF: all frames, durations and the loop
    count kept, nothing else. PDF: copied as is.
    """
    size: tuple[int | None, int | None] = (None, None)
    if inspected.kind == "pdf":
        with path.open("rb") as src, _open_out(out_path) as dst:
            shutil.copyfileobj(src, dst)
    elif inspected.kind == "gif":
        size = _clean_gif(path, out_path)
    else:
        size = _clean_still(path, inspected.kind, out_path)
    return CleanedFile(
        path=out_path,
        kind=inspected.kind,
        mime=inspected.mime,
        size=out_path.stat().st_size,
        sha256=_sha256(out_path),
        width=size[0],
        height=size[1],
    )


def make_thumbnail(path: Path, inspected: InspectedFile) -> bytes | None:
    """First frame, upright, at most 320 px on the long side: JPEG, or PNG if transparent.

    None for PDFs. Tell the format apart with ``sniff_kind(thumbnail)``.
    """
    if inspected.kind == "pdf":
        return None
    with Image.open(path, formats=[PIL_FORMAT[inspected.kind]]) as im:
        if inspected.kind == "jpeg":
            # libjpeg scales while decoding (by 1/2, 1/4 or 1/8, never below this box):
            # a 6 MP photo is decoded at 750 x 500, 1.5 MB instead of 24 MB.
            im.draft("RGB", (THUMBNAIL_MAX, THUMBNAIL_MAX))
        im.seek(0)
        im.load()
        ImageOps.exif_transpose(im, in_place=True)
        thumb = _to_srgb(im)
        thumb.thumbnail((THUMBNAIL_MAX, THUMBNAIL_MAX))
    transparent = thumb.has_transparency_data
    thumb = thumb.convert("RGBA" if transparent else "RGB")
    thumb.info = {}
    out = io.BytesIO()
    thumb.save(out, "PNG" if transparent else "JPEG", quality=80)
    return out.getvalue()
