"""A live story's own feeds (RSS 2.0 and Atom 1.0): its newest entries, each an item
linking to the entry's place on the story's page. Django's syndication framework with
syndication's generators, as the site's other feeds."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.html import escape, format_html, format_html_join
from django.utils.http import http_date

from dateline.live.models import LiveEntry
from dateline.live.selectors import Fragment, covered, live_feed
from dateline.news import body as body_format
from dateline.pagecache.wsgi import mark_cacheable
from dateline.syndication.content import figure, make_links_absolute
from dateline.syndication.feeds import NewsAtomFeed, NewsRssFeed
from dateline.syndication.identity import absolute
from dateline.syndication.selectors import FeedPage, ItemAddition

# The newest entries a live story's item carries in the site's feeds (and every section,
# tag, topic and author feed): what happened last, at a glance; every entry is in the
# story's own live feed, which the item links.
ITEM_ENTRIES = 5


def _entry_title(entry: LiveEntry) -> str:
    if entry.title:
        return entry.title
    text = body_format.text_for_counting(entry.body).strip()
    return text[:80] + ("…" if len(text) > 80 else "") or f"Update {entry.pk}"


def live_items(page: FeedPage) -> None:
    """A live story in the site's feeds (syndication.selectors.feed_part): one item still,
    its guid unchanged, so a reader's feed app updates it rather than adding one per entry.
    While coverage runs its title says "Live: …" (as its teasers do) and it carries the
    category Live; its content ends with the newest entries, each linking its place on the
    page, and the story's own live feed; its Atom <updated> moves with the newest of them.
    One query for the entries of every covered story in the feed, none when there is none
    (which stories are covered is the live memo)."""
    known = covered(page.site)
    # Coverage starting (or ending) bumps live:<id> of a story that shows anywhere.
    page.deps.update(f"live:{s.article.pk}" for s in page.stories)
    ids = [s.article.pk for s in page.stories if s.article.pk in known]
    if not ids:
        return
    newest = Window(
        RowNumber(),
        partition_by=[F("article_id")],
        order_by=[F("posted_at").desc(), F("id").desc()],
    )
    rows = (
        LiveEntry.objects.annotate(n=newest)
        .filter(article_id__in=ids, n__lte=ITEM_ENTRIES)
        .only("id", "article_id", "posted_at", "edited_at", "title", "body")
        .order_by("article_id", "-posted_at", "-id")
    )
    entries: dict[int, list[LiveEntry]] = {pk: [] for pk in ids}
    for entry in rows:
        entries[entry.article_id].append(entry)
    zone = page.site.publication.zone
    for story in page.stories:
        pk = story.article.pk
        if pk not in known:
            continue
        shown = entries[pk]
        url = absolute(story.article.get_absolute_url())
        listed = format_html_join(
            "",
            '<li><a href="{}#{}">{}</a> {}</li>',
            (
                (url, e.anchor, e.posted_at.astimezone(zone).strftime("%H:%M"), _entry_title(e))
                for e in shown
            ),
        )
        feed = absolute(reverse("live:rss", args=[story.article.slug]))
        html = format_html(
            '<h2>Latest updates</h2><ul class="live-updates">{}</ul>'
            '<p><a href="{}">Every update, as its own feed</a></p>',
            listed,
            feed,
        )
        live_now = known[pk]
        page.additions[pk] = ItemAddition(
            label="Live" if live_now else "",
            html=str(html) if shown else "",
            categories=["Live"] if live_now else [],
            updated=max((e.edited_at or e.posted_at for e in shown), default=None),
        )


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
        return _entry_title(item[1])

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
