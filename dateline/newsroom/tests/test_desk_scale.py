"""The story list over a large archive: a page takes the same fixed number of queries at
1,000 stories as at 100,000 (pinned), and every query it makes is served by an index
(EXPLAIN, on PostgreSQL and SQLite). The archive is built in SQL (desk_archive.py, which
bench/desk_list.py uses too): copies of one story, with their workflow and author rows."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dateline.news.models import Article
from dateline.newsroom.roles import Role
from dateline.newsroom.tests.desk_archive import build as _archive
from dateline.newsroom.tests.factories import staff

pytestmark = pytest.mark.django_db

# Pages of the list: the first, a filtered one, a deeper one by its cursor, the views and a
# search. Each pinned below at the same count for every archive size.
PAGES = {
    "first": "/newsroom/",
    "filtered": "/newsroom/?state=live&section={section}&author={author}",
    "published": "/newsroom/?sort=published",
    "mine": "/newsroom/?mine=1",
    "needs me": "/newsroom/?view=needs-me",
    "today": "/newsroom/?view=today",
    "in review": "/newsroom/?state=in_review",
    "scheduled": "/newsroom/?state=scheduled",
    "dates": "/newsroom/?from=2020-01-01&to=2099-01-01",
    "search": "/newsroom/?q=harbour&section={section}",
}
# Session, user, roles; the publication (time zone); the list's page, its authors, who
# has them open; the section and author filter choices.
QUERIES = {name: 9 for name in PAGES}
# And the search index's hits first, and the rows' people after.
QUERIES["search"] = 11


def _queries(name: str) -> int:
    return QUERIES[name]


def _url(name: str, archive: dict) -> str:
    return PAGES[name].format(section=archive["sections"][1].pk, author=archive["authors"][1].pk)


@pytest.fixture
def editor(client):
    user = staff(Role.EDITOR, "edith")
    client.force_login(user)
    client.user = user
    return client


def _counted(editor, archive) -> None:
    """Each page pinned (CaptureQueriesContext, so a failure names the page), and the
    page after the first, by keyset. Each page is asked once first: what a process reads
    once and keeps (the search engine's language, on PostgreSQL) is not a page's cost."""
    for name in PAGES:
        editor.get(_url(name, archive))
    for name in PAGES:
        with CaptureQueriesContext(connection) as ctx:
            response = editor.get(_url(name, archive))
        assert response.status_code == 200, name
        assert re.search(r"/newsroom/story/\d+/", response.content.decode()), f"{name}: empty"
        assert len(ctx.captured_queries) == _queries(name), (name, len(ctx.captured_queries))
    first = editor.get("/newsroom/").content.decode()
    assert first.count("<tr>") == 51  # the header and 50 stories
    older = re.search(r'href="\?([^"]*older=[^"]*)"', first).group(1).replace("&amp;", "&")
    with CaptureQueriesContext(connection) as ctx:
        second = editor.get(f"/newsroom/?{older}").content.decode()
    assert len(ctx.captured_queries) == QUERIES["first"]
    assert second.count("<tr>") == 51
    assert set(re.findall(r"/newsroom/story/(\d+)/", first)).isdisjoint(
        re.findall(r"/newsroom/story/(\d+)/", second)
    )


def test_each_page_takes_a_fixed_number_of_queries_at_1000_stories(editor):
    _counted(editor, _archive(1_000, editor.user))


def test_the_filtered_page_shows_only_what_the_filters_ask(editor):
    archive = _archive(1_000, editor.user)
    page = editor.get(_url("filtered", archive)).content.decode()
    ids = [int(i) for i in re.findall(r"/newsroom/story/(\d+)/", page)]
    assert len(ids) == 50
    stories = Article.objects.filter(pk__in=ids)
    section = archive["sections"][1]
    assert {a.section_id for a in stories} == {section.pk}
    assert all(a.is_visible for a in stories)
    assert all(archive["authors"][1] in a.authors.all() for a in stories)
    modified = [a.modified_at for a in sorted(stories, key=lambda a: ids.index(a.pk))]
    assert modified == sorted(modified, reverse=True)


BIG = ("news_article", "newsroom_workflow", "news_article_authors")
# The filters' choices are every section and every author: a list read whole by design
# (a desk's sections and bylines, not its stories).
CHOICES = re.compile(r'FROM "news_(section|author)" ORDER BY')


def _plan(sql: str, *, scans: bool = True) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # With scans off the planner shows whether an index can serve the query at all
            # (test_plans does the same); with them on, what it chooses at this size.
            cursor.execute(f"SET LOCAL enable_seqscan = {'on' if scans else 'off'}")
            cursor.execute(f"EXPLAIN {sql}")
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return "\n".join(" ".join(str(c) for c in row) for row in cursor.fetchall())


def _reads_whole(plan: str, table: str) -> bool:
    if connection.vendor == "postgresql":
        return f"Seq Scan on {table} " in plan + " "
    return any(re.search(rf"\bSCAN {table}\b(?! USING)", line) for line in plan.splitlines())


def test_at_100000_stories_the_same_queries_each_served_by_an_index(editor):
    """The same counts as at 1,000; and no query reads a large table whole (the planner's
    own choice at this size), and on PostgreSQL an index serves every query, small
    tables' too. One archive for both: it takes a while to build."""
    archive = _archive(100_000, editor.user)
    _counted(editor, archive)
    for name in PAGES:
        with CaptureQueriesContext(connection) as ctx:
            assert editor.get(_url(name, archive)).status_code == 200
        selects = [q["sql"] for q in ctx.captured_queries]
        assert len(selects) == _queries(name) and all(
            sql.lstrip().upper().startswith(("SELECT", "WITH")) for sql in selects
        ), selects
        for sql in selects:
            plan = _plan(sql)
            for table in BIG:
                assert not _reads_whole(plan, table), f"{name}: {table}\n{sql}\n{plan}"
            if connection.vendor == "postgresql" and not CHOICES.search(sql):
                plan = _plan(sql, scans=False)
                assert "Seq Scan" not in plan, f"{name}\n{sql}\n{plan}"
