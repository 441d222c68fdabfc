"""The API's listing of one label reads that label's link rows from its cursor and stops
after a page, on SQLite and PostgreSQL (news/labelled.py). Joined to the stories and
sorted, a tag's listing at a million stories read every one of its 50,000 links."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dateline.api import cursor as cursors
from dateline.api import selectors
from dateline.core import clock
from dateline.news.models import Article
from dateline.news.tests import factories


def _plan(sql: str) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Small tables are read whole by preference; with that off, the plan says
            # whether an index can serve the query at all.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}")
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return "\n".join(" ".join(str(c) for c in row) for row in cursor.fetchall())


@pytest.mark.django_db
def test_a_deep_page_of_one_tag_walks_the_tag_links_index_from_its_cursor():
    tag = factories.services.tag_get_or_create(name="Ferries")
    story = factories.article()
    factories.save(story, tags=[tag])
    cursor = cursors.encode(clock.now() - dt.timedelta(days=30), 10**6)
    with CaptureQueriesContext(connection) as ctx:
        selectors.story_list(tag=tag.slug, cursor=cursor)
    [listing] = [q["sql"] for q in ctx.captured_queries if "news_article_tags" in q["sql"]]
    plan = _plan(listing)
    if connection.vendor == "postgresql":
        # The cursor is the link index's own condition: the walk starts there.
        assert re.search(
            r"news_article_tags_visible.*\n.*Index Cond: .*ROW\(published_at, article_id\) <",
            plan,
        ), plan
        assert "Seq Scan on news_article " not in plan, plan
    else:
        assert re.search(r"news_article_tags_visible \(tag_id=\? AND [^)]*published_at", plan), plan
        assert "SCAN news_article " not in plan and "SCAN news_article_tags" not in plan, plan


@pytest.mark.django_db
def test_one_tags_listing_pages_through_every_story_once_newest_first():
    tag = factories.services.tag_get_or_create(name="Ferries")
    now = clock.now()
    stories = []
    for n in range(7):
        story = factories.article(published_at=now - dt.timedelta(minutes=n // 2))
        factories.save(story, tags=[tag])
        stories.append(story)
    factories.save(factories.article(), tags=[])  # not the tag's
    seen, cursor = [], None
    while True:
        page = selectors.story_list(tag=tag.slug, cursor=cursor, limit=3)
        seen += [a.pk for a in page.stories]
        if not (cursor := page.next_cursor):
            break
    expected = list(
        Article.objects.filter(pk__in=[s.pk for s in stories])
        .order_by("-published_at", "-pk")
        .values_list("pk", flat=True)
    )
    assert seen == expected


@pytest.mark.engine("postgresql")
@pytest.mark.django_db
def test_the_apis_search_reads_its_matches_window_by_window_under_one_limit():
    # Given every match (`pk IN (matches)`), PostgreSQL chose between the word's GIN index
    # and walking all stories newest first by its guess of how common the word is: a word
    # it took for common, held by one story of 500,011, walked them all (8.9 s). Read window
    # by window, newest first, neither plan reads more than the window it is in, and the
    # next window only while the page is short.
    factories.article(headline="The lighthouse keeper retires")
    with CaptureQueriesContext(connection) as ctx:
        selectors.story_list(q="lighthouse")
    [listing] = [q["sql"] for q in ctx.captured_queries if "search_searchdocument" in q["sql"]]
    plan = _plan(listing)
    documents = re.findall(r"on search_searchdocument d\w*", plan)
    assert len(documents) == 5, plan
    # The matches' ids once (an InitPlan, run before the stories are read), never the
    # windows run again for each story read (a join's inner side, or a SubPlan).
    assert re.search(r"InitPlan 1 .*\n\s*->  Limit .*\n\s*->  Append", plan), plan
    assert "SubPlan" not in plan and "Semi Join" not in plan, plan
