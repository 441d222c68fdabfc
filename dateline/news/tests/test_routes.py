"""The readers' pages come first in the route table (config/urls.py): an uncached article
page no longer tries the desk's, the media's and the feeds' routes before its own, and no
route of the site answers a different address for it."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RoutePattern

# A sample value for each path converter a route uses.
_SAMPLES = {"str": "s7", "slug": "s7", "int": "7", "path": "p7/q7"}
_CONVERTER = re.compile(r"<(?:(\w+):)?\w+>")


def _routes(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    """(address, route, name) for every route of the table built only from `path()` routes
    with the converters above, whatever the include it sits in."""
    for entry in resolver.url_patterns:
        if not isinstance(entry.pattern, RoutePattern):
            continue
        unknown = [c for c in _CONVERTER.findall(str(entry.pattern)) if c and c not in _SAMPLES]
        if unknown:
            continue
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _routes(entry, route, inner)
        elif isinstance(entry, URLPattern):
            address = "/" + _CONVERTER.sub(lambda m: _SAMPLES[m.group(1) or "str"], route)
            yield address, route, f"{namespace}{entry.name}"


def test_every_public_route_answers_its_own_addresses():
    # With the news routes moved first, none of them may take an address another route
    # answered before (a feed under a listing's address, a story's ninjs or live fragment).
    checked = 0
    for address, route, name in _routes(get_resolver()):
        if address.startswith(("/admin/", "/api/")):
            continue  # under prefixes of their own, tried after news' as before
        assert resolve(address).route == route, (address, name)
        checked += 1
    assert checked > 40


@pytest.mark.parametrize(
    "address, name",
    [
        ("/", "news:front"),
        ("/story/a-story/", "news:article"),
        ("/section/news/", "news:section"),
        ("/story/a-story.ninjs.json", "syndication:ninjs"),
        ("/story/a-story/live.json", "live:fragment"),
        ("/section/news/rss.xml", "syndication:section-rss"),
        ("/about/", "pages:page"),
    ],
)
def test_public_addresses_reach_their_views(address, name):
    found = resolve(address)
    assert ":".join([*found.namespaces, found.url_name]) == name


def test_an_article_is_found_among_the_first_routes(monkeypatch):
    # Each route tried is a regex match in Python: about thirty of them for an article
    # while news came after the desk, media, feeds, search, live and newsletters.
    tried = []
    match = RoutePattern.match

    def counting(self, path):
        tried.append(str(self))
        return match(self, path)

    monkeypatch.setattr(RoutePattern, "match", counting)
    resolve("/story/a-story/")
    assert len(tried) <= 4, tried
