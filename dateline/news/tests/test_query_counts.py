"""Constant work per page: the query count of each public page is pinned, and the same
with 5 or 60 stories in the database."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dateline.mostread.models import RankedStory
from dateline.news import body as body_format
from dateline.news.models import Article, Publication
from dateline.news.selectors import Cursor
from dateline.news.tests import factories
from dateline.pagecache import memo
from dateline.pictures.models import Picture

# Cold: nothing memoised in the process (settings, navigation, next scheduled time, the
# footer menu of static pages: dateline.pages, read by the shell's footer). The
# section's newest stories are two memos (which stories; their teasers), so that an edit to
# one story reloads only the teasers (news.selectors.section_newest). Which stories are
# covered live is one more memo (dateline.live: a story that is not costs nothing warm).
# The same memo says which of them are live now, for the "Live" on their teasers: one more
# query cold on every page of teasers (front, listings), none warm.
# Most read is two memos too (which stories, as last refreshed; their links): two queries
# cold, none warm.
ARTICLE_QUERIES_COLD = 15
ARTICLE_QUERIES_WARM = 5
FRONT_QUERIES_COLD = 11  # + one per navigation section with stories (3 here)
# Warm, the front page's lists are memos too (each until its own list or one of its
# teasers changes): a render after a change to one story reads that story's lists alone.
FRONT_QUERIES_WARM = 0
# The first page of a listing: its stories (no COUNT since listings page by cursor, one
# query fewer than before); a deeper page also reads where the page before it starts.
SECTION_QUERIES_COLD = 6
SECTION_DEEP_QUERIES_COLD = 7


def _count(client, url: str, *, cold: bool = True) -> int:
    # The site's settings row, which a data migration makes, is there as on any site: a
    # transactional test that ran before this one in the same process emptied every table.
    Publication.load()
    if cold:
        memo.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    assert b'class="most-read"' in response.content or "/section/" in url, url
    return len(ctx.captured_queries)


def _site(n: int):
    sections = [factories.section(f"Desk {i}") for i in range(3)]
    picture = Picture.objects.create(
        file="pictures/x.jpg", width=10, height=10, caption="c", credit="k"
    )
    stories = [
        factories.article(section_obj=sections[i % 3], lead_picture=picture) for i in range(n)
    ]
    target = stories[n // 2]
    target.body = (
        "<p>Intro.</p>"
        + body_format.picture_placeholder(picture.pk)
        + body_format.also_read_placeholder(stories[0].pk)
    )
    factories.save(target)
    factories.curate("dont-miss", [stories[1], stories[2]])
    at = timezone.now()
    RankedStory.objects.bulk_create(
        RankedStory(position=i, article=a, reads=10 - i, refreshed_at=at)
        for i, a in enumerate(stories[3:5], start=1)
    )
    return target, sections


@pytest.mark.django_db
@pytest.mark.parametrize("n", [5, 60])
def test_article_page_query_count_is_constant(client, n):
    target, _ = _site(n)
    url = target.get_absolute_url()
    assert _count(client, url) == ARTICLE_QUERIES_COLD
    assert _count(client, url, cold=False) == ARTICLE_QUERIES_WARM


@pytest.mark.django_db
@pytest.mark.parametrize("n", [5, 60])
def test_front_page_query_count_is_constant(client, n):
    _site(n)
    assert _count(client, "/") == FRONT_QUERIES_COLD + 3
    assert _count(client, "/", cold=False) == FRONT_QUERIES_WARM


@pytest.mark.django_db
@pytest.mark.parametrize("n", [5, 60])
def test_section_page_query_count_is_constant(client, n):
    _, sections = _site(n)
    assert _count(client, sections[0].get_absolute_url()) == SECTION_QUERIES_COLD
    if n > 40:
        fifth = Article.objects.filter(section=sections[0]).order_by("-published_at", "-pk")[4]
        older = Cursor.of(fifth).token
        url = f"{sections[0].get_absolute_url()}?older={older}"
        assert _count(client, url) == SECTION_DEEP_QUERIES_COLD
