"""What a stored picture keeps of the metadata it came with.

A phone's photograph carries where it was taken (GPS), the camera's make, model and serial
numbers, the owner's name, a thumbnail of the uncropped frame, and often more images after
the first (depth maps, HDR gain maps) with EXIF of their own. None of it is ours to
publish. So every picture that enters the library keeps only what draws it right: its
pixels as they came (the compressed data is copied, never re-encoded, so nothing is lost),
its colour profile, and of its EXIF the orientation (browsers and our renditions turn the
picture by it), its resolution and its copyright notice. Everything else goes: the other
EXIF tags and directories (GPS, camera, maker notes, thumbnail), XMP (which can carry GPS
too), IPTC and Photoshop blocks, comments, text chunks, and anything after the image ends.

JPEG, PNG and WebP are rewritten chunk by chunk. GIF has no EXIF and is stored as it came.
"""

from __future__ import annotations

import struct
import zlib

from PIL import Image

# IFD0 tags that are about drawing the picture or owning it, not about who took it where.
KEPT_EXIF_TAGS = {
    0x0112,  # Orientation
    0x011A,  # XResolution
    0x011B,  # YResolution
    0x0128,  # ResolutionUnit
    0x8298,  # Copyright
}


class Unreadable(ValueError):
    """The file's structure could not be followed, so what it hides cannot be removed."""


def strip(data: bytes, fmt: str) -> bytes:
    """`data` (a picture Pillow read as `fmt`) without its private metadata."""
    if fmt == "JPEG":
        return _jpeg(data)
    if fmt == "PNG":
        return _png(data)
    if fmt == "WEBP":
        return _webp(data)
    return data


def clean_exif(raw: bytes) -> bytes | None:
    """The kept tags of an EXIF block as a TIFF structure (no "Exif" prefix), or None when
    nothing is worth keeping."""
    source = Image.Exif()
    try:
        source.load(raw)
    except Exception:  # Pillow raises several types on a broken block; keep nothing of it
        return None
    kept = Image.Exif()
    for tag in KEPT_EXIF_TAGS:
        if tag in source:
            kept[tag] = source[tag]
    if not len(kept):
        return None
    return kept.tobytes().removeprefix(b"Exif\x00\x00")


# --- JPEG: segments up to each scan, the scan's entropy-coded data, until the end of image.

_SOI, _EOI, _SOS = 0xD8, 0xD9, 0xDA
_APP0, _APP1, _APP2, _APP14, _COM = 0xE0, 0xE1, 0xE2, 0xEE, 0xFE


def _jpeg(data: bytes) -> bytes:
    if data[:2] != b"\xff\xd8":
        raise Unreadable("no JPEG start of image")
    out = [b"\xff\xd8"]
    pos, end = 2, len(data)
    while pos < end:
        if data[pos] != 0xFF:
            raise Unreadable("a JPEG segment does not start with a marker")
        while pos < end and data[pos] == 0xFF:  # fill bytes may precede a marker
            pos += 1
        if pos >= end:
            break
        marker = data[pos]
        pos += 1
        if marker == _EOI:
            # Whatever follows is not this picture: a phone's second image, a depth map.
            out.append(b"\xff\xd9")
            return b"".join(out)
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # no length, nothing to carry
            out.append(bytes((0xFF, marker)))
            continue
        if pos + 2 > end:
            break
        length = int.from_bytes(data[pos : pos + 2], "big")
        if length < 2 or pos + length > end:
            raise Unreadable("a JPEG segment runs past the end of the file")
        payload = data[pos + 2 : pos + length]
        segment = data[pos - 2 : pos + length]
        pos += length
        if marker == _SOS:
            scan_end = _entropy_end(data, pos)
            out.append(segment)
            out.append(data[pos:scan_end])
            pos = scan_end
            continue
        kept = _jpeg_segment(marker, payload)
        if kept is None:
            continue
        if kept is payload:
            out.append(segment)
        else:
            out.append(bytes((0xFF, marker)) + (len(kept) + 2).to_bytes(2, "big") + kept)
    raise Unreadable("the JPEG has no end of image (a damaged or cut-off file)")


def _entropy_end(data: bytes, pos: int) -> int:
    """Where a scan's entropy-coded data ends: at the first marker that is neither a
    stuffed 0xFF00 nor a restart marker."""
    while True:
        pos = data.find(b"\xff", pos)
        if pos < 0 or pos + 1 >= len(data):
            return len(data)
        following = data[pos + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7:
            pos += 2
        elif following == 0xFF:
            pos += 1
        else:
            return pos


def _jpeg_segment(marker: int, payload: bytes) -> bytes | None:
    """The segment's payload to keep (the same object when unchanged), or None."""
    if marker == _APP0:
        if payload.startswith(b"JFIF\x00") and len(payload) >= 14:
            # Version, units and density; the thumbnail that may follow is dropped.
            return payload if len(payload) == 14 else payload[:12] + b"\x00\x00"
        return None  # JFXX (a thumbnail) and others
    if marker == _APP1:
        if payload.startswith(b"Exif\x00\x00"):
            kept = clean_exif(payload)
            return b"Exif\x00\x00" + kept if kept else None
        return None  # XMP, extended XMP
    if marker == _APP2:
        return payload if payload.startswith(b"ICC_PROFILE\x00") else None  # MPF, FlashPix
    if marker == _APP14:
        # Adobe's segment says how the colours were transformed: needed to decode them.
        return payload if payload.startswith(b"Adobe") else None
    if 0xE0 <= marker <= 0xEF or marker == _COM:
        return None  # IPTC/Photoshop (APP13), maker blocks, C2PA, comments
    return payload  # tables, frame headers, restart intervals: the picture itself


# --- PNG: chunks, each kept only if it is about drawing the picture.

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_KEPT = {
    b"IHDR",
    b"PLTE",
    b"IDAT",
    b"IEND",
    b"tRNS",
    b"cHRM",
    b"gAMA",
    b"iCCP",
    b"sBIT",
    b"sRGB",
    b"cICP",
    b"mDCV",
    b"cLLI",
    b"bKGD",
    b"hIST",
    b"pHYs",
    b"sPLT",
    b"acTL",  # animation
    b"fcTL",
    b"fdAT",
}


def _png(data: bytes) -> bytes:
    if not data.startswith(_PNG_SIGNATURE):
        raise Unreadable("no PNG signature")
    out = [_PNG_SIGNATURE]
    pos, end = len(_PNG_SIGNATURE), len(data)
    while pos + 12 <= end:
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        chunk_end = pos + 12 + length
        if chunk_end > end:
            raise Unreadable("a PNG chunk runs past the end of the file")
        if kind in _PNG_KEPT:
            out.append(data[pos:chunk_end])
        elif kind == b"eXIf":
            kept = clean_exif(b"Exif\x00\x00" + data[pos + 8 : pos + 8 + length])
            if kept:
                out.append(
                    struct.pack(">I", len(kept))
                    + b"eXIf"
                    + kept
                    + struct.pack(">I", zlib.crc32(b"eXIf" + kept))
                )
        pos = chunk_end
        if kind == b"IEND":
            return b"".join(out)
    raise Unreadable("the PNG has no end chunk (a damaged or cut-off file)")


# --- WebP: a RIFF container of chunks; the VP8X header's flags say which are present.

_WEBP_KEPT = {b"VP8X", b"VP8 ", b"VP8L", b"ALPH", b"ANIM", b"ANMF", b"ICCP"}
_VP8X_EXIF, _VP8X_XMP = 0x08, 0x04


def _webp(data: bytes) -> bytes:
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise Unreadable("no WebP header")
    (riff_size,) = struct.unpack("<I", data[4:8])
    end = min(len(data), 8 + riff_size)
    chunks: list[tuple[bytes, bytes]] = []
    pos = 12
    while pos + 8 <= end:
        kind = data[pos : pos + 4]
        (length,) = struct.unpack("<I", data[pos + 4 : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        if len(body) != length:
            raise Unreadable("a WebP chunk runs past the end of the file")
        pos += 8 + length + (length & 1)
        if kind in _WEBP_KEPT:
            chunks.append((kind, body))
        elif kind == b"EXIF":
            kept = clean_exif(b"Exif\x00\x00" + body.removeprefix(b"Exif\x00\x00"))
            if kept:
                chunks.append((kind, kept))
    if not chunks:
        raise Unreadable("the WebP holds no picture")
    if chunks[0][0] == b"VP8X":
        flags = chunks[0][1][0] & ~(_VP8X_EXIF | _VP8X_XMP)
        if any(kind == b"EXIF" for kind, _ in chunks):
            flags |= _VP8X_EXIF
        chunks[0] = (b"VP8X", bytes((flags,)) + chunks[0][1][1:])
    else:
        # A simple WebP cannot carry metadata; one that claimed to is left without it.
        chunks = [(kind, body) for kind, body in chunks if kind != b"EXIF"]
    payload = b"".join(
        kind + struct.pack("<I", len(body)) + body + (b"\x00" if len(body) & 1 else b"")
        for kind, body in chunks
    )
    return b"RIFF" + struct.pack("<I", 4 + len(payload)) + b"WEBP" + payload
