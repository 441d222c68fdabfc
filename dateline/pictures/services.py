"""Writes to the picture library. Every file that enters goes through picture_validate_bytes
and picture_clean_bytes: admin's form (picture_upload_prepare), every importer and the wire
(picture_create_or_update). Every change goes through picture_save or picture_delete, which
refresh the pages that show the picture (tags as in news.touches: `picture:<id>` for the
picture whole, `picture:<id>:crop` for what a teaser shows of it); people's edits reach
picture_save through the newsroom's `picture_edit`, which checks and audits them."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image

from dateline.pagecache import invalidate
from dateline.pictures import metadata, renditions
from dateline.pictures.models import Picture

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
# Pillow's own bomb guard warns at ~89 MP and raises at twice that; pictures for a news
# page never need more than 50 MP, so anything above is refused before decoding: a
# 144 MP rendition took 390 MB in a worker.
MAX_PIXELS = 50_000_000


def max_bytes() -> int:
    return settings.DATELINE_PICTURE_MAX_BYTES


class PictureRejected(ValueError):
    """The bytes are not a picture we accept; the message says why, for the user."""


@dataclass(frozen=True)
class CheckedImage:
    format: str
    extension: str
    width: int
    height: int


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size % (1024 * 1024) else f"{size // 1024 // 1024} MB"


def _check_size(size: int) -> None:
    if size > max_bytes():
        raise PictureRejected(
            f"the file is {_megabytes(size)}; pictures up to {_megabytes(max_bytes())} are accepted"
        )


def _check_pixels(width: int, height: int) -> None:
    if width * height > MAX_PIXELS:
        raise PictureRejected(
            f"too many pixels: {width}×{height} is {width * height / 1e6:.0f} megapixels; "
            f"up to {MAX_PIXELS // 1_000_000} megapixels are accepted"
        )


def picture_validate_bytes(data: bytes) -> CheckedImage:
    """What the bytes are, or PictureRejected. Only the header is decoded: the size in
    pixels is read from it and checked before anything else reads the picture."""
    if not data:
        raise PictureRejected("empty file")
    _check_size(len(data))
    head = data[:512].lstrip().lower()
    if head.startswith(b"<?xml") or b"<svg" in head:
        raise PictureRejected("SVG is not accepted (it can carry script)")
    try:
        with warnings.catch_warnings():
            # Our own limit is lower than Pillow's warning; the size is checked below with
            # a message that says what the limit is.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                fmt = img.format
                width, height = img.size
                _check_pixels(width, height)
                img.verify()
    except PictureRejected:
        raise
    except Image.DecompressionBombError:
        raise PictureRejected(
            f"too many pixels, more than Pillow will open; up to "
            f"{MAX_PIXELS // 1_000_000} megapixels are accepted"
        ) from None
    except Exception as exc:  # Pillow raises many types for broken files
        raise PictureRejected(f"not an image ({exc.__class__.__name__})") from None
    if fmt not in ALLOWED_FORMATS:
        raise PictureRejected(f"format {fmt} is not accepted (JPEG, PNG, WebP or GIF)")
    return CheckedImage(fmt, ALLOWED_FORMATS[fmt], width, height)


# What a teaser's picture shows (the renditions are cut from the file around the focal
# point, and their URLs carry a token of both), and what a figure adds to it.
CROP_FIELDS = ("file", "width", "height", "focal_x", "focal_y")
SHOWN_FIELDS = (*CROP_FIELDS, "caption", "credit", "alt_text")


def picture_state(pk: int | None) -> dict | None:
    if pk is None:
        return None
    return Picture.objects.filter(pk=pk).values(*SHOWN_FIELDS).first()


def picture_touches(pk: int, before: dict | None, after: dict | None) -> set[str]:
    """A new picture is shown nowhere yet, but a body may already refer to its id (an
    import fills in what it found later): created and deleted count as changed."""
    tags = set()
    if before is None or after is None or any(before[n] != after[n] for n in CROP_FIELDS):
        tags.add(f"picture:{pk}:crop")
    if before != after:
        tags.add(f"picture:{pk}")
    return tags


@transaction.atomic
def picture_save(*, picture: Picture) -> Picture:
    """Save a picture as a form or an import changed it (caption, credit, focal point,
    file)."""
    before = picture_state(picture.pk)
    picture.save()
    touched = picture_touches(picture.pk, before, picture_state(picture.pk))
    invalidate(touched)
    if settings.DATELINE_MEDIA_REMOTE and picture.file and f"picture:{picture.pk}:crop" in touched:
        # Pages name a bucket's renditions directly (pictures/renditions.py): they are made
        # now, once, after the row is in; robust, because a bucket that fails here must not
        # undo an editor's save (`dateline renditions` makes what is missing).
        transaction.on_commit(lambda: picture_renditions_make(picture=picture), robust=True)
    return picture


def picture_renditions_make(*, picture: Picture) -> int:
    """Make the renditions pages name that storage lacks; how many were made."""
    return renditions.make_all(picture)


@transaction.atomic
def picture_delete(*, picture: Picture) -> None:
    """Stories lose it as their lead picture and their bodies show nothing in its place;
    every page that showed it depends on its tags."""
    pk = picture.pk
    before = picture_state(pk)
    picture.delete()
    invalidate(picture_touches(pk, before, None))


def picture_clean_bytes(data: bytes, checked: CheckedImage) -> bytes:
    """The picture as the library stores it: without where it was taken, the camera and
    anything else private in its metadata (pictures/metadata.py); pixels untouched."""
    try:
        cleaned = metadata.strip(data, checked.format)
    except metadata.Unreadable as exc:
        raise PictureRejected(f"the file looks damaged ({exc})") from None
    if cleaned is not data and picture_validate_bytes(cleaned) != checked:
        raise PictureRejected("the file looks damaged (it does not read the same cleaned)")
    return cleaned


def picture_upload_prepare(upload) -> ContentFile:
    """An uploaded file (a form's UploadedFile) as the library stores it: checked for size
    before it is read, validated, cleaned, and named for what it really is."""
    _check_size(upload.size or 0)
    upload.seek(0)
    data = upload.read()
    checked = picture_validate_bytes(data)
    stem = (upload.name or "").rsplit("/", 1)[-1].rsplit(".", 1)[0][:80] or "picture"
    return ContentFile(picture_clean_bytes(data, checked), name=f"{stem}.{checked.extension}")


def picture_create_or_update(
    *,
    data: bytes,
    filename: str,
    caption: str = "",
    credit: str = "",
    alt_text: str = "",
    source: str = "",
    source_id: str = "",
) -> tuple[Picture, bool]:
    """Store a picture (validated), keyed by (source, source_id) when given.

    Returns the picture and whether anything changed.
    """
    checked = picture_validate_bytes(data)
    data = picture_clean_bytes(data, checked)
    picture = None
    if source_id:
        picture = Picture.objects.filter(source=source, source_id=source_id).first()
    changed = picture is None
    if picture is None:
        picture = Picture(source=source, source_id=source_id)
    for field, value in (("caption", caption), ("credit", credit), ("alt_text", alt_text)):
        if getattr(picture, field) != value:
            setattr(picture, field, value)
            changed = True
    stem = filename.rsplit("/", 1)[-1].rsplit(".", 1)[0][:80] or "picture"
    if picture.pk is None or _file_differs(picture, data):
        replaced = picture.file.name if picture.pk and picture.file else None
        picture.file.save(f"{stem}.{checked.extension}", ContentFile(data), save=False)
        if replaced and replaced != picture.file.name:
            # The row points at the new file from now on; the old one would be an orphan.
            transaction.on_commit(lambda: picture.file.storage.delete(replaced))
        picture.width, picture.height = checked.width, checked.height
        picture.metadata_cleaned = True
        changed = True
    if changed:
        picture_save(picture=picture)
    return picture, changed


def _file_differs(picture: Picture, data: bytes) -> bool:
    try:
        if picture.file.size != len(data):
            return True
        with picture.file.open("rb") as fh:
            return fh.read() != data
    except (FileNotFoundError, ValueError):
        return True
