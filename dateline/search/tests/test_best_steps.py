"""On SQLite, a best-first page of a common word costs the same however many older stories
hold the word: counted in SQLite's virtual-machine steps (a progress handler called every
step), not time. Ranking the 5,000 newest matches with bm25, the search page took 42-55 ms
of CPU at a million stories against 6-7 ms at 1,000 (bench/README.md, "Best-first search
in bounded steps on SQLite")."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from dateline.core import clock
from dateline.core.tests.steps import sqlite_steps as _steps
from dateline.news.tests import factories
from dateline.search.backends import Filters, Sort, sqlite
from dateline.search.selectors import search_stories

pytestmark = [pytest.mark.engine("sqlite"), pytest.mark.django_db]

OLDER = 60


def _stories(first: int, count: int) -> None:
    # Each later story is older: written after the others, as an imported archive is.
    now = clock.now()
    for n in range(first, first + count):
        factories.article(
            headline=f"Lighthouse notes {n}",
            body="<p>The lighthouse keeper wrote.</p>",
            published_at=now - dt.timedelta(hours=n + 1),
        )


@pytest.fixture(autouse=True)
def ten_candidates(monkeypatch):
    # Best first ranks the BEST_CANDIDATES newest matches (1,000 in production): here ten.
    monkeypatch.setattr(sqlite, "BEST_CANDIDATES", 10, raising=False)


def _page(sort: Sort = Sort.BEST, filters: Filters | None = None) -> list[str]:
    hits = search_stories("lighthouse", limit=2, sort=sort, filters=filters).hits
    return [h.article.headline for h in hits]


def test_a_best_first_page_of_a_common_word_ranks_no_older_match():
    _stories(0, 12)
    connection.ensure_connection()
    first = _page()
    near = _steps(_page)
    _stories(12, OLDER)
    # The older stories have the higher ids, FTS5's first: this week's still come first.
    assert _page() == first == ["Lighthouse notes 0", "Lighthouse notes 1"]
    far = _steps(_page)
    # Each older match ranked costs dozens of steps: OLDER of them, thousands.
    assert far < near + 2 * OLDER, (near, far)


def test_a_page_by_relevance_ranks_no_older_headline_match(monkeypatch):
    # Sorted by relevance, the newest page of every match (a word in more than FEW stories
    # is walked for by time) and the newest headline matches are ranked, as on PostgreSQL:
    # every story here holds the word in its headline, so ten of them suffice.
    monkeypatch.setattr(sqlite, "FEW", 10)
    _stories(0, 12)
    connection.ensure_connection()
    near = _steps(lambda: _page(Sort.RELEVANCE))
    _stories(12, OLDER)
    assert _page(Sort.RELEVANCE) == ["Lighthouse notes 0", "Lighthouse notes 1"]
    far = _steps(lambda: _page(Sort.RELEVANCE))
    assert far < near + 2 * OLDER, (near, far)


def test_a_page_of_long_ago_does_not_walk_the_newer_stories():
    # A date range long ago: its stories are found by the time index from the range's end,
    # not by walking every newer story down to it.
    now = clock.now()
    for n in range(12):
        factories.article(
            headline=f"Lighthouse of old {n}",
            body="<p>The lighthouse keeper wrote.</p>",
            published_at=now - dt.timedelta(days=3000 + n),
        )
    _stories(0, 12)
    old = Filters(published_before=now - dt.timedelta(days=2000))
    connection.ensure_connection()
    near = _steps(lambda: _page(Sort.BEST, old))
    _stories(12, OLDER)
    assert _page(Sort.BEST, old) == ["Lighthouse of old 0", "Lighthouse of old 1"]
    far = _steps(lambda: _page(Sort.BEST, old))
    # Each newer story walked costs two steps or so.
    assert far < near + OLDER, (near, far)


@pytest.mark.parametrize("sort", [Sort.BEST, Sort.RELEVANCE])
def test_the_ranked_page_asks_for_no_bm25(sort):
    """bm25() counts every match of each word in the whole index (its IDF) before the first
    row, in FTS5's own loop, which the VM steps above do not see: 24 ms for a word in a
    million stories, however few stories are ranked."""
    _stories(0, 3)
    statements = []

    def keep(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        assert search_stories("lighthouse", sort=sort).hits
    assert not [sql for sql in statements if "bm25(" in sql]
