"""A reader's request has its SQL statements bounded on PostgreSQL, and one cut answers 503
with Retry-After, never kept; the newsroom's requests are not bounded (core/timeouts.py).
A slow statement is `pg_sleep` in a selector the view calls."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dateline.core import timeouts
from dateline.newsroom.roles import Role
from dateline.newsroom.tests.factories import staff

pytestmark = [
    pytest.mark.engine("postgresql"),
    # Outside a test transaction, as requests run: a bound set inside one would be undone
    # by its rollback behind the connection's back.
    pytest.mark.django_db(transaction=True),
]

BOUND_MS = 300
# Far longer than the bound: a request that took this long was not cut.
SLEEP_S = 30


@pytest.fixture
def bounded(settings):
    settings.DATELINE_READER_STATEMENT_TIMEOUT_MS = BOUND_MS
    yield
    # The connection outlives the test: leave it as the suite's other tests expect it.
    timeouts.apply(0)


def _sleep(seconds: float) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(%s)", [seconds])


def _slow(*args, **kwargs):
    _sleep(SLEEP_S)


def _timed_get(client, url):
    started = time.monotonic()
    response = client.get(url)
    return response, time.monotonic() - started


def _assert_cut(response, elapsed):
    assert response.status_code == 503
    assert elapsed < 10, elapsed
    assert response["Retry-After"] == str(timeouts.RETRY_AFTER_SECONDS)
    assert "no-store" in response["Cache-Control"]
    # Not marked for the page cache (pagecache/wsgi.py keeps only what a view marks).
    assert not hasattr(response, "dateline_cache")


def test_a_slow_statement_of_the_api_is_cut_and_answers_503(client, bounded, monkeypatch):
    from dateline.api import selectors

    monkeypatch.setattr(selectors, "story_list", _slow)
    response, elapsed = _timed_get(client, "/api/v1/stories")
    _assert_cut(response, elapsed)
    assert "too long" in response.json()["detail"]


def test_a_slow_statement_of_a_public_page_is_cut_and_answers_503(client, bounded, monkeypatch):
    from dateline.search import views

    monkeypatch.setattr(views, "search_stories", _slow)
    response, elapsed = _timed_get(client, "/search/?q=ferry")
    _assert_cut(response, elapsed)


def test_the_newsroom_is_not_cut_even_after_a_readers_request_on_its_connection(
    client, bounded, monkeypatch
):
    from dateline.newsroom import views

    client.get("/api/v1/stories")  # the connection now has the readers' bound
    client.force_login(staff(Role.WRITER))

    def slower_than_the_bound(query, **filters):
        _sleep(3 * BOUND_MS / 1000)
        return []

    monkeypatch.setattr(views, "_search", slower_than_the_bound)
    response = client.get("/newsroom/stories/?q=ferry")
    assert response.status_code == 200, response.content[:300]
    # And a reader after it is bounded again.
    monkeypatch.setattr("dateline.api.selectors.story_list", _slow)
    _assert_cut(*_timed_get(client, "/api/v1/stories"))


def test_a_readers_request_sets_the_bound_once_per_connection(client, bounded, settings):
    settings.DATELINE_READER_STATEMENT_TIMEOUT_MS = 0
    client.get("/api/v1/stories")  # the process's memos warm, no bound yet
    settings.DATELINE_READER_STATEMENT_TIMEOUT_MS = BOUND_MS
    with CaptureQueriesContext(connection) as first:
        client.get("/api/v1/stories")
    with CaptureQueriesContext(connection) as second:
        client.get("/api/v1/stories")
    sets = [q["sql"] for q in first.captured_queries if "statement_timeout" in q["sql"]]
    assert sets == [f"SET statement_timeout = {BOUND_MS}"]
    assert not [q for q in second.captured_queries if "statement_timeout" in q["sql"]]
    assert len(second.captured_queries) == len(first.captured_queries) - 1
