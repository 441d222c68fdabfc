"""On SQLite, a page of the newest matches of a common word costs the same however many
older stories hold the word: counted in SQLite's virtual-machine steps (a progress handler
called every step), not time. Sorting every match by time, the search page sorted newest
took 2.2 s and the API's `?q=` 3.6 s at 200,000 stories (bench/README.md, "A million
stories on SQLite")."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from dateline.api import selectors as api
from dateline.core import clock
from dateline.core.tests.steps import sqlite_steps as _steps
from dateline.news.tests import factories
from dateline.search.backends import sqlite
from dateline.search.selectors import Sort, search_stories

pytestmark = [pytest.mark.engine("sqlite"), pytest.mark.django_db]

OLDER = 60


def _stories(first: int, count: int) -> None:
    now = clock.now()
    for n in range(first, first + count):
        factories.article(
            headline=f"Lighthouse notes {n}",
            body="<p>The lighthouse keeper wrote.</p>",
            published_at=now - dt.timedelta(hours=n + 1),
        )


@pytest.fixture(autouse=True)
def common_from_ten(monkeypatch):
    # A word is common from FEW matches on (5,000 in production): here from ten.
    monkeypatch.setattr(sqlite, "FEW", 10, raising=False)


def _flat(near: int, far: int) -> None:
    # Each older match read and sorted costs a few steps (the search page's dozens): OLDER
    # of them, hundreds to thousands.
    assert far < near + 2 * OLDER, (near, far)


def test_the_newest_page_of_a_common_word_reads_no_older_match():
    def page():
        return [
            h.article.headline for h in search_stories("lighthouse", sort=Sort.NEWEST, limit=2).hits
        ]

    _stories(0, 12)
    connection.ensure_connection()
    first = page()
    near = _steps(page)
    _stories(12, OLDER)
    assert page() == first == ["Lighthouse notes 0", "Lighthouse notes 1"]
    _flat(near, _steps(page))


def test_the_apis_q_reads_no_older_match():
    def page():
        return [a.headline for a in api.story_list(q="lighthouse", limit=2).stories]

    _stories(0, 12)
    connection.ensure_connection()
    first = page()
    near = _steps(page)
    _stories(12, OLDER)
    assert page() == first == ["Lighthouse notes 0", "Lighthouse notes 1"]
    _flat(near, _steps(page))


@pytest.mark.parametrize("sort", [Sort.BEST, Sort.NEWEST])
def test_the_pages_snippets_are_read_by_story_id(sort):
    """The snippets' read takes each page story from the FTS index by its id: with the
    query's values bound as parameters, SQLite scanned every match of the word and looked
    each up in the page (a million reads for a page of 20 at a million stories: 82 ms of
    SQL for the search page sorted newest)."""
    _stories(0, 3)
    statements = []

    def keep(execute, sql, params, many, context):
        if "snippet(" in sql and not sql.startswith("EXPLAIN"):
            statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        search_stories("lighthouse", sort=sort)
    sql, params = statements[0]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = cursor.fetchall()
    # The outer query's own steps (parent 0): `top` scanned, the FTS index probed by rowid.
    outer = [d for _, parent, _, d in plan if parent == 0 and not d.startswith("MATERIALIZE")]
    assert outer[:2] == ["SCAN top", "SCAN search_fts VIRTUAL TABLE INDEX 0:=M4"], outer
