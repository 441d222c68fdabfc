"""The page cache in front of Django, as a WSGI wrapper.

A hit is answered here, before Django's request handling and middleware run: the cost of a
hit is a dictionary lookup and a version check. A miss goes to Django; if the view marked
its response cacheable (`mark_cacheable`), the bytes are kept for the next reader.
"""

from __future__ import annotations

import gzip
import hashlib
import time
from collections import OrderedDict
from email.utils import formatdate, parsedate_to_datetime
from threading import Lock

from django.conf import settings

from dateline.pagecache.versions import versions

MAX_ENTRIES = 5000
# Staff browse with a session; their pages (and anything setting a cookie) are never shared.
_PRIVATE_COOKIES = ("sessionid=", "csrftoken=")


class Entry:
    __slots__ = ("status", "headers", "body", "gzipped", "deps", "built_ns", "expires", "etag")

    def __init__(self, status, headers, body, deps, built_ns, expires, etag):
        self.status = status
        # Per-representation headers are added when served.
        self.headers = [(k, v) for k, v in headers if k not in ("ETag", "Content-Length")]
        self.body = body
        # Compressed once when stored, so every hit that accepts gzip gets it for free.
        self.gzipped = gzip.compress(body, compresslevel=6, mtime=0)
        self.deps = deps
        self.built_ns = built_ns
        self.expires = expires
        self.etag = etag


class PageStore:
    """A bounded LRU of entries, per process."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.entries: OrderedDict[str, Entry] = OrderedDict()
        self.max_entries = max_entries
        self.lock = Lock()

    def get(self, key: str) -> Entry | None:
        return self.entries.get(key)

    def put(self, key: str, entry: Entry) -> None:
        with self.lock:
            self.entries[key] = entry
            self.entries.move_to_end(key)
            while len(self.entries) > self.max_entries:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


store = PageStore()


def mark_cacheable(response, *, deps, expires_at: float | None = None):
    """Let the page cache keep `response` until any of `deps` changes or `expires_at`
    (a POSIX time) passes. The view decides; the wrapper only obeys."""
    response.dateline_cache = (tuple(deps), expires_at)
    return response


def _key(environ) -> str:
    qs = environ.get("QUERY_STRING", "")
    return environ.get("PATH_INFO", "/") + ("?" + qs if qs else "")


def _cacheable_request(environ) -> bool:
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return False
    cookie = environ.get("HTTP_COOKIE", "")
    return not (cookie and any(c in cookie for c in _PRIVATE_COOKIES))


def _not_modified(environ, etag: str, headers) -> bool:
    """RFC 9110 13.2.2: If-None-Match when sent, else If-Modified-Since."""
    if "HTTP_IF_NONE_MATCH" in environ:
        return environ["HTTP_IF_NONE_MATCH"] == etag
    since = _http_date(environ.get("HTTP_IF_MODIFIED_SINCE", ""))
    modified = next((_http_date(v) for k, v in headers if k == "Last-Modified"), None)
    return since is not None and modified is not None and modified <= since


def _http_date(value: str):
    try:
        return parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError):
        return None


class PageCacheApp:
    def __init__(self, app) -> None:
        self.app = app
        self.enabled = getattr(settings, "DATELINE_PAGE_CACHE", True)
        self.ttl = getattr(settings, "DATELINE_PAGE_CACHE_SECONDS", 300)

    def __call__(self, environ, start_response):
        if not self.enabled or not _cacheable_request(environ):
            return self.app(environ, start_response)
        key = _key(environ)
        entry = store.get(key)
        if entry is not None:
            if entry.expires > time.time() and versions().latest(entry.deps) < entry.built_ns:
                return self._serve(entry, environ, start_response)
        return self._render(key, environ, start_response)

    def _serve(self, entry: Entry, environ, start_response, *, fresh: bool = False):
        gzipped = "gzip" in environ.get("HTTP_ACCEPT_ENCODING", "")
        body = entry.gzipped if gzipped else entry.body
        # Each encoding is its own representation, with its own validator (RFC 9110 8.8.3).
        etag = entry.etag[:-1] + '-gz"' if gzipped else entry.etag
        # A CDN may keep a page as long as we would (a minute at most), and serve it stale
        # briefly while it asks again; a just-rendered page is kept one second.
        shared_age = 1 if fresh else min(max(0, int(entry.expires - time.time())), 60)
        headers = entry.headers + [
            ("Content-Length", str(len(body))),
            ("ETag", etag),
            ("Vary", "Accept-Encoding"),
            (
                "Cache-Control",
                f"public, max-age=0, s-maxage={shared_age}, stale-while-revalidate=30",
            ),
            ("X-Cache", "miss" if fresh else "hit"),
        ]
        if gzipped:
            headers.append(("Content-Encoding", "gzip"))
        if _not_modified(environ, etag, entry.headers):
            keep = ("ETag", "Cache-Control", "Last-Modified", "Vary")
            start_response("304 Not Modified", [h for h in headers if h[0] in keep])
            return [b""]
        start_response(entry.status, headers)
        return [b""] if environ.get("REQUEST_METHOD") == "HEAD" else [body]

    def _render(self, key: str, environ, start_response):
        started = time.time_ns()
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"] = status
            captured["headers"] = headers
            return lambda data: None

        response = self.app(environ, capture)
        marked = getattr(response, "dateline_cache", None)
        status = captured.get("status", "500 Internal Server Error")
        headers = list(captured.get("headers", []))
        if (
            marked is None
            or not status.startswith(("200", "404"))
            or getattr(response, "streaming", False)
            or any(h[0].lower() == "set-cookie" for h in headers)
        ):
            start_response(status, headers)
            return response
        try:
            body = b"".join(response)
        finally:
            if hasattr(response, "close"):
                response.close()
        deps, expires_at = marked
        expires = time.time() + self.ttl
        if expires_at is not None:
            expires = min(expires, expires_at)
        etag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
        kept = [
            (k, v)
            for k, v in headers
            if k.lower() not in ("cache-control", "etag", "expires", "vary", "x-cache")
        ]
        if not any(k.lower() == "last-modified" for k, _ in kept):
            # A view that knows when its content changed (a feed) says so itself.
            kept += [("Last-Modified", formatdate(started / 1e9, usegmt=True))]
        entry = Entry(status, kept, body, deps, started, expires, etag)
        if environ.get("REQUEST_METHOD") == "GET":
            store.put(key, entry)
        return self._serve(entry, environ, start_response, fresh=True)
