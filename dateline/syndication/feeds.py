"""RSS 2.0 and Atom 1.0 feeds for the whole site and for each section, tag, topic and
author: Django's syndication framework with two small generators that add what news
readers use (full content, the picture with its credit, every author)."""

from __future__ import annotations

import re

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from django.utils.http import http_date

from dateline.pagecache.wsgi import mark_cacheable
from dateline.syndication import dates
from dateline.syndication.content import body_html
from dateline.syndication.identity import absolute, story_uri
from dateline.syndication.renditions import rendition
from dateline.syndication.selectors import FeedPage, Story, feed_page

CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
MEDIA_NS = "http://search.yahoo.com/mrss/"


def _add_media(handler, media: dict | None) -> None:
    """Media RSS: the story's picture with its size, credit and caption."""
    if not media:
        return
    r = media["rendition"]
    handler.startElement(
        "media:content",
        {
            "url": r.url,
            "type": r.content_type,
            "medium": "image",
            "width": str(r.width),
            "height": str(r.height),
        },
    )
    if media["credit"]:
        handler.addQuickElement("media:credit", media["credit"])
    if media["caption"]:
        handler.addQuickElement("media:description", media["caption"], {"type": "plain"})
    handler.endElement("media:content")


# What XML 1.0 cannot carry (section 2.2): C0 controls but tab, newline and carriage
# return; lone surrogates; U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(value):
    """`value` with what XML cannot carry left out, in every string it holds."""
    if isinstance(value, str):
        return _NOT_XML.sub("", value)
    if isinstance(value, list | tuple):
        return type(value)(_xml_text(v) for v in value)
    if isinstance(value, dict):
        return {k: _xml_text(v) for k, v in value.items()}
    return value


class _XMLText:
    """Every text a feed is given, cleaned for XML 1.0. Django refuses a control character
    with an exception, so one tag name from a wire source would otherwise take down every
    feed that shows it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*_xml_text(args), **_xml_text(kwargs))

    def add_item(self, *args, **kwargs):
        super().add_item(*_xml_text(args), **_xml_text(kwargs))


class NewsRssFeed(_XMLText, Rss201rev2Feed):
    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:content": CONTENT_NS,
            "xmlns:dc": DC_NS,
            "xmlns:media": MEDIA_NS,
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        # RSS <author> must be an e-mail address; Dublin Core names every author instead.
        for name, _ in item["authors"]:
            handler.addQuickElement("dc:creator", name)
        handler.addQuickElement("content:encoded", item["content_encoded"])
        _add_media(handler, item["media"])


class NewsAtomFeed(_XMLText, Atom1Feed):
    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:media": MEDIA_NS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name, url in item["authors"]:
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            handler.addQuickElement("uri", url)
            handler.endElement("author")
        handler.addQuickElement("content", item["content_encoded"], {"type": "html"})
        _add_media(handler, item["media"])


class StoryFeed(Feed):
    """The newest stories of the site (`kind` "site") or of one section, tag, topic or
    author, as RSS or (with `atom`) Atom."""

    item_guid_is_permalink = False

    def __init__(self, kind: str = "site", *, atom: bool = False) -> None:
        self.kind = kind
        self.feed_type = NewsAtomFeed if atom else NewsRssFeed

    def get_object(self, request, slug: str = "", kind: str = "") -> FeedPage:
        page = feed_page(kind=self.kind, slug=slug, topic_kind=kind)
        if page is None:
            raise Http404("No feed here.")
        page.path = request.path
        return page

    def __call__(self, request, *args, **kwargs):
        page = self.get_object(request, *args, **kwargs)
        feed = self.get_feed(page, request)
        feed.feed["language"] = page.site.publication.language
        response = HttpResponse(content_type=feed.content_type)
        # What conditional GET compares If-Modified-Since with (views.conditional_page).
        response.headers["Last-Modified"] = http_date(page.last_modified.timestamp())
        feed.write(response, "utf-8")
        # Cached like the pages: until a story in it changes, or the next scheduled story
        # goes live (its time is in expires_at), so a story scheduled for 09:00:00 is in
        # the feed at 09:00:00.
        return mark_cacheable(response, deps=page.deps, expires_at=page.site.expires_at)

    def title(self, page: FeedPage) -> str:
        name = page.site.publication.name
        return f"{page.subject.name} – {name}" if page.subject else name

    def subtitle(self, page: FeedPage) -> str:
        # Atom's subtitle is text (RFC 4287 3.1.1: no type attribute means "text").
        if page.subject is None:
            return page.site.publication.tagline or f"The latest from {page.site.publication.name}"
        return f"The latest stories: {page.subject.name}"

    def description(self, page: FeedPage) -> str:
        # An RSS description is read as HTML, like the items' (item_description): a name
        # with markup in it is text, shown as typed.
        return escape(self.subtitle(page))

    def link(self, page: FeedPage) -> str:
        return absolute(page.subject.get_absolute_url() if page.subject else "/")

    def feed_url(self, page: FeedPage) -> str:
        return absolute(page.path)

    def author_name(self, page: FeedPage) -> str:
        return page.site.publication.name

    def items(self, page: FeedPage) -> list[tuple[FeedPage, Story]]:
        # Each item needs the publication's time zone: carry the page along.
        return [(page, story) for story in page.stories]

    def _added(self, item):
        return item[0].additions.get(item[1].article.pk)

    def item_title(self, item) -> str:
        added = self._added(item)
        headline = item[1].article.headline
        return f"{added.label}: {headline}" if added and added.label else headline

    def item_description(self, item) -> str:
        # RSS descriptions and Atom summaries are read as HTML: the standfirst is text.
        return escape(item[1].article.standfirst_with_credit)

    def item_link(self, item) -> str:
        return absolute(item[1].article.get_absolute_url())

    def item_guid(self, item) -> str:
        return story_uri(item[1].article)

    def item_pubdate(self, item):
        return dates.published(item[1].article, item[0].site.publication.zone)

    def item_updateddate(self, item):
        zone = item[0].site.publication.zone
        modified = dates.modified(item[1].article, zone)
        added = self._added(item)
        if added and added.updated and added.updated > modified:
            # A live story's newest entry: what a reader's feed app compares to show the
            # item again (Atom <updated>).
            return dates.local(added.updated, zone)
        return modified

    def item_categories(self, item) -> list[str]:
        story = item[1]
        section = [story.article.section.name] if story.article.section else []
        added = self._added(item)
        return [
            *section,
            *(t.name for t in story.topics),
            *(t.name for t in story.tags),
            *(added.categories if added else ()),
        ]

    def item_extra_kwargs(self, item) -> dict:
        story = item[1]
        picture = story.lead
        media = None
        if picture is not None:
            media = {
                "rendition": rendition(picture),
                "credit": picture.credit,
                "caption": picture.caption,
            }
        added = self._added(item)
        return {
            "content_encoded": body_html(story) + (added.html if added else ""),
            "media": media,
            "authors": [(a.name, absolute(a.get_absolute_url())) for a in story.authors],
        }
