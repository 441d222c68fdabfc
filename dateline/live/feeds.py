"""A live story's own feeds (RSS 2.0 and Atom 1.0): its newest entries, each an item
linking to the entry's place on the story's page. Django's syndication framework with
syndication's generators, as the site's other feeds."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponse
from django.utils.html import escape
from django.utils.http import http_date

from dateline.live.models import LiveEntry
from dateline.live.selectors import Fragment, live_feed
from dateline.news import body as body_format
from dateline.pagecache.wsgi import mark_cacheable
from dateline.syndication.content import figure, make_links_absolute
from dateline.syndication.feeds import NewsAtomFeed, NewsRssFeed
from dateline.syndication.identity import absolute


class LiveFeed(Feed):
    def __init__(self, *, atom: bool = False) -> None:
        self.feed_type = NewsAtomFeed if atom else NewsRssFeed

    def get_object(self, request, slug: str) -> Fragment:
        found = live_feed(slug=slug)
        if found is None:
            raise Http404("No live story at this address.")
        found.path = request.path
        return found

    def __call__(self, request, *args, **kwargs):
        found = self.get_object(request, *args, **kwargs)
        feed = self.get_feed(found, request)
        response = HttpResponse(content_type=feed.content_type)
        response.headers["Last-Modified"] = http_date(found.live.updated_at.timestamp())
        feed.write(response, "utf-8")
        return mark_cacheable(response, deps=found.deps, expires_at=found.expires_at)

    def title(self, found: Fragment) -> str:
        return f"{found.live.article.headline}: live updates"

    def subtitle(self, found: Fragment) -> str:
        live = found.live
        text = f"Every update of {live.article.headline}, newest first"
        if live.coverage.ended_at:
            text += f"; coverage ended {live.local(live.coverage.ended_at):%Y-%m-%d %H:%M}"
        return text

    def description(self, found: Fragment) -> str:
        return escape(self.subtitle(found))

    def link(self, found: Fragment) -> str:
        return absolute(found.live.article.get_absolute_url())

    def feed_url(self, found: Fragment) -> str:
        return absolute(found.path)

    def items(self, found: Fragment) -> list[tuple[Fragment, LiveEntry]]:
        return [(found, e) for e in found.live.entries]

    def item_title(self, item) -> str:
        entry = item[1]
        if entry.title:
            return entry.title
        text = body_format.text_for_counting(entry.body).strip()
        return text[:80] + ("…" if len(text) > 80 else "") or f"Update {entry.pk}"

    def item_description(self, item) -> str:
        return escape(self.item_title(item))

    def item_link(self, item) -> str:
        found, entry = item
        return absolute(f"{found.live.article.get_absolute_url()}#{entry.anchor}")

    def item_pubdate(self, item):
        return item[0].live.local(item[1].posted_at)

    def item_updateddate(self, item):
        entry = item[1]
        return item[0].live.local(entry.edited_at or entry.posted_at)

    def item_extra_kwargs(self, item) -> dict:
        found, entry = item
        html = body_format.render(
            entry.body,
            pictures=found.live.pictures,
            articles={},
            picture_html=figure,
            article_url=lambda a: absolute(a.get_absolute_url()),
        )
        authors = [(entry.byline, "")] if entry.byline else []
        return {
            "content_encoded": make_links_absolute(str(html)),
            "media": None,
            "authors": authors,
        }
