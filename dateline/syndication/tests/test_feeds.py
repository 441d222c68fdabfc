"""RSS and Atom, read by feedparser (the parser behind most feed readers and aggregators)."""

from __future__ import annotations

import datetime as dt
import email.utils

import feedparser
import pytest

from dateline.news.tests import factories
from dateline.syndication.identity import story_uri
from dateline.syndication.tests.world import PUBLISHED, UPDATED


def _feed_urls(w) -> list[str]:
    story = w.story
    topic = story.topics.get(kind="place")
    tag = story.tags.get()
    author = story.authors.order_by("name").first()
    bases = [
        "/feeds/",
        w.section.get_absolute_url(),
        tag.get_absolute_url(),
        topic.get_absolute_url(),
        author.get_absolute_url(),
    ]
    return [base + name for base in bases for name in ("rss.xml", "atom.xml")]


def _parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, (url, parsed.get("bozo_exception"))
    return response, parsed


def _entry(parsed, w):
    [entry] = [e for e in parsed.entries if e.id == story_uri(w.story)]
    return entry


@pytest.mark.django_db
def test_every_feed_parses_cleanly_and_carries_the_story(client, world):
    for url in _feed_urls(world):
        response, parsed = _parse(client, url)
        assert parsed.version == ("rss20" if url.endswith("rss.xml") else "atom10"), url
        entry = _entry(parsed, world)
        assert entry.title == world.story.headline
        assert entry.link == "http://127.0.0.1:8000" + world.story.get_absolute_url()
        self_links = [x.href for x in parsed.feed.links if x.rel == "self"]
        assert self_links == [f"http://127.0.0.1:8000{url}"], url


@pytest.mark.django_db
def test_entries_carry_guid_dates_content_picture_and_authors(client, world, settings):
    for url in ("/feeds/rss.xml", "/feeds/atom.xml"):
        _, parsed = _parse(client, url)
        entry = _entry(parsed, world)
        assert entry.id == story_uri(world.story)
        if url.endswith("rss.xml"):
            assert entry.guidislink is False
        # The instant, to the second, with the summer offset.
        assert dt.datetime(*entry.published_parsed[:6], tzinfo=dt.UTC) == PUBLISHED
        content = entry.content[0].value
        assert "Water in the streets" in content and "council will meet" in content
        assert 'href="http://127.0.0.1:8000/section/harbour/"' in content  # made absolute
        assert f'href="http://127.0.0.1:8000{world.linked.get_absolute_url()}"' in content
        assert "Pic credits Courier Photo Desk" in content
        assert f"http://127.0.0.1:8000/media/r/{world.inline.pk}/" in content
        assert f"http://127.0.0.1:8000/media/r/{world.lead.pk}/" in content  # lead on top
        [media] = entry.media_content
        assert media["url"].startswith(f"http://127.0.0.1:8000/media/r/{world.lead.pk}/")
        assert (media["width"], media["height"], media["medium"]) == ("1280", "896", "image")
        assert entry.media_credit[0]["content"] == "ANI"
        assert sorted(a["name"] for a in entry.authors) == ["Maya Okafor", "Tom Reyes"]
        terms = {t["term"] for t in entry.tags}
        assert {"Harbour", "Eastquay", "Kelbridge City Council", "Storms"} <= terms
        assert entry.summary.startswith("Residents of Eastquay woke to water")


@pytest.mark.django_db
def test_dates_carry_the_publication_offset(client, world):
    rss = client.get("/feeds/rss.xml").content.decode()
    assert "<pubDate>Wed, 01 Jul 2026 00:30:00 +0100</pubDate>" in rss
    atom = client.get("/feeds/atom.xml").content.decode()
    assert "<published>2026-07-01T00:30:00+01:00</published>" in atom
    assert "<updated>2026-07-01T09:15:42+01:00</updated>" in atom
    _, parsed = _parse(client, "/feeds/atom.xml")
    updated = dt.datetime(*_entry(parsed, world).updated_parsed[:6], tzinfo=dt.UTC)
    assert updated == UPDATED


@pytest.mark.django_db
def test_guid_never_changes_on_edit(client, world):
    before = _entry(_parse(client, "/feeds/rss.xml")[1], world).id
    world.story.headline = "Harbour wall collapses in the night storm"
    world.story.slug = "harbour-wall-collapses"
    factories.save(world.story)
    after = _entry(_parse(client, "/feeds/rss.xml")[1], world)
    assert after.id == before and after.title == "Harbour wall collapses in the night storm"


@pytest.mark.django_db
def test_conditional_get_answers_304_to_etag_and_last_modified(client, world):
    response = client.get("/feeds/rss.xml")
    etag, last_modified = response["ETag"], response["Last-Modified"]
    assert client.get("/feeds/rss.xml", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get("/feeds/rss.xml", HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    earlier = email.utils.format_datetime(
        email.utils.parsedate_to_datetime(last_modified) - dt.timedelta(seconds=1), usegmt=True
    )
    assert client.get("/feeds/rss.xml", HTTP_IF_MODIFIED_SINCE=earlier).status_code == 200


@pytest.mark.django_db
def test_feed_of_an_unknown_subject_is_404_and_feeds_refuse_writes(client, world):
    assert client.get("/section/nowhere/rss.xml").status_code == 404
    assert client.get("/topic/person/nobody/atom.xml").status_code == 404
    assert client.post("/feeds/rss.xml").status_code == 405
    assert client.head("/feeds/atom.xml").status_code == 200


@pytest.mark.django_db
def test_every_page_links_its_feeds(client, world):
    from lxml import html

    pages = {
        "/": ["/feeds/rss.xml", "/feeds/atom.xml"],
        world.story.get_absolute_url(): ["/feeds/rss.xml", "/section/harbour/rss.xml"],
        world.section.get_absolute_url(): ["/feeds/atom.xml", "/section/harbour/atom.xml"],
        "/corrections/": ["/feeds/rss.xml"],
        "/no-such-page/": ["/feeds/rss.xml"],
    }
    for url, expected in pages.items():
        doc = html.fromstring(client.get(url).content)
        links = [x.get("href") for x in doc.cssselect('link[rel="alternate"]')]
        for feed in expected:
            assert f"http://127.0.0.1:8000{feed}" in links, (url, feed)
        for href in links:
            if href.endswith(".xml"):
                assert client.get(href.removeprefix("http://127.0.0.1:8000")).status_code == 200


# Through the page cache, as readers and feed readers reach the site.
from dateline.pagecache.tests.test_page_cache import (  # noqa: E402
    Counting,
    _keep_the_test_connection,  # noqa: F401 - an autouse fixture
    commit,
    get,
)
from dateline.pagecache.wsgi import PageCacheApp  # noqa: E402


@pytest.mark.django_db
def test_scheduled_story_enters_every_feed_and_sitemap_on_the_second(world, frozen):
    from dateline.news.tests import factories

    cached = PageCacheApp(Counting())
    at = (world_now() + dt.timedelta(hours=1)).replace(microsecond=0)
    scheduled = factories.article(
        headline="Bridge opens at nine", section_obj=world.section, published_at=at
    )
    commit()
    urls = [
        "/feeds/rss.xml",
        "/feeds/atom.xml",
        "/section/harbour/rss.xml",
        "/sitemaps/articles.xml",
        "/sitemaps/news.xml",
    ]
    frozen.move_to(at - dt.timedelta(seconds=1))
    for url in urls:
        status, _, body = get(cached, url)
        assert status.startswith("200") and scheduled.slug not in body, url
        _, headers, body = get(cached, url)
        assert headers["X-Cache"] == "hit" and scheduled.slug not in body, url
    assert get(cached, f"/story/{scheduled.slug}.ninjs.json")[0].startswith("404")
    index = get(cached, "/sitemap.xml")[2]
    assert "<lastmod>2026-07-01T13:00:00+01:00</lastmod>" not in index
    frozen.move_to(at)
    for url in urls:
        assert scheduled.slug in get(cached, url)[2], url
    index = get(cached, "/sitemap.xml")[2]
    assert "articles.xml</loc><lastmod>2026-07-01T13:00:00+01:00</lastmod>" in index
    assert get(cached, f"/story/{scheduled.slug}.ninjs.json")[0].startswith("200")


def world_now():
    from dateline.core import clock

    return clock.now()


@pytest.mark.django_db
def test_cached_feed_answers_conditional_gets_with_one_last_modified(world, frozen):
    commit()
    cached = PageCacheApp(Counting())
    get(cached, "/feeds/rss.xml")
    status, headers, _ = get(cached, "/feeds/rss.xml")
    assert headers["X-Cache"] == "hit"
    assert headers["Last-Modified"] == "Wed, 01 Jul 2026 11:00:00 GMT"  # the last save, once
    status, _, body = get(cached, "/feeds/rss.xml", HTTP_IF_NONE_MATCH=headers["ETag"])
    assert status.startswith("304") and body == ""
    since = headers["Last-Modified"]
    status, _, _ = get(cached, "/feeds/rss.xml", HTTP_IF_MODIFIED_SINCE=since)
    assert status.startswith("304")
    older = "Mon, 01 Jun 2026 00:00:00 GMT"
    status, _, _ = get(cached, "/feeds/rss.xml", HTTP_IF_MODIFIED_SINCE=older)
    assert status.startswith("200")
