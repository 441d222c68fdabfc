"""JSON-LD and social cards on the pages, read by extruct (the extractor behind many SEO
validators) as a search engine or a social network reads them."""

from __future__ import annotations

import datetime as dt
import email.utils
import json

import extruct
import feedparser
import lxml.html
import pytest
from lxml import etree

from dateline.news.models import Article
from dateline.news.tests import factories
from dateline.syndication.tests.world import build

SITE = "http://127.0.0.1:8000"


def _extract(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200
    return extruct.extract(
        response.content.decode(), base_url=SITE + url, syntaxes=["json-ld", "opengraph"]
    )


def _opengraph(data: dict) -> dict[str, list[str]]:
    [og] = data["opengraph"]
    found: dict[str, list[str]] = {}
    for name, value in og["properties"]:
        found.setdefault(name, []).append(value)
    return found


def _one(items: list[dict], kind: str) -> dict:
    [found] = [x for x in items if x.get("@type") == kind]
    return found


@pytest.mark.django_db
def test_article_page_has_a_complete_news_article(client, world):
    story = world.story
    data = _extract(client, story.get_absolute_url())
    article = _one(data["json-ld"], "NewsArticle")
    url = SITE + story.get_absolute_url()
    assert article["headline"] == story.headline
    assert article["description"] == story.standfirst
    assert article["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert article["datePublished"] == "2026-07-01T00:30:00+01:00"
    assert article["dateModified"] == "2026-07-01T09:15:42+01:00"
    assert article["articleSection"] == "Harbour"
    assert article["keywords"] == "Eastquay, Kelbridge City Council, Sunita Vale"
    assert article["author"] == [
        {"@type": "Person", "name": "Maya Okafor", "url": f"{SITE}/author/maya-okafor/"},
        {"@type": "Person", "name": "Tom Reyes", "url": f"{SITE}/author/tom-reyes/"},
    ]
    publisher = article["publisher"]
    assert publisher["@type"] == "Organization" and publisher["name"] == "The Harbour Courier"
    assert publisher["logo"]["url"].startswith(f"{SITE}/media/publication/logo")
    ratios = set()
    for image in article["image"]:
        assert image["url"].startswith(f"{SITE}/media/r/{world.lead.pk}/")
        assert image["width"] >= 1200 and image["creditText"] == "ANI"
        ratios.add(round(image["width"] / image["height"], 2))
    assert ratios == {round(16 / 9, 2), round(4 / 3, 2), 1.0}
    crumbs = _one(data["json-ld"], "BreadcrumbList")["itemListElement"]
    assert [c["name"] for c in crumbs] == ["The Harbour Courier", "Harbour", story.headline]
    assert crumbs[-1]["item"] == url


@pytest.mark.django_db
def test_image_renditions_named_in_structured_data_exist_at_that_size(client, world):
    import io

    from PIL import Image

    article = _one(_extract(client, world.story.get_absolute_url())["json-ld"], "NewsArticle")
    for image in article["image"]:
        response = client.get(image["url"].removeprefix(SITE))
        assert response.status_code == 200
        with Image.open(io.BytesIO(b"".join(response.streaming_content))) as made:
            assert made.size == (image["width"], image["height"])


@pytest.mark.django_db
def test_front_page_has_website_and_organization(client, world):
    items = _extract(client, "/")["json-ld"]
    site = _one(items, "WebSite")
    assert site["url"] == f"{SITE}/" and site["name"] == "The Harbour Courier"
    organization = _one(items, "Organization")
    assert organization["logo"]["url"].startswith(f"{SITE}/media/publication/")


@pytest.mark.django_db
def test_social_cards_on_the_article_page(client, world):
    story = world.story
    found = _opengraph(_extract(client, story.get_absolute_url()))
    tags = found.pop("article:tag")
    authors = found.pop("article:author")
    og = {name: value for name, [value] in found.items()}
    assert og["og:type"] == "article"
    assert og["og:title"] == story.headline
    assert og["og:description"] == story.standfirst
    assert og["og:url"] == SITE + story.get_absolute_url()
    assert og["og:image"].startswith(f"{SITE}/media/r/{world.lead.pk}/")
    assert (og["og:image:width"], og["og:image:height"]) == ("1280", "720")
    assert og["article:published_time"] == "2026-07-01T00:30:00+01:00"
    assert og["article:modified_time"] == "2026-07-01T09:15:42+01:00"
    assert og["article:section"] == "Harbour"
    assert og["og:locale"] == "en_GB"
    assert tags == ["Eastquay", "Kelbridge City Council", "Sunita Vale", "Storms"]
    assert authors == [f"{SITE}/author/maya-okafor/", f"{SITE}/author/tom-reyes/"]
    page = lxml.html.fromstring(client.get(story.get_absolute_url()).content)
    twitter = {m.get("name"): m.get("content") for m in page.cssselect('meta[name^="twitter:"]')}
    assert twitter["twitter:card"] == "summary_large_image"
    assert twitter["twitter:image"] == og["og:image"]
    assert page.cssselect('meta[name="description"]')[0].get("content") == story.standfirst
    assert page.cssselect('link[rel="canonical"]')[0].get("href") == SITE + story.get_absolute_url()


@pytest.mark.django_db
def test_every_output_states_the_same_instants(client, world):
    """00:30 on a summer night in London: the page shows 1 July, and every output gives
    the same instant with the +01:00 offset, to the second."""
    story = world.story
    page = lxml.html.fromstring(client.get(story.get_absolute_url()).content)
    shown = page.cssselect("time.published")[0]
    assert shown.text_content().strip() == "1 July 2026"
    published = {"page": shown.get("datetime")}
    modified = {"page": page.cssselect(".updated time")[0].get("datetime")}
    ld = _one(_extract(client, story.get_absolute_url())["json-ld"], "NewsArticle")
    published["json-ld"], modified["json-ld"] = ld["datePublished"], ld["dateModified"]
    og = {m.get("property"): m.get("content") for m in page.cssselect("meta[property]")}
    published["og"] = og["article:published_time"]
    modified["og"] = og["article:modified_time"]
    atom = feedparser.parse(client.get("/feeds/atom.xml").content)
    [entry] = [e for e in atom.entries if e.title == story.headline]
    published["atom"], modified["atom"] = entry.published, entry.updated
    rss = feedparser.parse(client.get("/feeds/rss.xml").content)
    [item] = [e for e in rss.entries if e.title == story.headline]
    published["rss"] = email.utils.parsedate_to_datetime(item.published).isoformat()
    news = etree.fromstring(client.get("/sitemaps/news.xml").content)
    ns = {"n": "http://www.google.com/schemas/sitemap-news/0.9"}
    published["news sitemap"] = news.findtext(".//n:publication_date", namespaces=ns)
    articles = etree.fromstring(client.get("/sitemaps/articles.xml").content)
    ns["s"] = "http://www.sitemaps.org/schemas/sitemap/0.9"
    modified["sitemap"] = [
        u.findtext("s:lastmod", namespaces=ns)
        for u in articles.iterfind("s:url", ns)
        if u.findtext("s:loc", namespaces=ns).endswith(story.get_absolute_url())
    ][0]
    ninjs = json.loads(client.get(f"/story/{story.slug}.ninjs.json").content)
    published["ninjs"], modified["ninjs"] = ninjs["firstcreated"], ninjs["versioncreated"]
    assert set(published.values()) == {"2026-07-01T00:30:00+01:00"}, published
    assert set(modified.values()) == {"2026-07-01T09:15:42+01:00"}, modified


@pytest.mark.django_db
def test_modified_is_never_before_published(client, frozen):
    w = build()
    # An imported item whose version time is older than its embargo.
    Article.objects.filter(pk=w.story.pk).update(
        updated_at=w.story.published_at - dt.timedelta(hours=2)
    )
    ld = _one(_extract(client, w.story.get_absolute_url())["json-ld"], "NewsArticle")
    assert ld["dateModified"] == ld["datePublished"] == "2026-07-01T00:30:00+01:00"


HOSTILE = 'Mayor says "no" </script><script>alert(1)</script> & <b>bold</b> \u2028 it\'s over'


@pytest.mark.django_db
def test_hostile_headline_keeps_the_json_ld_valid_and_the_page_intact(client, frozen):
    w = build(headline=HOSTILE)
    Article.objects.filter(pk=w.story.pk).update(standfirst=HOSTILE)
    response = client.get(w.story.get_absolute_url())
    html = response.content.decode()
    page = lxml.html.fromstring(html)
    # The two JSON-LD blocks, then the Most read beacon (no type: script, its fixed text).
    scripts = page.cssselect("script")
    assert [s.get("type") for s in scripts] == ["application/ld+json"] * 2 + [None]
    data = json.loads(scripts[0].text)
    assert data["headline"] == HOSTILE and data["description"] == HOSTILE
    assert "</script><script>" not in html
    assert page.cssselect("h1")[0].text_content() == HOSTILE
    og = {m.get("property"): m.get("content") for m in page.cssselect("meta[property]")}
    assert og["og:title"] == HOSTILE and og["og:description"] == HOSTILE
    ld = _one(extruct.extract(html, syntaxes=["json-ld"])["json-ld"], "NewsArticle")
    assert ld["headline"] == HOSTILE
    # The same headline leaves the site intact everywhere else.
    for url in ("/feeds/rss.xml", "/feeds/atom.xml", "/section/harbour/rss.xml"):
        parsed = feedparser.parse(client.get(url).content)
        assert parsed.bozo == 0 and len(parsed.entries) == 2, url
    news = etree.fromstring(client.get("/sitemaps/news.xml").content)
    titles = news.findall(".//{http://www.google.com/schemas/sitemap-news/0.9}title")
    assert HOSTILE in [t.text for t in titles]
    document = json.loads(client.get(f"/story/{w.story.slug}.ninjs.json").content)
    assert document["headlines"][0]["value"] == HOSTILE


@pytest.mark.django_db
def test_article_without_pictures_or_authors_still_has_valid_structured_data(client, frozen):
    story = factories.article(headline="Short item")
    ld = _one(_extract(client, story.get_absolute_url())["json-ld"], "NewsArticle")
    assert "image" not in ld and ld["author"] == []
    assert ld["headline"] == "Short item"
