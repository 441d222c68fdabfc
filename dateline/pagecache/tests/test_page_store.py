"""The page store is bounded in bytes, keeps the least recently used page out first, and
serves a page too large to keep without keeping it."""

from __future__ import annotations

import gzip

import pytest

from dateline.pagecache.tests.client import Counting, fetch, get
from dateline.pagecache.tests.test_page_cache import (  # noqa: F401 - an autouse fixture
    _keep_the_test_connection,
)
from dateline.pagecache.wsgi import PageCacheApp, store

MB = 1024 * 1024


@pytest.fixture
def app(settings):
    settings.ROOT_URLCONF = "dateline.pagecache.tests.urls"
    django = Counting()
    return PageCacheApp(django), django


def test_a_30_mb_page_is_served_but_not_kept(app, settings):
    cached, django = app
    assert settings.DATELINE_PAGE_CACHE_BYTES == 256 * MB  # the defaults
    url = f"/sized/{30 * MB}/sitemap/"
    for _ in range(2):
        status, headers, body = get(cached, url)
        assert status.startswith("200") and len(body) == 30 * MB
        assert headers["X-Cache"] == "miss"
    assert django.calls == 2 and len(store) == 0 and store.bytes == 0
    _, headers, body = fetch(cached, url, HTTP_ACCEPT_ENCODING="gzip")
    assert headers["Content-Encoding"] == "gzip" and len(gzip.decompress(body)) == 30 * MB
    get(cached, f"/sized/{MB}/article/"), get(cached, f"/sized/{MB}/article/")
    assert django.calls == 4 and len(store) == 1  # an ordinary page is kept


def test_the_store_never_exceeds_its_budget_and_evicts_least_recently_used(app, settings):
    cached, django = app
    settings.DATELINE_PAGE_CACHE_BYTES = 1_000_000
    settings.DATELINE_PAGE_CACHE_MAX_ENTRY_BYTES = 200_000
    pages = [f"/sized/100000/page-{n}/" for n in range(40)]
    for url in pages[:9]:
        get(cached, url)
        assert store.bytes <= 1_000_000
    assert list(store.entries) == pages[:9]
    assert get(cached, pages[0])[1]["X-Cache"] == "hit"  # now the most recently used
    get(cached, pages[9])
    assert pages[0] in store and pages[1] not in store
    for url in pages[10:]:
        get(cached, url)
        assert store.bytes <= 1_000_000 and len(store) == 9
    assert store.bytes == sum(entry.size for entry in store.entries.values())
    assert list(store.entries) == pages[-9:]


def test_a_page_above_the_entry_cap_is_not_kept(app, settings):
    cached, django = app
    settings.DATELINE_PAGE_CACHE_MAX_ENTRY_BYTES = 500_000
    get(cached, "/sized/600000/big/"), get(cached, "/sized/400000/small/")
    assert list(store.entries) == ["/sized/400000/small/"]
