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
from http import HTTPStatus
from threading import Lock
from urllib.parse import unquote_plus

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http.cookie import parse_cookie
from django.http.request import split_domain_port, validate_host

from dateline.pagecache.versions import on_loss, versions

# Query parameters that say where a reader came from, never what they asked for: they are
# left out of the cache key and of what Django sees, so a campaign's thousand variants of
# one link are one page. Names compare case-insensitively.
TRACKING_PREFIXES = ("utm_",)  # Google Analytics campaigns: utm_source, utm_medium, …
TRACKING_PARAMS = frozenset(
    {
        "fbclid",  # Facebook
        "gclid",  # Google Ads
        "gclsrc",
        "gbraid",
        "wbraid",
        "dclid",  # Google Display & Video
        "msclkid",  # Microsoft Ads
        "mc_cid",  # Mailchimp
        "mc_eid",
        "_ga",  # Google Analytics cross-domain linker
        "_gl",
        "igshid",  # Instagram
        "yclid",  # Yandex
        "twclid",  # X (Twitter)
        "ttclid",  # TikTok
        "li_fat_id",  # LinkedIn
        "_hsenc",  # HubSpot
        "_hsmi",
        "mkt_tok",  # Marketo
        "oly_anon_id",  # Omeda
        "oly_enc_id",
        "srsltid",  # Google Merchant Center
    }
)

# Fastly takes at most 16 KB of surrogate keys; Cloudflare as much in its Cache-Tag header.
_CDN_TAGS_MAX = 16_000
# What a kept entry costs besides its bytes: the Entry, its header tuples, its key.
_ENTRY_OVERHEAD = 1_000
# Cache-Control for each shared age a page may announce (0–60 s).
_CACHE_CONTROL = [
    f"public, max-age=0, s-maxage={age}, stale-while-revalidate=30" for age in range(61)
]
_UNPARSED = object()
_REASONS = {s.value: f"{s.value} {s.phrase}" for s in HTTPStatus}
# Headers the cache sets itself, per representation or per entry.
_OWN_HEADERS = frozenset(
    {"cache-control", "etag", "expires", "vary", "x-cache", "surrogate-key", "cache-tag", "xkey"}
)


class Entry:
    __slots__ = (
        "status",
        "headers",
        "body",
        "gzipped",
        "deps",
        "checks",
        "stamp",
        "valid",
        "expires",
        "etag",
        "size",
        "code",
        "modified",
        "reps",
    )

    def __init__(self, status, headers, body, deps, stamp, expires, etag):
        self.status = status
        # Per-representation headers are added when served.
        self.headers = [(k, v) for k, v in headers if k not in ("ETag", "Content-Length")]
        self.body = body
        self.gzipped: bytes | None = None
        self.deps = deps
        self.checks = None  # the version store's handle on `deps`, made when kept
        self.stamp = stamp
        # The version store's word that nothing the page shows changed up to then: `stamp`
        # at first, moved up by the hits that check it (`Versions.checked`).
        self.valid = stamp
        self.expires = expires
        self.etag = etag
        self.size = 0  # bytes counted against the store's budget, once kept
        self.code = int(status[:3])
        self.modified = _UNPARSED
        # The headers last served, per encoding (plain, gzip): a hit reuses the lists until
        # the shared age it announces changes (once a second), so it builds nothing.
        self.reps: list = [None, None]

    def representation(self, gzipped: bool, shared_age: int, fresh: bool):
        """(headers, headers of a 304) for this encoding and shared age."""
        rep = self.reps[gzipped]
        if rep is not None and rep[0] == shared_age and rep[1] is fresh:
            return rep[2], rep[3]
        body = self.gzip() if gzipped else self.body
        # Each encoding is its own representation, with its own validator (RFC 9110 8.8.3).
        etag = self.etag[:-1] + '-gz"' if gzipped else self.etag
        # How long a cache in front may keep it: `PageCacheApp._shared_max_age`.
        headers = self.headers + [
            ("Content-Length", str(len(body))),
            ("ETag", etag),
            ("Vary", "Accept-Encoding"),
            (
                "Cache-Control",
                _CACHE_CONTROL[shared_age]
                if shared_age < len(_CACHE_CONTROL)
                else f"public, max-age=0, s-maxage={shared_age}, stale-while-revalidate=30",
            ),
            ("X-Cache", "miss" if fresh else "hit"),
        ]
        if gzipped:
            headers.append(("Content-Encoding", "gzip"))
        keep = ("ETag", "Cache-Control", "Last-Modified", "Vary")
        unmodified = [h for h in headers if h[0] in keep]
        self.reps[gzipped] = (shared_age, fresh, headers, unmodified)
        return headers, unmodified

    def last_modified(self):
        """The Last-Modified header as a datetime (None if absent or unreadable), parsed
        once: only a request with If-Modified-Since asks."""
        if self.modified is _UNPARSED:
            self.modified = next(
                (_http_date(v) for k, v in self.headers if k == "Last-Modified"), None
            )
        return self.modified

    def gzip(self) -> bytes:
        """The gzipped body, made on the first request that accepts it (not when the page
        is stored: a client that never asks, such as a CDN fetching identity, costs no
        compression) and then kept, counted against the store's budget."""
        if self.gzipped is None:
            store.add_gzipped(self, gzip.compress(self.body, compresslevel=6, mtime=0))
        return self.gzipped

    def measure(self, key: str) -> int:
        headers = sum(len(k) + len(v) for k, v in self.headers)
        return len(self.body) + len(self.gzipped or b"") + headers + len(key) + _ENTRY_OVERHEAD


class PageStore:
    """Entries of one process, least recently used first, bounded in bytes.

    The budget is DATELINE_PAGE_CACHE_BYTES; a page larger than
    DATELINE_PAGE_CACHE_MAX_ENTRY_BYTES is served but not kept (one 26 MB sitemap page
    would push out a thousand article pages). Both are read when an entry is put, so a
    changed setting takes effect at once.
    """

    def __init__(self) -> None:
        self.entries: OrderedDict[str, Entry] = OrderedDict()
        self.bytes = 0
        self.lock = Lock()

    @staticmethod
    def budget() -> int:
        return settings.DATELINE_PAGE_CACHE_BYTES

    @classmethod
    def max_entry(cls) -> int:
        return min(settings.DATELINE_PAGE_CACHE_MAX_ENTRY_BYTES, cls.budget())

    def get(self, key: str) -> Entry | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def put(self, key: str, entry: Entry) -> bool:
        """Keep `entry` under `key`, evicting the least recently used; False when it is
        too large to keep."""
        if len(entry.body) > self.max_entry():
            return False
        size = entry.measure(key)
        if size > self.max_entry():
            return False
        with self.lock:
            entry.size = size
            old = self.entries.pop(key, None)
            if old is not None:
                self.bytes -= old.size
                old.size = 0
            self.entries[key] = entry
            self.bytes += entry.size
            self._evict()
        return True

    def add_gzipped(self, entry: Entry, gzipped: bytes) -> None:
        """Give `entry` its gzipped body; counted when the entry is kept."""
        with self.lock:
            if entry.gzipped is not None:  # another thread was first
                return
            entry.gzipped = gzipped
            if entry.size:
                entry.size += len(gzipped)
                self.bytes += len(gzipped)
                self._evict()

    def _evict(self) -> None:
        budget = self.budget()
        while self.bytes > budget:
            _, evicted = self.entries.popitem(last=False)
            self.bytes -= evicted.size
            evicted.size = 0  # no longer counted

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, key: str) -> bool:
        return key in self.entries

    def clear(self) -> None:
        with self.lock:
            for entry in self.entries.values():
                entry.size = 0
            self.entries.clear()
            self.bytes = 0


store = PageStore()
on_loss(store.clear)


def mark_cacheable(response, *, deps, expires_at: float | None = None):
    """Let the page cache keep `response` until any of `deps` changes or `expires_at`
    (a POSIX time) passes. The view decides; the wrapper only obeys."""
    response.dateline_cache = (tuple(deps), expires_at)
    return response


def _tracking(name: str) -> bool:
    if "%" in name or "+" in name:
        name = unquote_plus(name)
    name = name.lower()
    return name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES)


def canonical_query(query: str) -> str:
    """`query` without tracking parameters, the rest ordered by name. The sort is stable:
    a repeated name keeps its values in the order sent, since a view may read them as a
    list."""
    if not query:
        return ""
    kept = [p for p in query.split("&") if p and not _tracking(p.partition("=")[0])]
    kept.sort(key=lambda p: p.partition("=")[0])
    return "&".join(kept)


class EnvironHeaders:
    """A WSGI environ's request headers read the way `PageCacheApp.answer` reads headers
    (lower-case names; `get`, `get_all`, `in`), as granian's RSGI headers are read."""

    __slots__ = ("environ",)
    _keys: dict[str, str] = {}

    def __init__(self, environ) -> None:
        self.environ = environ

    @classmethod
    def _key(cls, name: str) -> str:
        key = cls._keys.get(name)
        if key is None:
            key = cls._keys[name] = "HTTP_" + name.upper().replace("-", "_")
        return key

    def get(self, name: str, default=None):
        return self.environ.get(self._key(name), default)

    def get_all(self, name: str) -> list[str]:
        value = self.environ.get(self._key(name))
        return [] if value is None else [value]

    def __contains__(self, name: str) -> bool:
        return self._key(name) in self.environ


def _one(headers, name: str, joiner: str) -> str | None:
    """A header's value, repeated fields joined as a WSGI server joins them."""
    if name not in headers:
        return None
    values = headers.get_all(name)
    return values[0] if len(values) == 1 else joiner.join(values)


class _Rules:
    """The settings a hit obeys, read once: a settings attribute costs a Python call
    (LazySettings), several per hit. Read again when a setting changes (tests)."""

    def __init__(self) -> None:
        self.private_cookies = (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME)
        self.forwarded_host = settings.USE_X_FORWARDED_HOST
        allowed = settings.ALLOWED_HOSTS
        if settings.DEBUG and not allowed:
            allowed = _DEBUG_HOSTS
        self.allowed_hosts = allowed
        self.ssl_redirect = settings.SECURE_SSL_REDIRECT
        self.purged = bool(getattr(settings, "DATELINE_PURGE_URLS", None))
        self.proxy_ssl = None
        if settings.SECURE_PROXY_SSL_HEADER:
            key, secure = settings.SECURE_PROXY_SSL_HEADER
            # HTTP_X_FORWARDED_PROTO: the environ key; x-forwarded-proto: the header
            self.proxy_ssl = (key, key.removeprefix("HTTP_").lower().replace("_", "-"), secure)


_rules: _Rules | None = None


@receiver(setting_changed)
def _settings_changed(**kwargs) -> None:
    global _rules
    _rules = None
    _accepted_hosts.clear()


def _current_rules() -> _Rules:
    global _rules
    if _rules is None:
        _rules = _Rules()
    return _rules


def _private(cookie: str | None, names: tuple[str, str]) -> bool:
    """A request with a session or CSRF cookie (staff) is neither served a shared page nor
    stored as one."""
    if not cookie:
        return False
    # A name absent from the header cannot be a cookie of the request; readers' cookies
    # (consent, analytics) mostly are, and parsing is the slower part.
    if names[0] not in cookie and names[1] not in cookie:
        return False
    cookies = parse_cookie(cookie)
    return any(cookies.get(name) for name in names)


# Hosts Django would accept, each with the ALLOWED_HOSTS it was checked against, so that a
# hit checks its host with one lookup. Refused hosts are not kept: they go to Django anyway.
_accepted_hosts: dict[str, list[str]] = {}
_ACCEPTED_HOSTS_MAX = 1_000
_DEBUG_HOSTS = [".localhost", "127.0.0.1", "[::1]"]  # Django's own, under DEBUG


def _host_allowed(headers, rules: _Rules) -> bool:
    """Whether Django would accept the request's host (HttpRequest.get_host, the same
    header and the same rules): a hit must not answer what Django would refuse with 400,
    nor may a refused host key anything. A request without a Host header (HTTP/1.0) is
    left to Django."""
    if rules.forwarded_host and "x-forwarded-host" in headers:
        host = _one(headers, "x-forwarded-host", ",")
    else:
        host = _one(headers, "host", ",")
        if host is None:
            return False
    allowed = rules.allowed_hosts
    if _accepted_hosts.get(host) is allowed:
        return True
    domain, _ = split_domain_port(host)
    if not (domain and validate_host(domain, allowed)):
        return False
    if len(_accepted_hosts) >= _ACCEPTED_HOSTS_MAX:  # ALLOWED_HOSTS "*": any name at all
        _accepted_hosts.clear()
    _accepted_hosts[host] = allowed
    return True


def _redirected_to_https(scheme: str, headers, rules: _Rules) -> bool:
    """Whether Django would redirect the request to HTTPS (SECURE_SSL_REDIRECT, behind a
    proxy whose header says how the client came: HttpRequest.scheme's rules)."""
    if not rules.ssl_redirect:
        return False
    if rules.proxy_ssl is not None:
        _, name, secure = rules.proxy_ssl
        value = headers.get(name)
        if value is not None:
            return value.split(",", 1)[0].strip() != secure
    return scheme != "https"


def _cdn_tags(deps) -> list[tuple[str, str]]:
    """The page's dependency tags in the headers DATELINE_CACHE_TAG_HEADERS names: xkey
    (Varnish's xkey vmod) and Surrogate-Key (Fastly), space-separated; Cache-Tag
    (Cloudflare), comma-separated. A cache in front purges exactly the pages a change
    touches by them (pagecache/purge.py)."""
    tags = sorted(set(deps))
    keys = " ".join(tags)
    if not tags or len(keys) > _CDN_TAGS_MAX:
        # Cut short, a purge would miss this page: without tags, a cache in front keeps it
        # briefly (`_shared_max_age`).
        return []
    separators = {"Cache-Tag": ","}
    return [
        (name, separators.get(name, " ").join(tags))
        for name in getattr(settings, "DATELINE_CACHE_TAG_HEADERS", ("xkey",))
    ]


def _purgeable(entry) -> bool:
    """Whether the purges (sent by xkey) reach this page: it carries its tags there."""
    return any(k == "xkey" for k, _ in entry.headers)


# How long a cache in front may keep a page that no purge will reach, at most.
_UNPURGED_MAX_AGE = 60
# A page's shared lifetime is counted from when the cache in front receives it, a little
# after it leaves here: this much is taken off, so that it never outlives its expiry (the
# next scheduled story, midnight) for that delay.
_TRANSIT = 0.05


def _not_modified(headers, etag: str, entry: Entry) -> bool:
    """RFC 9110 13.2.2: If-None-Match when sent, else If-Modified-Since."""
    match = _one(headers, "if-none-match", ",")
    if match is not None:
        return match == etag
    since = headers.get("if-modified-since")
    if not since:  # most requests: no date to parse (a tenth of a hit's time)
        return False
    since = _http_date(since)
    if since is None:
        return False
    modified = entry.last_modified()
    return modified is not None and modified <= since


def _http_date(value: str):
    try:
        return parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError):
        return None


# The last second's HTTP date: every page rendered within one second carries the same.
_formatted_second: tuple[int, str] = (-1, "")


def _formatted(when: float) -> str:
    """`when` as an HTTP date (RFC 9110 5.6.7), whole seconds, as formatdate writes it."""
    global _formatted_second
    second = int(when)
    known, text = _formatted_second
    if known != second:
        text = formatdate(second, usegmt=True)
        _formatted_second = (second, text)
    return text


class PageCacheApp:
    def __init__(self, app) -> None:
        self.app = app
        self.enabled = getattr(settings, "DATELINE_PAGE_CACHE", True)
        self.ttl = getattr(settings, "DATELINE_PAGE_CACHE_SECONDS", 300)
        if self.enabled:
            # At start, not at the first reader: an unreachable Redis is the operator's
            # error to see now, not a site that silently never caches.
            versions().check()

    def __call__(self, environ, start_response):
        response = self.hit(environ, start_response)
        if response is not None:
            return response
        key = environ.get("dateline.cache_key")
        if key is None:  # not a request the cache may answer or keep
            return self.app(environ, start_response)
        return self._render(key, environ, start_response)

    def key(self, method: str, path: str, query: str, scheme: str, headers) -> str | None:
        """The cache key of a request the cache may answer or keep, else None (the request
        is Django's alone). `headers`: lower-case names, with `get`, `get_all` and `in`
        (granian's RSGI headers, or `EnvironHeaders`)."""
        rules = _rules or _current_rules()
        if (
            not self.enabled
            or (method != "GET" and method != "HEAD")
            or _private(_one(headers, "cookie", "; "), rules.private_cookies)
            # A hit is answered before Django: the Host check Django would make is made
            # here too, so no page is served or kept under a host the site refuses.
            or not _host_allowed(headers, rules)
            or _redirected_to_https(scheme, headers, rules)
        ):
            return None
        if query:
            query = canonical_query(query)
            if query:
                return path + "?" + query
        return path

    def answer(self, method: str, path: str, query: str, scheme: str, headers):
        """(status, headers, body) when the page cache answers the request itself, else
        None. It waits on nothing but the version store, which is a few memory loads on
        one machine: `dateline serve`'s front calls it on its event loop then, before it
        builds a WSGI environ, and hands only misses to a WSGI thread
        (dateline/core/front.py). `path` is PATH_INFO's (latin-1) form."""
        key = self.key(method, path, query, scheme, headers)
        if key is None:
            return None
        return self.lookup(key, method, headers, compress=False)

    def lookup(self, key: str, method: str, headers, *, compress: bool = True):
        """The kept response for `key`, if fresh. With `compress` False (on the event loop)
        None also when the client takes gzip and the page is not compressed yet: a WSGI
        thread compresses it once, never the loop."""
        entry = store.get(key)
        if entry is None:
            return None
        now = time.time()
        if entry.expires <= now:
            return None
        valid = versions().checked(entry.checks, entry.valid)
        if valid is None:
            return None
        entry.valid = valid
        return self._respond(entry, method, headers, now, compress=compress)

    def hit(self, environ, start_response):
        """The WSGI form of `answer`: the response if the page cache answers `environ`
        itself, else None (and the request is Django's, with the cache key in the environ
        when the response may be kept)."""
        headers = EnvironHeaders(environ)
        method = environ.get("REQUEST_METHOD")
        key = self.key(
            method,
            environ.get("PATH_INFO", "/"),
            environ.get("QUERY_STRING", ""),
            environ.get("wsgi.url_scheme"),
            headers,
        )
        if key is None:
            return None
        # Django renders exactly the page the key names (PEP 3333 lets an application
        # change its environ).
        environ["QUERY_STRING"] = key.partition("?")[2]
        environ["dateline.cache_key"] = key
        answered = self.lookup(key, method, headers)
        if answered is None:
            return None
        return self._start(answered, start_response)

    @staticmethod
    def _start(answered, start_response):
        status, headers, body = answered
        start_response(_REASONS.get(status) or f"{status} Unknown", headers)
        return [body]

    def _respond(
        self,
        entry: Entry,
        method: str,
        headers,
        now: float,
        *,
        fresh: bool = False,
        compress: bool = True,
    ):
        """(status, headers, body) of `entry` for a request with these headers: the
        encoding it accepts, 304 when its validators match, no body for HEAD."""
        accept = headers.get("accept-encoding")
        gzipped = accept is not None and "gzip" in accept
        if gzipped and not compress and entry.gzipped is None:
            return None
        shared_age = self._shared_max_age(entry, fresh, now)
        response_headers, unmodified = entry.representation(gzipped, shared_age, fresh)
        etag = entry.etag[:-1] + '-gz"' if gzipped else entry.etag
        if _not_modified(headers, etag, entry):
            return 304, unmodified, b""
        if method == "HEAD":
            return entry.code, response_headers, b""
        return entry.code, response_headers, entry.gzipped if gzipped else entry.body

    def _serve(self, entry: Entry, environ, start_response, *, fresh: bool = False):
        answered = self._respond(
            entry,
            environ.get("REQUEST_METHOD"),
            EnvironHeaders(environ),
            time.time(),
            fresh=fresh,
        )
        return self._start(answered, start_response)

    @staticmethod
    def _shared_max_age(entry: Entry, fresh: bool, now: float) -> int:
        """How long a cache in front may keep the page (s-maxage).

        Purged on every change (DATELINE_PURGE_URL), it may keep a page as long as we
        would: until its expiry, which is never past the next scheduled story nor
        midnight. A just-rendered page only if none of its tags was bumped while it was
        rendered: it would otherwise carry the old rows past the purge that was meant to
        remove them. Not purged, or without tags to purge it by, a minute at most (a
        just-rendered page one second), and it may be served stale briefly while the cache
        asks again."""
        left = entry.expires - now
        if (_rules or _current_rules()).purged and _purgeable(entry):
            if fresh and (entry.checks is None or not versions().fresh(entry.checks, entry.stamp)):
                return 0
            return max(0, int(left - _TRANSIT))
        return 1 if fresh else min(max(0, int(left)), _UNPURGED_MAX_AGE)

    def _render(self, key: str, environ, start_response):
        # Before the render reads anything: a bump from here on makes what it builds stale.
        # None while the version store cannot be read: the page is served, not kept. A HEAD
        # is never kept, so it need not ask.
        keep = environ.get("REQUEST_METHOD") == "GET"
        stamp = versions().stamp() if keep else None
        started = time.time()
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
        # SHA-256 (OpenSSL, with the CPU's SHA instructions where it has them), not
        # blake2b (hashlib's portable C code): 18 against 35 µs of CPU for a 24 KB article
        # on this machine (bench/README.md, "Where an uncached article's CPU goes"). 96
        # bits of it, as before.
        etag = '"' + hashlib.sha256(body).hexdigest()[:24] + '"'
        kept = [(k, v) for k, v in headers if k.lower() not in _OWN_HEADERS]
        if not any(k.lower() == "last-modified" for k, _ in kept):
            # A view that knows when its content changed (a feed) says so itself.
            kept += [("Last-Modified", _formatted(started))]
        entry = Entry(status, kept + _cdn_tags(deps), body, deps, stamp, expires, etag)
        if stamp is not None:
            entry.checks = versions().prepare(deps)
            store.put(key, entry)
        return self._serve(entry, environ, start_response, fresh=True)
