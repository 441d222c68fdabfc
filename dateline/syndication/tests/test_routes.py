"""Every syndication route is public and read-only, like the news pages: GET and HEAD for
anyone, 405 for any other method. A new route must be added to ROUTES below, or this fails."""

from __future__ import annotations

import pytest
from django.urls import URLPattern

from dateline.syndication import urls as syndication_urls

ROUTES = {
    "robots": "/robots.txt",
    "sitemap-index": "/sitemap.xml",
    "sitemap": "/sitemaps/articles.xml",
    "rss": "/feeds/rss.xml",
    "atom": "/feeds/atom.xml",
    "section-rss": "/section/harbour/rss.xml",
    "section-atom": "/section/harbour/atom.xml",
    "tag-rss": "/tag/storms/rss.xml",
    "tag-atom": "/tag/storms/atom.xml",
    "topic-rss": "/topic/place/eastquay/rss.xml",
    "topic-atom": "/topic/place/eastquay/atom.xml",
    "author-rss": "/author/maya-okafor/rss.xml",
    "author-atom": "/author/maya-okafor/atom.xml",
    "ninjs": "/story/{slug}.ninjs.json",
}


def test_every_route_is_listed_here():
    names = {p.name for p in syndication_urls.urlpatterns if isinstance(p, URLPattern)}
    assert names == set(ROUTES)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(ROUTES))
def test_route_is_public_and_read_only(client, world, name):
    url = ROUTES[name].format(slug=world.story.slug)
    assert client.get(url).status_code == 200, url
    assert client.head(url).status_code == 200, url
    for method in ("post", "put", "patch", "delete"):
        assert getattr(client, method)(url).status_code == 405, (url, method)
