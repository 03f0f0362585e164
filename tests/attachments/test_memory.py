"""Checking and cleaning a large file costs a bounded amount of memory, not its pixels.

Measured in a fresh process (the kernel's peak RSS, reset before the file), so nothing else
in the test run blurs it. Before the bound, a 6 MP JPEG cost about 69 MB here, upright or not,
and a 10 MB PDF about 21 MB. Pillow keeps RGB pixels in 4 bytes: 6 MP are 24 MB decoded.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from tests.attachments import corpus

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]

# Only checks, cleans and thumbnails: the file is written by the test, so that no memory the
# making of it took is there to be reused.
CHILD = r"""
import sys
from pathlib import Path

from chat.attachments import AttachmentLimits, clean_file, inspect_file, make_thumbnail

def status(field):
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024

def cost(path, name):
    open("/proc/self/clear_refs", "w").write("5")
    before = status("VmRSS")
    inspected = inspect_file(path, claimed_name=name, claimed_type=None, limits=AttachmentLimits())
    cleaned = clean_file(path, inspected, path.with_suffix(".clean"))
    make_thumbnail(cleaned.path, inspected)
    return status("VmHWM") - before

small, big, name = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
cost(small, name)  # load the libraries first
print(cost(big, name))
"""


def _photo(width: int, height: int, orientation: int) -> bytes:
    """Camera-like: gradients and sensor noise, EXIF with a GPS position."""
    noise = Image.effect_noise((width, height), 24)
    x = Image.linear_gradient("L").resize((width, height))
    im = Image.merge("RGB", (Image.blend(x, noise, 0.3), x, noise))
    exif = Image.Exif()
    exif[corpus.ORIENTATION] = orientation
    exif.get_ifd(corpus.GPS_IFD)[1] = "N"
    out = io.BytesIO()
    im.save(out, "JPEG", quality=90, exif=exif)
    return out.getvalue()


def _cost(tmp_path: Path, small: bytes, big: bytes, name: str) -> float:
    """MB of peak RSS that checking, cleaning and thumbnailing ``big`` adds, in a new process."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pytest.skip("needs Linux /proc/self/clear_refs to reset the peak RSS")
    (tmp_path / "small").write_bytes(small)
    (tmp_path / "big").write_bytes(big)
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path / "small"), str(tmp_path / "big"), name],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return float(out.stdout.strip().splitlines()[-1])


def test_upright_jpeg_is_never_decoded_at_full_size(tmp_path: Path) -> None:
    # Checked at 1/8 scale, cleaned losslessly: its 24 MB of pixels are never there at once.
    cost = _cost(tmp_path, _photo(64, 48, 1), _photo(3000, 2000, 1), "foto.jpg")
    assert cost < 12, cost


def test_rotated_jpeg_costs_at_most_two_copies_of_its_pixels(tmp_path: Path) -> None:
    cost = _cost(tmp_path, _photo(64, 48, 6), _photo(3000, 2000, 6), "foto.jpg")
    # It has to be decoded to be turned upright: the image and, while turning, its copy.
    assert cost < 2 * 24 + 6, cost


def test_pdf_is_not_read_into_memory(tmp_path: Path) -> None:
    cost = _cost(tmp_path, corpus.small_pdf()[1], corpus.pdf_of_size(10_000_000)[1], "svar.pdf")
    assert cost < 6, cost
