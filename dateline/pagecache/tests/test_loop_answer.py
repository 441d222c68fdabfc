"""`PageCacheApp.answer`: the page cache's answer on `dateline serve`'s event loop, from the
request's headers as granian hands them over (no WSGI environ). It must answer exactly as
the WSGI path does, refuse what that path refuses, and never compress on the loop."""

from __future__ import annotations

import gzip

import pytest

from dateline.pagecache.tests.client import Counting, fetch, get
from dateline.pagecache.tests.test_page_cache import (  # noqa: F401 - an autouse fixture
    _keep_the_test_connection,
)
from dateline.pagecache.wsgi import PageCacheApp, store


class Headers:
    """Request headers as granian's RSGI scope holds them: lower-case names, repeated
    fields kept apart; `get` gives the first."""

    def __init__(self, pairs):
        self.pairs = [(k.lower(), v) for k, v in pairs]

    def get(self, name, default=None):
        return next((v for k, v in self.pairs if k == name), default)

    def get_all(self, name):
        return [v for k, v in self.pairs if k == name]

    def __contains__(self, name):
        return any(k == name for k, _ in self.pairs)


def answer(cached, path, *pairs, method="GET", query=""):
    headers = Headers([("Host", "127.0.0.1"), *pairs])
    return cached.answer(method, path, query, "http", headers)


@pytest.fixture
def app(settings):
    django = Counting()
    return PageCacheApp(django), django


@pytest.mark.django_db
def test_the_loop_answers_a_kept_page_with_the_headers_and_bytes_of_a_wsgi_hit(app, world):
    cached, django = app
    url = world["a"].get_absolute_url()
    assert answer(cached, url) is None  # nothing kept yet: the request goes to Django
    get(cached, url)
    _, wsgi_headers, wsgi_body = get(cached, url)
    status, headers, body = answer(cached, url)
    assert status == 200 and body.decode() == wsgi_body
    assert dict(headers) == wsgi_headers and wsgi_headers["X-Cache"] == "hit"
    assert "Content-Security-Policy" in wsgi_headers  # the page's own headers are kept
    assert django.calls == 1


@pytest.mark.django_db
def test_the_loop_answers_conditional_requests_and_head_without_a_body(app, world):
    cached, _ = app
    url = world["a"].get_absolute_url()
    get(cached, url)
    _, headers, body = answer(cached, url)
    etag, modified = dict(headers)["ETag"], dict(headers)["Last-Modified"]
    status, unmodified, empty = answer(cached, url, ("If-None-Match", etag))
    assert status == 304 and empty == b"" and dict(unmodified)["ETag"] == etag
    assert "Content-Length" not in dict(unmodified)
    assert answer(cached, url, ("If-None-Match", '"other"'))[0] == 200
    assert answer(cached, url, ("If-Modified-Since", modified))[0] == 304
    assert answer(cached, url, ("If-Modified-Since", "Thu, 01 Jan 1970 00:00:00 GMT"))[0] == 200
    status, head_headers, empty = answer(cached, url, method="HEAD")
    assert status == 200 and empty == b"" and head_headers == headers
    assert dict(head_headers)["Content-Length"] == str(len(body))


@pytest.mark.django_db
def test_the_loop_leaves_staff_refused_hosts_and_other_methods_to_django(app, world, settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    cached, _ = app
    url = world["a"].get_absolute_url()
    get(cached, url)
    assert answer(cached, url) is not None
    session = ("Cookie", f"{settings.SESSION_COOKIE_NAME}=abc")
    assert answer(cached, url, session) is None
    # A second Cookie field is as much the request's as the first.
    assert answer(cached, url, ("Cookie", "consent=yes"), session) is None
    assert answer(cached, url, ("Cookie", "consent=yes")) is not None
    refused = Headers([("Host", "evil.example")])
    assert cached.answer("GET", url, "", "http", refused) is None
    doubled = Headers([("Host", "127.0.0.1"), ("Host", "evil.example")])
    assert cached.answer("GET", url, "", "http", doubled) is None
    assert cached.answer("GET", url, "", "http", Headers([])) is None  # HTTP/1.0, no Host
    settings.USE_X_FORWARDED_HOST = True  # behind a proxy: the host it vouches for counts
    assert answer(cached, url, ("X-Forwarded-Host", "evil.example")) is None
    forwarded = Headers([("Host", "evil.example"), ("X-Forwarded-Host", "127.0.0.1")])
    assert cached.answer("GET", url, "", "http", forwarded) is not None
    assert answer(cached, url, method="POST") is None
    settings.SECURE_SSL_REDIRECT = True
    assert answer(cached, url) is None  # Django would redirect to https


@pytest.mark.django_db
def test_the_loop_never_compresses_a_page_a_thread_does_once(app, world):
    cached, _ = app
    url = world["a"].get_absolute_url()
    get(cached, url)
    plain = store.bytes
    accepts = ("Accept-Encoding", "gzip, br")
    assert answer(cached, url, accepts) is None  # not compressed yet: left to a thread
    _, headers, body = fetch(cached, url, HTTP_ACCEPT_ENCODING="gzip, br")
    assert headers["Content-Encoding"] == "gzip" and headers["X-Cache"] == "hit"
    assert store.bytes > plain  # the compressed body now counts against the budget
    assert store.bytes == sum(entry.size for entry in store.entries.values())
    status, loop_headers, loop_body = answer(cached, url, accepts)
    assert status == 200 and loop_body == body
    assert dict(loop_headers) == headers
    assert gzip.decompress(loop_body).decode() == get(cached, url)[2]
