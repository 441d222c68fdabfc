"""Sitemaps and the Google News sitemap, validated against the sitemaps.org 0.9 and Google
News 0.9 XML schemas (tests/schemas/), within the protocol's limits."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lxml import etree

from dateline.core import clock
from dateline.news import archive
from dateline.news.models import Article
from dateline.news.models import archive as archive_model
from dateline.news.tests import factories
from dateline.syndication import sitemaps
from dateline.syndication.tests.world import NOW, PUBLISHED, UPDATED

SCHEMAS = Path(__file__).parent / "schemas"
NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


def _schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name)))


URLSET = _schema("sitemap-with-news.xsd")
INDEX = _schema("siteindex.xsd")


def _valid(client, url: str, schema: etree.XMLSchema = URLSET):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    doc = etree.fromstring(response.content)
    assert schema.validate(doc), (url, schema.error_log)
    return doc


def _path(loc: str) -> str:
    parts = urlsplit(loc)
    assert f"{parts.scheme}://{parts.netloc}" == "http://127.0.0.1:8000", loc
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_the_schemas_really_validate():
    """A wrong lastmod, an unknown element or a news:news without a publication date is
    refused: the strict xsd:any checks the news elements against their own schema."""
    base = (
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url>'
        "<loc>http://example.com/a</loc>{}</url></urlset>"
    )
    good = (
        "<lastmod>2026-07-01T00:30:00+01:00</lastmod><news:news><news:publication>"
        "<news:name>X</news:name><news:language>en</news:language></news:publication>"
        "<news:publication_date>2026-07-01T00:30:00+01:00</news:publication_date>"
        "<news:title>T</news:title></news:news>"
    )
    assert URLSET.validate(etree.fromstring(base.format(good)))
    for bad in (
        "<lastmod>1 July 2026</lastmod>",
        good.replace("<news:language>en</news:language>", "<news:language>en-GB</news:language>"),
        good.replace(
            "<news:publication_date>2026-07-01T00:30:00+01:00</news:publication_date>", ""
        ),
        good.replace("news:title", "news:headline"),
        "<other xmlns='urn:x'/>",
    ):
        assert not URLSET.validate(etree.fromstring(base.format(bad))), bad


@pytest.mark.django_db
def test_index_and_every_sitemap_validate(client, world):
    from dateline.pages.tests.factories import page

    page(title="About us", slug="about")
    index = _valid(client, "/sitemap.xml", INDEX)
    locations = [_path(x.text) for x in index.iterfind("s:sitemap/s:loc", NS)]
    assert locations == [
        "/sitemaps/articles.xml",
        "/sitemaps/sections.xml",
        "/sitemaps/topics.xml",
        "/sitemaps/authors.xml",
        "/sitemaps/news.xml",
        "/sitemaps/pages.xml",
    ]
    found = {}
    for location in locations:
        doc = _valid(client, location)
        found[location] = [_path(x.text) for x in doc.iterfind("s:url/s:loc", NS)]
    assert world.story.get_absolute_url() in found["/sitemaps/articles.xml"]
    assert found["/sitemaps/sections.xml"] == ["/section/harbour/"]
    assert "/topic/place/eastquay/" in found["/sitemaps/topics.xml"]
    assert "/author/maya-okafor/" in found["/sitemaps/authors.xml"]
    assert found["/sitemaps/pages.xml"] == ["/about/"]
    for lastmod in index.iterfind("s:sitemap/s:lastmod", NS):
        assert dt.datetime.fromisoformat(lastmod.text).utcoffset() == dt.timedelta(hours=1)


@pytest.mark.django_db
def test_lastmod_has_the_offset_and_moves_only_with_substantive_changes(client, world):
    def lastmod():
        doc = _valid(client, "/sitemaps/articles.xml")
        for url in doc.iterfind("s:url", NS):
            if url.findtext("s:loc", namespaces=NS).endswith(world.story.get_absolute_url()):
                return url.findtext("s:lastmod", namespaces=NS)

    assert lastmod() == "2026-07-01T09:15:42+01:00"
    story = Article.objects.get(pk=world.story.pk)
    story.body += "<p>Corrected a misspelt street name.</p>"
    factories.correct(story, kind="typo")
    assert lastmod() == "2026-07-01T09:15:42+01:00"
    factories.correct(story, kind="update", note="Council meeting moved.")
    assert lastmod() == NOW.isoformat()


@pytest.mark.django_db
def test_news_sitemap_holds_the_last_two_days_with_the_publication_settings(client, world, frozen):
    old = factories.article(
        headline="Two days and a minute ago",
        section_obj=world.section,
        published_at=NOW - dt.timedelta(days=2, minutes=1),
    )
    recent = factories.article(
        headline="Two days less a minute ago",
        section_obj=world.section,
        published_at=NOW - dt.timedelta(days=2) + dt.timedelta(minutes=1),
    )
    later = factories.article(
        headline="Scheduled for tonight",
        section_obj=world.section,
        published_at=NOW + dt.timedelta(hours=8),
    )
    doc = _valid(client, "/sitemaps/news.xml")
    entries = {
        _path(url.findtext("s:loc", namespaces=NS)): url.find("news:news", NS)
        for url in doc.iterfind("s:url", NS)
    }
    assert recent.get_absolute_url() in entries and world.story.get_absolute_url() in entries
    assert old.get_absolute_url() not in entries and later.get_absolute_url() not in entries
    news = entries[world.story.get_absolute_url()]
    assert news.findtext("news:publication/news:name", namespaces=NS) == "The Harbour Courier"
    assert news.findtext("news:publication/news:language", namespaces=NS) == "en"  # en-GB
    assert news.findtext("news:publication_date", namespaces=NS) == "2026-07-01T00:30:00+01:00"
    assert news.findtext("news:title", namespaces=NS) == world.story.headline
    # Two days on, the story has left the news sitemap (it stays in the articles sitemap).
    frozen.move_to(PUBLISHED + dt.timedelta(days=2, seconds=1))
    doc = _valid(client, "/sitemaps/news.xml")
    paths = [_path(x.text) for x in doc.iterfind("s:url/s:loc", NS)]
    assert world.story.get_absolute_url() not in paths and later.get_absolute_url() in paths


@pytest.mark.django_db
def test_sitemaps_paginate_within_their_limits(client, world, monkeypatch):
    for n in range(5):
        factories.article(
            headline=f"Filler {n}",
            section_obj=world.section,
            published_at=NOW - dt.timedelta(hours=n + 1),
        )
    # Blocks of 3 story ids: one file per block with a visible story.
    monkeypatch.setattr(archive_model, "BLOCK_SIZE", 3)
    archive.refresh(None, now=clock.now())
    monkeypatch.setattr(sitemaps.NewsSitemap, "limit", 4)
    index = _valid(client, "/sitemap.xml", INDEX)
    locations = [_path(x.text) for x in index.iterfind("s:sitemap/s:loc", NS)]
    visible = list(Article.objects.published().values_list("pk", flat=True))
    blocks = sorted({archive_model.block_of(pk) for pk in visible})
    files = [x for x in locations if x.startswith("/sitemaps/articles.xml")]
    assert files == ["/sitemaps/articles.xml" + (f"?p={b + 1}" if b else "") for b in blocks]
    seen = []
    for location in files:
        urls = [_path(x.text) for x in _valid(client, location).iterfind("s:url/s:loc", NS)]
        assert len(urls) <= 3
        seen += urls
    assert len(seen) == len(set(seen)) == len(visible)
    assert len(_valid(client, "/sitemaps/news.xml").findall("s:url", NS)) == 4
    assert len(_valid(client, "/sitemaps/news.xml?p=2").findall("s:url", NS)) == 2
    assert client.get(f"/sitemaps/articles.xml?p={blocks[-1] + 2}").status_code == 404
    assert client.get("/sitemaps/articles.xml?p=0").status_code == 404
    assert client.get("/sitemaps/articles.xml?p=x").status_code == 404
    assert client.get("/sitemaps/nothing.xml").status_code == 404


def test_limits_are_the_protocols():
    assert sitemaps.NEWS_PER_SITEMAP == 1000
    assert sitemaps.ARTICLES_PER_SITEMAP <= 50_000


@pytest.mark.django_db
def test_the_longest_possible_entry_keeps_a_full_articles_sitemap_under_50_mb(client, world):
    # A slug as long as the field allows, of characters that take 4 bytes in UTF-8
    # (12 characters each once percent-encoded).
    story = factories.article(headline="Longest address")
    Article.objects.filter(pk=story.pk).update(slug="\U00020000" * 200)
    body = client.get("/sitemaps/articles.xml").content
    doc = etree.fromstring(body)
    longest = max(len(etree.tostring(url)) for url in doc.iterfind("s:url", NS))
    assert longest > 2400
    assert longest * sitemaps.ARTICLES_PER_SITEMAP + 1000 < sitemaps.MAX_SITEMAP_BYTES


@pytest.mark.django_db
def test_robots_txt_names_the_sitemaps(client, world):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in lines
    assert "Sitemap: http://127.0.0.1:8000/sitemaps/news.xml" in lines
    assert "Disallow: /newsroom/" in lines and "Disallow: /admin/" in lines


@pytest.mark.django_db
def test_sitemaps_answer_conditional_gets(client, world):
    response = client.get("/sitemaps/articles.xml")
    assert response["Last-Modified"] == "Wed, 01 Jul 2026 08:15:42 GMT"
    assert dt.datetime(2026, 7, 1, 8, 15, 42, tzinfo=dt.UTC) == UPDATED
    etag = response["ETag"]
    assert client.get("/sitemaps/articles.xml", HTTP_IF_NONE_MATCH=etag).status_code == 304
    since = response["Last-Modified"]
    assert client.get("/sitemap.xml", HTTP_IF_MODIFIED_SINCE=since).status_code == 304
