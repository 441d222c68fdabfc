"""Uploaded media served by Django itself on a single machine (`dateline serve` needs
nothing in front). Files came from outside, so they go out with nosniff and a sandboxing
CSP: even a file that slipped past validation cannot run script in our origin."""

from __future__ import annotations

import mimetypes
import posixpath

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponseRedirect
from django.utils._os import safe_join
from django.views.decorators.http import require_safe

ALLOWED_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif"}


def _to_bucket(name: str) -> HttpResponseRedirect:
    """With media in a bucket, readers fetch files from it (or its CDN): an old /media/
    address is sent there. Kept a day, not for good: the bucket may yet move."""
    response = HttpResponseRedirect(default_storage.url(name))
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_safe
def serve_media(request: HttpRequest, path: str):
    path = posixpath.normpath(path).lstrip("/")
    # A NUL (%00) is no file name's; the OS would refuse it with a ValueError, a 500.
    if "\x00" in path:
        raise Http404("No such file.")
    if settings.DATELINE_MEDIA_REMOTE:
        if path.startswith("..") or mimetypes.guess_type(path)[0] not in ALLOWED_TYPES:
            raise Http404("No such file.")
        return _to_bucket(path)
    try:
        full = safe_join(str(settings.MEDIA_ROOT), path)
    except Exception:
        raise Http404("No such file.") from None
    content_type, _ = mimetypes.guess_type(full)
    if content_type not in ALLOWED_TYPES:
        raise Http404("No such file.")
    try:
        response = FileResponse(open(full, "rb"), content_type=content_type)
    except OSError:  # missing, a folder, a name or path too long for the file system
        raise Http404("No such file.") from None
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


@require_safe
def serve_rendition(
    request: HttpRequest, pk: str, token: str, width: str, fmt: str, ratio: str | None = None
):
    from dateline.pictures import renditions
    from dateline.pictures.models import Picture

    picture = Picture.objects.filter(pk=int(pk)).first()
    width = int(width)
    if (
        picture is None
        or not picture.file
        or token != renditions.token(picture)
        or width not in renditions.widths_for(picture)
    ):
        raise Http404("No such picture size.")
    name = renditions.make(picture, width, ratio, fmt)
    if settings.DATELINE_MEDIA_REMOTE:
        return _to_bucket(name)
    response = FileResponse(
        default_storage.open(name, "rb"), content_type=renditions.FORMATS[fmt][1]
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    # The URL changes with the file or focal point, so it can be kept for good.
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
