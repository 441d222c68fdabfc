"""/healthz: ok or fail for each part this server needs, 503 when one fails, never kept by
the page cache or anyone else; what went wrong goes to the log, not to whoever asked."""

from __future__ import annotations

import json
import logging

import pytest

from dateline.news.tests import readers
from dateline.pagecache.tests.conftest import RedisServer
from dateline.pagecache.versions import RedisVersions, use


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def shared_cache(settings, redis_server):
    """Several servers' set-up: the page cache's versions in a Redis of the test's own."""
    settings.CACHE_SHARED = True
    store = RedisVersions(redis_server.url, retry_seconds=0)
    previous = use(store)
    yield redis_server
    use(previous)
    store.close()


@pytest.mark.django_db
def test_healthz_says_ok_for_the_database_and_storage_and_is_never_kept():
    first = readers.cached("/healthz")
    again = readers.cached("/healthz")
    assert first.status == again.status == 200
    assert json.loads(first.body) == {"database": "ok", "storage": "ok"}
    assert "no-store" in first.headers["Cache-Control"]
    assert "private" in first.headers["Cache-Control"]
    assert again.cache == "", "the page cache never answers it"


@pytest.mark.django_db
def test_healthz_checks_redis_when_servers_share_it_and_fails_when_it_is_gone(shared_cache, caplog):
    assert json.loads(readers.cached("/healthz").body) == {
        "database": "ok",
        "redis": "ok",
        "storage": "ok",
    }
    shared_cache.stop()
    with caplog.at_level(logging.ERROR, logger="dateline.health"):
        down = readers.cached("/healthz")
    assert down.status == 503
    assert json.loads(down.body) == {"database": "ok", "redis": "fail", "storage": "ok"}
    assert any("health check failed: redis" in r.getMessage() for r in caplog.records)


@pytest.mark.django_db
def test_healthz_fails_storage_that_cannot_be_written_and_says_no_more(settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the media folder's parent should be")
    settings.MEDIA_ROOT = blocker / "media"
    down = readers.cached("/healthz")
    assert down.status == 503
    assert json.loads(down.body) == {"database": "ok", "storage": "fail"}
    assert b"not-a-folder" not in down.body


@pytest.mark.django_db
def test_healthz_answers_everyone_signed_in_or_not(admin_client, client):
    assert client.get("/healthz").status_code == 200
    assert admin_client.get("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405
