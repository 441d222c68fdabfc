"""Public outputs. Every view here is open to anyone for GET and HEAD only, like the news
pages (`require_safe`), and answers conditional GETs (ETag and Last-Modified → 304)."""

from __future__ import annotations

import json
from functools import lru_cache

from django.contrib.sitemaps.views import sitemap as django_sitemap
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.http import http_date
from django.views.decorators.http import conditional_page, require_safe
from markupsafe import Markup, escape

from dateline.news import archive
from dateline.news.selectors import Site, site_context
from dateline.pagecache.wsgi import mark_cacheable
from dateline.syndication import ninjs_out, selectors
from dateline.syndication.feeds import StoryFeed
from dateline.syndication.identity import absolute
from dateline.syndication.sitemaps import (
    ArticleSitemap,
    AuthorSitemap,
    NewsSitemap,
    PageSitemap,
    SectionSitemap,
    TopicSitemap,
)

# Each sitemap file has its own tag (news.touches); their lastmods are local times. The
# Google News sitemap also names the publication and its language.
SITEMAP_DEPS = {
    "sections": ("sitemap:sections", "settings:time-zone"),
    "topics": ("sitemap:topics", "settings:time-zone"),
    "authors": ("sitemap:authors", "settings:time-zone"),
    "news": ("sitemap:news", "settings"),
    "pages": ("sitemap:pages", "settings:time-zone"),
}
INDEX_DEPS = ("sitemap:index", "settings:time-zone")


def public(view):
    return require_safe(conditional_page(view))


def feed(kind: str = "site", *, atom: bool = False):
    return public(StoryFeed(kind, atom=atom))


def _sitemaps(site: Site) -> dict:
    return {
        "articles": ArticleSitemap(site),
        "sections": SectionSitemap(site),
        "topics": TopicSitemap(site),
        "authors": AuthorSitemap(site),
        "news": NewsSitemap(site),
        "pages": PageSitemap(site),
    }


def _cached(response: TemplateResponse, site: Site, deps) -> HttpResponse:
    # Rendered here into a plain response, so conditional_page compares its bytes (a
    # template response rendered later would bypass the 304).
    response.render()
    plain = HttpResponse(response.content, status=response.status_code)
    for name, value in response.headers.items():
        plain.headers[name] = value
    return mark_cacheable(plain, deps=deps, expires_at=site.expires_at)


@lru_cache(maxsize=65_536)
def _local_iso(utc_text: str, zone) -> str:
    """A block's lastmod as the index writes it: blocks keep their lastmods for months, so
    each is formatted once per process, not once per request."""
    return archive.utc(utc_text).astimezone(zone).isoformat()


@public
def sitemap_index(request: HttpRequest) -> HttpResponse:
    """Every sitemap file, each with the newest change among its URLs; the articles
    sitemap page by page."""
    site = site_context()
    maps = _sitemaps(site)
    zone = site.publication.zone
    # A file per archive block with a visible story, its lastmod as kept with the block:
    # the index reads the blocks (one row per 1,000 ids), never the stories. At a million
    # stories that is a thousand entries, written here from the rows, each a string
    # format and a memo lookup (Django's index view, or a template loop with its
    # escaping, cost most of the page: bench/README.md).
    blocks = archive.lastmods(site.now)
    first = escape(absolute("/sitemaps/articles.xml"))
    entries = [
        f"<sitemap><loc>{first}{f'?p={n + 1}' if n else ''}</loc>"
        f"<lastmod>{_local_iso(text, zone)}</lastmod></sitemap>\n"
        for n, text in blocks
    ]
    known = [archive.utc(max(text for _, text in blocks))] if blocks else []
    others = []
    for name in ("sections", "topics", "authors", "news", "pages"):
        lastmod = maps[name].get_latest_lastmod()
        others.append((absolute(f"/sitemaps/{name}.xml"), lastmod.isoformat() if lastmod else ""))
        known += [lastmod] if lastmod else []
    headers = {"Last-Modified": http_date(max(known).timestamp())} if known else None
    response = TemplateResponse(
        request,
        "syndication/sitemap_index.xml",
        {"blocks": Markup("".join(entries)), "sitemaps": others},
        content_type="application/xml",
        headers=headers,
    )
    return _cached(response, site, INDEX_DEPS)


@public
def sitemap(request: HttpRequest, section: str) -> HttpResponse:
    site = site_context()
    maps = _sitemaps(site)
    if section not in maps:
        raise Http404("No such sitemap.")
    if section == "articles":
        # `?p=N` names the file of archive block N - 1 (stories by id, news.models.archive).
        number = request.GET.get("p", "1")
        if not (number.isascii() and number.isdigit()) or not 0 < int(number) < 10**9:
            raise Http404("No such sitemap file.")
        block = int(number) - 1
        maps[section] = ArticleSitemap(site, block)
        if not maps[section].items():
            raise Http404("No visible story in this sitemap file.")
        deps = (f"sitemap:stories:{block}", "settings:time-zone")
    else:
        deps = SITEMAP_DEPS[section]
    template = "syndication/news_sitemap.xml" if section == "news" else "syndication/sitemap.xml"
    response = django_sitemap(request, maps, section=section, template_name=template)
    return _cached(response, site, deps)


@public
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /newsroom/",
        "",
        f"Sitemap: {absolute('/sitemap.xml')}",
        f"Sitemap: {absolute('/sitemaps/news.xml')}",
        "",
    ]
    response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
    # Made of the public address alone (config): nothing stored changes it.
    return mark_cacheable(response, deps=())


@public
def story_ninjs(request: HttpRequest, slug: str) -> HttpResponse:
    found = selectors.story_page(slug=slug)
    if found is None:
        raise Http404("No published story at this address.")
    site, story = found
    document = ninjs_out.story_document(story, site.publication)
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
    )
    modified = ninjs_out.last_modified(story)
    response.headers["Last-Modified"] = http_date(modified.timestamp())
    # No navigation here: only the settings and the story.
    deps = {"settings"} | selectors.story_deps(story)
    return mark_cacheable(response, deps=deps, expires_at=site.expires_at)
