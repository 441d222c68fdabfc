"""Responsive renditions: a picture at a few widths, in WebP and JPEG, optionally cropped
to a ratio around its focal point. Each is made once and kept in storage; its name and URL
carry a token of the source file and focal point, so a new file or focal point gets new
URLs and no cache anywhere can serve a stale crop.

Where they are made depends on where media live (config/env.py, DATELINE_MEDIA_URL):
- in a folder, on the first request for one (/media/r/…, pictures/views.py), which then
  reads it from the folder;
- in a bucket, when the picture is saved (`make_all`, for every size in SPECS): pages point
  straight at the bucket or its CDN, so no request of a reader's ever reaches us to make
  one. A size outside SPECS keeps the /media/r/ address, which makes it once and sends the
  reader to the bucket.
"""

from __future__ import annotations

import hashlib
import io
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps

from dateline.pictures.models import Picture

WIDTHS = (320, 640, 960, 1280, 1920)
RATIOS = {"16x9": (16, 9), "4x3": (4, 3), "3x2": (3, 2), "1x1": (1, 1)}
FORMATS = {"jpg": ("JPEG", "image/jpeg"), "webp": ("WEBP", "image/webp")}
# What the site itself shows, at every width in WIDTHS: pages (the whole picture and 3:2
# teasers, WebP and JPEG), feeds, cards and structured data (JPEG), admin's crop previews.
SPECS: dict[str | None, tuple[str, ...]] = {
    None: ("webp", "jpg"),
    "3x2": ("webp", "jpg"),
    "16x9": ("jpg",),
    "4x3": ("jpg",),
    "1x1": ("jpg",),
}

log = logging.getLogger(__name__)


def stored(ratio: str | None, fmt: str) -> bool:
    """Whether pages name this kind of rendition by its storage address (made at save)."""
    return settings.DATELINE_MEDIA_REMOTE and fmt in SPECS.get(ratio, ())


def token(picture: Picture) -> str:
    key = (
        f"{picture.file.name}:{picture.width}x{picture.height}:{picture.focal_x}:{picture.focal_y}"
    )
    return hashlib.blake2b(key.encode(), digest_size=6).hexdigest()


def _base(picture: Picture, ratio: str | None, fmt: str) -> str:
    if stored(ratio, fmt):
        return f"{settings.MEDIA_URL}renditions/{picture.pk}/{token(picture)}/"
    return f"/media/r/{picture.pk}/{token(picture)}/"


def url(picture: Picture, width: int, *, ratio: str | None = None, fmt: str = "jpg") -> str:
    suffix = f"-{ratio}" if ratio else ""
    return f"{_base(picture, ratio, fmt)}{width}w{suffix}.{fmt}"


def widths_for(picture: Picture, limit: int = 1920) -> list[int]:
    """Allowed widths no wider than the picture (no upscaling), at least one."""
    fitting = [w for w in WIDTHS if w <= min(picture.width, limit)]
    return fitting or [WIDTHS[0]]


def srcset(
    picture: Picture, *, ratio: str | None = None, fmt: str = "jpg", limit: int = 1920
) -> str:
    # One token for the whole set: every teaser on a page builds two of these.
    base = _base(picture, ratio, fmt)
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


def _encode(image: Image.Image, size: tuple[int, int], width: int, fmt: str) -> bytes:
    """`image` (the cut, perhaps reduced: `_cut`) at `width`, its height from the cut's
    true `size`, so that every rendition has the size syndication/renditions.py gives it."""
    cut_w, cut_h = size
    if cut_w > width:
        image = image.resize((width, round(cut_h * width / cut_w)), Image.LANCZOS)
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    buffer = io.BytesIO()
    options = (
        {"quality": 80, "method": 4} if fmt == "webp" else {"quality": 82, "progressive": True}
    )
    image.save(buffer, FORMATS[fmt][0], **options)
    return buffer.getvalue()


def _cut(upright: Image.Image, picture: Picture, ratio: str | None):
    """The upright picture cropped to `ratio`, and that cut's size in pixels. A cut far
    wider than the widest rendition is first reduced by a whole factor (a box average, fast)
    to no less than that width: Lanczos over a 24 MP photograph took a second a width."""
    image = upright
    if ratio:
        image = image.crop(crop_box(image.size, RATIOS[ratio], (picture.focal_x, picture.focal_y)))
    size = image.size
    factor = image.width // WIDTHS[-1]
    if factor >= 2:
        image = image.reduce(factor)
    return image, size


def make(picture: Picture, width: int, ratio: str | None, fmt: str) -> str:
    """The storage name of the rendition, made now if it does not exist yet."""
    name = storage_name(picture, width, ratio, fmt)
    if default_storage.exists(name):
        return name
    with picture.file.open("rb") as fh, Image.open(fh) as source:
        data = _encode(*_cut(ImageOps.exif_transpose(source), picture, ratio), width, fmt)
    # Two first requests may both get here; the second save stores a copy under another
    # name and the next request finds the first. Wasteful once, never wrong.
    return default_storage.save(name, ContentFile(data))


def make_all(picture: Picture) -> int:
    """Make every rendition in SPECS that storage lacks, reading the file once; the number
    made. Run when a picture is saved with media in a bucket (pictures/services.py), and by
    `dateline renditions` for pictures stored before."""
    wanted = [
        (ratio, width, fmt)
        for ratio, formats in SPECS.items()
        for width in widths_for(picture)
        for fmt in formats
    ]
    folder = f"renditions/{picture.pk}/{token(picture)}"
    try:
        # One listing, not a request per rendition.
        present = set(default_storage.listdir(folder)[1])
    except FileNotFoundError:
        present = set()
    missing = [
        (ratio, width, fmt)
        for ratio, width, fmt in wanted
        if storage_name(picture, width, ratio, fmt).rpartition("/")[2] not in present
    ]
    if not missing:
        return 0
    with picture.file.open("rb") as fh, Image.open(fh) as source:
        upright = ImageOps.exif_transpose(source)
        cuts: dict[str | None, tuple] = {}
        for ratio, width, fmt in missing:
            if ratio not in cuts:
                cuts[ratio] = _cut(upright, picture, ratio)
            name = storage_name(picture, width, ratio, fmt)
            default_storage.save(name, ContentFile(_encode(*cuts[ratio], width, fmt)))
    log.info("made %d renditions of picture %s", len(missing), picture.pk)
    return len(missing)
