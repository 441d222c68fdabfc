"""The page cache with its versions in Redis (several servers): Redis lost while serving
costs caching, never a page; a Redis that comes back empty makes nothing look fresh."""

from __future__ import annotations

import logging
import time

import pytest

from dateline.news.models import Article
from dateline.pagecache import invalidate
from dateline.pagecache.tests.client import Counting, commit, get
from dateline.pagecache.tests.test_page_cache import (  # noqa: F401 - an autouse fixture
    _keep_the_test_connection,
)
from dateline.pagecache.versions import RedisVersions
from dateline.pagecache.wsgi import PageCacheApp, store


@pytest.fixture
def app(redis_versions):
    django = Counting()
    return PageCacheApp(django), django


def _warm(app, url):
    get(app, url)
    assert get(app, url)[1]["X-Cache"] == "hit"


def _retitle(article, headline):
    """A change readers see, committed, its tag bumped after commit as every write's is.
    Written to the row directly: what is tested here is the version store, not the
    newsroom's door."""
    Article.objects.filter(pk=article.pk).update(headline=headline)
    invalidate([f"article:{article.pk}"])
    commit()


@pytest.mark.django_db
def test_pages_are_served_uncached_while_redis_is_down_and_cache_again_when_it_is_back(
    app, world, redis_server, caplog
):
    cached, django = app
    url, other = world["a"].get_absolute_url(), world["c"].get_absolute_url()
    _warm(cached, url), _warm(cached, other)
    redis_server.stop()
    calls = django.calls
    for _ in range(2):
        for page in (url, other, "/"):
            status, headers, _ = get(cached, page)
            assert status.startswith("200") and headers["X-Cache"] == "miss"
    assert django.calls == calls + 6 and len(store) == 0
    with caplog.at_level(logging.WARNING, logger="dateline.pagecache"):
        _retitle(world["a"], "Quay reopens at dawn")  # the write commits, its bump waits
    assert "not sent to Redis" in caplog.text
    assert "Quay reopens at dawn" in get(cached, url)[2]
    redis_server.start()
    _, headers, body = get(cached, url)
    assert headers["X-Cache"] == "miss" and "Quay reopens at dawn" in body
    _, headers, body = get(cached, url)
    assert headers["X-Cache"] == "hit" and "Quay reopens at dawn" in body
    _warm(cached, other)


@pytest.mark.django_db
def test_a_bump_made_while_redis_was_down_reaches_it_without_another_request(
    app, world, redis_server
):
    cached, _ = app
    redis_server.stop()
    _retitle(world["a"], "Quay reopens at dawn")
    redis_server.start()
    elsewhere = RedisVersions(redis_server.url)  # what another server reads
    deadline = time.monotonic() + 20
    while elsewhere.latest([f"article:{world['a'].pk}"]) == 0:
        assert time.monotonic() < deadline, "the pending bump never reached Redis"
        time.sleep(0.05)  # waiting for the resend timer, not timing it
    elsewhere.close()


@pytest.mark.django_db
def test_a_redis_restart_that_lost_the_versions_makes_no_old_page_look_fresh(
    app, world, redis_server
):
    cached, django = app
    url = world["a"].get_absolute_url()
    _warm(cached, url)
    _retitle(world["a"], "Quay reopens at dawn")  # bumped in Redis
    redis_server.stop()  # no request of this process sees the outage
    redis_server.start()  # and Redis comes back with nothing
    calls = django.calls
    _, headers, body = get(cached, url)
    assert headers["X-Cache"] == "miss" and "Quay reopens at dawn" in body
    assert django.calls == calls + 1
    assert get(cached, url)[1]["X-Cache"] == "hit"


@pytest.mark.django_db
def test_a_page_another_server_made_stale_is_not_served(app, world, redis_server):
    cached, _ = app
    url = world["a"].get_absolute_url()
    _warm(cached, url)
    elsewhere = RedisVersions(redis_server.url)
    elsewhere.bump([f"article:{world['a'].pk}"])
    elsewhere.close()
    assert get(cached, url)[1]["X-Cache"] == "miss"
