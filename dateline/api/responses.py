"""JSON answers of the content API: the page cache keeps them under their tags, and they
answer conditional GETs whether or not the cache is in front (a test client, a server
without it)."""

from __future__ import annotations

import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, HttpResponseNotModified

from dateline.pagecache.wsgi import mark_cacheable

CONTENT_TYPE = "application/json; charset=utf-8"


def _etag(body: bytes) -> str:
    # The page cache's own validator for the same bytes (pagecache.wsgi), so a client
    # keeps one ETag whether the answer came from the cache or from Django.
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def dumps(document) -> bytes:
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False).encode()


def public_json(
    request, body: bytes, *, deps, expires_at: float | None, keep: bool = True
) -> HttpResponse:
    """`body` (JSON shaped by its schema) as a cacheable public answer; with `keep=False`
    (a search: any story's text may change it, search/views.py) sent `no-store`, kept by
    no cache."""
    etag = _etag(body)
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
        response["ETag"] = etag
        return response
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["ETag"] = etag
    response["Access-Control-Allow-Origin"] = "*"
    if not keep:
        response["Cache-Control"] = "no-store"
        return response
    return mark_cacheable(response, deps=deps, expires_at=expires_at)


def error(status: int, detail: str) -> HttpResponse:
    return HttpResponse(dumps({"detail": detail}), status=status, content_type=CONTENT_TYPE)
