"""Reads for readers: a page's whole read is one call (`page_page`), with its query count
pinned (tests/test_pages.py); the footer menu is memoised under its tag."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from markupsafe import Markup

from dateline.news import body as body_format
from dateline.news.models import Article
from dateline.news.rendering import render_body
from dateline.news.selectors import Site, site_context
from dateline.pagecache.memo import memoized
from dateline.pages.models import FooterLink, Page, PageRedirect, PageStatus
from dateline.pictures.models import Picture


@dataclass(frozen=True)
class FooterEntry:
    title: str
    url: str


def _footer_rows() -> list[FooterEntry]:
    rows = (
        FooterLink.objects.filter(page__status=PageStatus.PUBLISHED)
        .order_by("position", "pk")
        .values_list("page__title", "page__slug")
    )
    return [FooterEntry(title, Page(slug=slug).get_absolute_url()) for title, slug in rows]


def footer_menu() -> list[FooterEntry]:
    """The footer's links, memoised per process under `footer` (news.touches): every HTML
    page declares that tag (news.selectors.Site.deps), so a change reaches all of them."""
    lifetime = time.time() + settings.DATELINE_PAGE_CACHE_SECONDS
    return memoized("footer", ("footer",), _footer_rows, expires_at=lifetime)


@dataclass
class StaticPage:
    site: Site
    page: Page
    body_html: Markup
    description: str
    deps: set[str]


def page_page(slug: str) -> StaticPage | None:
    """A published page by its address, its body's references resolved: one query, and one
    each for pictures and linked stories when the body has any."""
    page = Page.objects.filter(slug=slug, status=PageStatus.PUBLISHED).first()
    if page is None:
        return None
    site = site_context()
    picture_ids, article_ids = body_format.references(page.body)
    pictures = {p.pk: p for p in Picture.objects.filter(pk__in=picture_ids)} if picture_ids else {}
    related = (
        list(
            Article.objects.published(site.now)
            .filter(pk__in=article_ids)
            .only("pk", "slug", "headline")
        )
        if article_ids
        else []
    )
    deps = site.deps | {f"page:{page.pk}"}
    # Every row the body refers to, shown or not: a story not yet published is plain text
    # until it is (its publication bumps its link tag).
    deps.update(f"picture:{pk}" for pk in picture_ids)
    deps.update(f"article:{pk}:link" for pk in article_ids)
    html = render_body(page, pictures=pictures, related=related)
    return StaticPage(site, page, html, page.meta_description, deps)


@dataclass(frozen=True)
class PageRedirected:
    location: str
    deps: set[str]


def page_redirect_target(old_path: str) -> PageRedirected | None:
    found = (
        PageRedirect.objects.filter(old_path=old_path, page__status=PageStatus.PUBLISHED)
        .select_related("page")
        .only("page__slug", "page_id")
        .first()
    )
    if found is None:
        return None
    return PageRedirected(found.page.get_absolute_url(), {"redirects", f"page:{found.page_id}"})
