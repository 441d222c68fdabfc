"""Constant work per output: the query count of every feed, sitemap and ninjs document is
pinned, and the same with 5 or 60 stories in the database (feeds show 20, so 60 stories
fill a feed three times over)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dateline.news import body as body_format
from dateline.news import services
from dateline.news.models import Article, Publication, archive
from dateline.news.tests import factories
from dateline.pagecache import memo
from dateline.pictures.models import Picture

# Every output first reads the memoised site context: publication settings, navigation
# sections and the next scheduled time (3 queries cold, none warm).
SITE_COLD = 3
# Feeds read one more memo cold: which stories are covered live (dateline.live); a feed with
# live stories in it reads their newest entries in one more query, however many there are.
FEEDS_COLD = SITE_COLD + 1
LIVE_ENTRIES = 1
FEEDS = {
    # stories, their authors, tags and topics (prefetched), pictures, linked stories
    "/feeds/rss.xml": 6,
    "/feeds/atom.xml": 6,
    # + the subject (a section outside navigation, a tag, topic or author)
    "{section}rss.xml": 6,  # navigation sections are memoised
    "{tag}atom.xml": 7,
    "{topic}rss.xml": 7,
    "{author}atom.xml": 7,
}
SITEMAPS = {
    # the archive blocks' lastmods, latest change of sections, topics, authors, news, pages
    "/sitemap.xml": 6,
    # the block's stories by id (no COUNT since files are archive blocks: one fewer)
    "/sitemaps/articles.xml": 1,
    "/sitemaps/sections.xml": 2,
    "/sitemaps/topics.xml": 2,
    "/sitemaps/authors.xml": 2,
    "/sitemaps/news.xml": 2,
    # the published pages (a list: no COUNT)
    "/sitemaps/pages.xml": 1,
}
# the story with its section, authors, tags and topics, its pictures, its linked stories
NINJS = 6
ROBOTS = 0


def _site(n: int):
    sections = [factories.section(f"Desk {i}") for i in range(3)]
    picture = Picture.objects.create(
        file="pictures/x.jpg", width=1600, height=1000, caption="c", credit="k"
    )
    author = services.author_get_or_create(name="Ana Ruiz")
    tag = services.tag_get_or_create(name="Weather")
    topic = services.topic_get_or_create(kind="place", name="Eastquay")
    stories = []
    for i in range(n):
        story = factories.article(section_obj=sections[i % 3], lead_picture=picture)
        story.body = (
            "<p>Intro.</p>"
            + body_format.picture_placeholder(picture.pk)
            + (body_format.also_read_placeholder(stories[0].pk) if stories else "")
        )
        factories.save(story, authors=[author], tags=[tag], topics=[topic])
        stories.append(story)
    return {
        "section": sections[0].get_absolute_url(),
        "tag": tag.get_absolute_url(),
        "topic": topic.get_absolute_url(),
        "author": author.get_absolute_url(),
        "story": stories[-1],
    }


def _count(client, url: str, *, cold: bool) -> int:
    # The site's settings row, which a data migration makes, is there as on any site: a
    # transactional test that ran before this one in the same process emptied every table.
    Publication.load()
    if cold:
        memo.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize("n", [5, 60])
def test_feed_query_counts_are_constant(client, n):
    urls = _site(n)
    for pattern, warm in FEEDS.items():
        url = pattern.format(**urls)
        assert _count(client, url, cold=True) == warm + FEEDS_COLD, url
        assert _count(client, url, cold=False) == warm, url
    from dateline.live.tests.factories import go_live, post

    for story in Article.objects.order_by("-published_at")[:3]:
        go_live(story)
        for text in ("One.", "Two."):
            post(story, text)
    warm = FEEDS["/feeds/rss.xml"] + LIVE_ENTRIES
    assert _count(client, "/feeds/rss.xml", cold=True) == warm + FEEDS_COLD
    assert _count(client, "/feeds/rss.xml", cold=False) == warm


@pytest.mark.django_db
@pytest.mark.parametrize("n", [5, 60])
def test_sitemap_query_counts_are_constant(client, n, monkeypatch):
    # Blocks of 10: with 60 stories the articles sitemap has six files or seven (ids need
    # not start at a block's first), each read the same way.
    monkeypatch.setattr(archive, "BLOCK_SIZE", 10)
    _site(n)
    first = archive.block_of(Article.objects.order_by("pk").first().pk) + 1
    for url, warm in SITEMAPS.items():
        url = url.replace("articles.xml", f"articles.xml?p={first}")
        assert _count(client, url, cold=True) == warm + SITE_COLD, url
        assert _count(client, url, cold=False) == warm, url
    if n > 10:
        last = archive.block_of(Article.objects.order_by("-pk").first().pk) + 1
        assert _count(client, f"/sitemaps/articles.xml?p={last}", cold=False) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("n", [5, 60])
def test_ninjs_and_robots_query_counts_are_constant(client, n):
    urls = _site(n)
    url = f"/story/{urls['story'].slug}.ninjs.json"
    assert _count(client, url, cold=True) == NINJS + SITE_COLD
    assert _count(client, url, cold=False) == NINJS
    assert _count(client, "/robots.txt", cold=True) == ROBOTS
