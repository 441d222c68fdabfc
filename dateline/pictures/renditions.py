"""Responsive renditions: a picture at a few widths, in WebP and JPEG, optionally cropped
to a ratio around its focal point. Made on first request and kept in storage; the URL
carries a token of the source file and focal point, so a new file or focal point gets new
URLs and no cache anywhere can serve a stale crop."""

from __future__ import annotations

import hashlib
import io

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps

from dateline.pictures.models import Picture

WIDTHS = (320, 640, 960, 1280, 1920)
RATIOS = {"16x9": (16, 9), "4x3": (4, 3), "3x2": (3, 2), "1x1": (1, 1)}
FORMATS = {"jpg": ("JPEG", "image/jpeg"), "webp": ("WEBP", "image/webp")}


def token(picture: Picture) -> str:
    key = (
        f"{picture.file.name}:{picture.width}x{picture.height}:{picture.focal_x}:{picture.focal_y}"
    )
    return hashlib.blake2b(key.encode(), digest_size=6).hexdigest()


def url(picture: Picture, width: int, *, ratio: str | None = None, fmt: str = "jpg") -> str:
    suffix = f"-{ratio}" if ratio else ""
    return f"/media/r/{picture.pk}/{token(picture)}/{width}w{suffix}.{fmt}"


def widths_for(picture: Picture, limit: int = 1920) -> list[int]:
    """Allowed widths no wider than the picture (no upscaling), at least one."""
    fitting = [w for w in WIDTHS if w <= min(picture.width, limit)]
    return fitting or [WIDTHS[0]]


def srcset(
    picture: Picture, *, ratio: str | None = None, fmt: str = "jpg", limit: int = 1920
) -> str:
    # One token for the whole set: every teaser on a page builds two of these.
    base = f"/media/r/{picture.pk}/{token(picture)}/"
    suffix = f"-{ratio}" if ratio else ""
    return ", ".join(f"{base}{w}w{suffix}.{fmt} {w}w" for w in widths_for(picture, limit))


def crop_box(size: tuple[int, int], ratio: tuple[int, int], focus: tuple[float, float]):
    """The largest box of `ratio` inside `size`, as centred on the focal point as fits."""
    width, height = size
    rw, rh = ratio
    if width * rh > height * rw:  # too wide: keep the height
        box_w, box_h = round(height * rw / rh), height
    else:
        box_w, box_h = width, round(width * rh / rw)
    left = min(max(round(focus[0] * width - box_w / 2), 0), width - box_w)
    top = min(max(round(focus[1] * height - box_h / 2), 0), height - box_h)
    return left, top, left + box_w, top + box_h


def storage_name(picture: Picture, width: int, ratio: str | None, fmt: str) -> str:
    suffix = f"-{ratio}" if ratio else ""
    return f"renditions/{picture.pk}/{token(picture)}/{width}w{suffix}.{fmt}"


def make(picture: Picture, width: int, ratio: str | None, fmt: str) -> str:
    """The storage name of the rendition, made now if it does not exist yet."""
    name = storage_name(picture, width, ratio, fmt)
    if default_storage.exists(name):
        return name
    with picture.file.open("rb") as fh, Image.open(fh) as source:
        image = ImageOps.exif_transpose(source)
        if ratio:
            image = image.crop(
                crop_box(image.size, RATIOS[ratio], (picture.focal_x, picture.focal_y))
            )
        if image.width > width:
            image = image.resize((width, round(image.height * width / image.width)), Image.LANCZOS)
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        buffer = io.BytesIO()
        pil_format = FORMATS[fmt][0]
        options = (
            {"quality": 80, "method": 4} if fmt == "webp" else {"quality": 82, "progressive": True}
        )
        image.save(buffer, pil_format, **options)
    # Two first requests may both get here; the second save stores a copy under another
    # name and the next request finds the first. Wasteful once, never wrong.
    return default_storage.save(name, ContentFile(buffer.getvalue()))
