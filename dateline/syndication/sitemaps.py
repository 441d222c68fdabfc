"""Sitemaps (sitemaps.org 0.9) and the Google News sitemap, as subclasses of Django's
Sitemap. Every <loc> is built on the configured public address; every <lastmod> and
<news:publication_date> is a full date-time in the publication's time zone with its
offset."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap
from django.db.models import OuterRef, Subquery

from dateline.news import labelled
from dateline.news.models import Article, Author, Section, Status, Topic, archive
from dateline.news.selectors import Site
from dateline.pages.models import Page, PageStatus
from dateline.syndication import dates
from dateline.syndication.identity import site_url

# The protocol allows 50,000 URLs and 50 MB (uncompressed) per file. The articles sitemap
# has a file per archive block of 1,000 story ids (news.models.archive); the longest
# <url> entry we can write is under 2.6 KB (a 200-character slug of 4-byte characters is
# 2,400 characters percent-encoded, plus the address and a lastmod), so a file stays
# under 2.6 MB whatever the slugs; pinned in tests/test_sitemaps.py.
ARTICLES_PER_SITEMAP = archive.BLOCK_SIZE
MAX_SITEMAP_BYTES = 50 * 1024 * 1024
# Google News: stories first published in the last two days, at most 1,000 per file.
NEWS_WINDOW = dt.timedelta(days=2)
NEWS_PER_SITEMAP = 1_000


class SiteSitemap(Sitemap):
    """Locations on the public address from settings, not on the request's Host header."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.zone = site.publication.zone
        self.protocol = urlsplit(site_url()).scheme or "https"

    def get_domain(self, site=None) -> str:
        return urlsplit(site_url()).netloc


class ArticleSitemap(SiteSitemap):
    """The visible stories of one archive block (a fixed range of ids), in id order: a
    file keeps its stories as new ones arrive in later blocks, so only the newest file
    and files with a changed story change, and a file's read is at most BLOCK_SIZE rows
    by primary key, at any size of archive."""

    # Never reached: a block holds at most BLOCK_SIZE stories.
    limit = 50_000

    def __init__(self, site: Site, block: int = 0) -> None:
        super().__init__(site)
        self.block = block
        self._stories: list[Article] | None = None

    def items(self) -> list[Article]:
        # A list, read once, so that the paginator counts it without a COUNT query.
        if self._stories is None:
            # The block's rows by primary key, visibility decided here: filtered in SQL,
            # a planner may take the visibility index instead and sort the archive.
            first, last = archive.block_ids(self.block)
            rows = (
                Article.objects.filter(pk__gte=first, pk__lte=last)
                .order_by("pk")
                .only("pk", "slug", "status", "published_at", "updated_at")
            )
            now = self.site.now
            self._stories = [
                a
                for a in rows
                if a.status == Status.PUBLISHED and a.published_at and a.published_at <= now
            ]
        return self._stories

    def get_urls(self, page=1, site=None, protocol=None):
        # The file is the block, named by the view from `?p=`: never a page of it.
        return super().get_urls(page=1, site=site, protocol=protocol)

    def location(self, article: Article) -> str:
        return article.get_absolute_url()

    def lastmod(self, article: Article) -> dt.datetime:
        # Moved only by substantive changes (updated_at), never by a typo fix.
        return dates.modified(article, self.zone)


class ListingSitemap(SiteSitemap):
    """Section, topic or author pages that list at least one visible story; lastmod is
    when the newest of them went live."""

    model: type
    fields: tuple[str, ...]

    kind: str

    def _newest(self):
        """Each label's newest visible story's publication time: one index lookup per
        label (a section's on news_article, a topic's or author's on its link rows,
        news.labelled), rather than grouping the whole archive by label."""
        if self.kind == "section":
            return Subquery(
                Article.objects.published(self.site.now)
                .filter(section=OuterRef("pk"))
                .order_by("-published_at")
                .values("published_at")[:1]
            )
        return labelled.newest(self.kind, self.model._meta.db_table, self.site.now)

    def items(self):
        return (
            self.model.objects.annotate(newest=self._newest())
            .filter(newest__isnull=False)
            .order_by("pk")
            .only("pk", *self.fields)
        )

    def get_latest_lastmod(self) -> dt.datetime | None:
        if self.kind == "section":
            # The newest visible story with a section: a walk down the visibility
            # index that stops at the first.
            newest = (
                Article.objects.published(self.site.now)
                .filter(section__isnull=False)
                .order_by("-published_at", "-pk")
                .values_list("published_at", flat=True)
                .first()
            )
        else:
            newest = labelled.newest_of_any(self.kind, self.site.now)
        return dates.local(newest, self.zone) if newest else None

    def location(self, obj) -> str:
        return obj.get_absolute_url()

    def lastmod(self, obj) -> dt.datetime:
        return dates.local(obj.newest, self.zone)


class SectionSitemap(ListingSitemap):
    model = Section
    kind = "section"
    fields = ("slug",)


class TopicSitemap(ListingSitemap):
    model = Topic
    kind = "topic"
    fields = ("kind", "slug")


class AuthorSitemap(ListingSitemap):
    model = Author
    kind = "author"
    fields = ("slug",)


class PageSitemap(SiteSitemap):
    """Published static pages (About, Contact…), lastmod their last change."""

    def items(self):
        return list(
            Page.objects.filter(status=PageStatus.PUBLISHED)
            .order_by("pk")
            .only("pk", "slug", "updated_at")
        )

    def location(self, page: Page) -> str:
        return page.get_absolute_url()

    def lastmod(self, page: Page) -> dt.datetime:
        return dates.local(page.updated_at, self.zone)

    def get_latest_lastmod(self) -> dt.datetime | None:
        newest = (
            Page.objects.filter(status=PageStatus.PUBLISHED)
            .order_by("-updated_at")
            .values_list("updated_at", flat=True)
            .first()
        )
        return dates.local(newest, self.zone) if newest else None


def news_language(tag: str) -> str:
    """Google News takes an ISO 639 code, or zh-cn / zh-tw for Chinese; our setting is
    BCP 47 (en-GB, zh-Hant-TW…)."""
    lower = tag.strip().lower()
    if lower.startswith("zh"):
        return "zh-tw" if lower in ("zh-tw", "zh-hk", "zh-mo") or "hant" in lower else "zh-cn"
    return lower.split("-")[0] or "en"


class NewsSitemap(SiteSitemap):
    limit = NEWS_PER_SITEMAP

    def items(self):
        return (
            Article.objects.published(self.site.now)
            .filter(published_at__gt=self.site.now - NEWS_WINDOW)
            .newest_first()
            .only("pk", "slug", "headline", "published_at", "updated_at")
        )

    def location(self, article: Article) -> str:
        return article.get_absolute_url()

    def lastmod(self, article: Article) -> dt.datetime:
        return dates.modified(article, self.zone)

    def get_latest_lastmod(self) -> dt.datetime | None:
        newest = self.items().values_list("published_at", flat=True).first()
        return dates.local(newest, self.zone) if newest else None

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        publication = self.site.publication
        for url in urls:
            article = url["item"]
            url["news"] = {
                "name": publication.name,
                "language": news_language(publication.language),
                "publication_date": dates.rfc3339(dates.published(article, self.zone)),
                "title": article.headline,
            }
        return urls
