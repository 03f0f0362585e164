"""Remove a JPEG's metadata without decoding it: keep only what is needed to draw it.

Copying segments is lossless and costs the file's size in memory, not its pixels (a 6 MP photo
is 18 MB decoded). It is only right for a JPEG that needs no pixel work: upright, without an
ICC profile, greyscale or YCbCr (see ``cleaning``).
"""

from __future__ import annotations

import struct
from typing import BinaryIO

from chat.attachments.sniffing import jpeg_scan_end

_DQT, _DHT, _DAC, _DRI, _DNL, _SOS, _EOI = 0xDB, 0xC4, 0xCC, 0xDD, 0xDC, 0xDA, 0xD9
# SOF0-15, apart from DHT, JPG (reserved) and DAC, which share the range.
_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_TABLES = _SOF | {_DQT, _DHT, _DAC, _DRI, _DNL}
_APP0, _APP14, _COM = 0xE0, 0xEE, 0xFE
# A JFIF header with no density and no thumbnail (an APP0 thumbnail may show the uncropped
# original): it only tells decoders the 3 components are YCbCr.
_BARE_JFIF = b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"


def strip_jpeg(data: bytes, out: BinaryIO) -> bool:
    """Write SOI, tables, frame header, scans and EOI of the first image in ``data``.

    APPn (EXIF, GPS, XMP, ICC, MPF, maker notes, ...) and COM segments are dropped; an Adobe
    APP14 (12 bytes of colour-transform flags, nothing personal) is kept since decoders need
    it. Anything after the first EOI (MPO images) is dropped. Returns False, having written
    an unusable prefix, when the structure is not the plain one: re-encode instead.
    """
    view = memoryview(data)
    out.write(b"\xff\xd8")
    pos = 2
    try:
        while pos < len(data):
            if data[pos] != 0xFF:
                return False
            marker = data[pos + 1]
            if marker == 0xFF:  # fill byte
                pos += 1
                continue
            if marker == _EOI:
                out.write(b"\xff\xd9")
                return True
            (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
            end = pos + 2 + length
            if length < 2 or end > len(data):
                return False
            if marker == _SOS:  # header, then entropy-coded data up to the next marker
                end = jpeg_scan_end(data, end)
                out.write(view[pos:end])
            elif marker in _TABLES:
                out.write(view[pos:end])
            elif marker == _APP0 and data[pos + 4 : pos + 9] == b"JFIF\x00":
                out.write(_BARE_JFIF)
            elif marker == _APP14 and length == 14 and data[pos + 4 : pos + 9] == b"Adobe":
                out.write(view[pos:end])
            elif not (0xE0 <= marker <= 0xEF or marker == _COM):
                return False  # RSTn outside a scan, hierarchical or JPEG-extension markers
            pos = end
    except (IndexError, ValueError, struct.error):
        return False
    return False
