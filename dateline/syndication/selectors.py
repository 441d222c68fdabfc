"""Reads for feeds, sitemaps and ninjs. Each output's whole read is one call here, with a
pinned query count (tests/test_query_counts.py) that does not grow with the number of
stories."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Prefetch

from dateline.news import body as body_format
from dateline.news import labelled
from dateline.news.models import Article, Author, Section, Tag, Topic
from dateline.news.selectors import Site, site_context
from dateline.pictures.models import Picture

FEED_ITEMS = 20
_PICTURE_COLUMNS = (
    "file", "width", "height", "focal_x", "focal_y", "caption", "credit", "alt_text", "created_at",
    "metadata_cleaned",
)  # fmt: skip


@dataclass
class Story:
    """A published story with everything an output says about it."""

    article: Article
    authors: list[Author]
    tags: list[Tag]
    topics: list[Topic]
    # The lead picture and the body's pictures, by id; `related` holds the visible stories
    # the body links to (a link to anything else renders as its text).
    pictures: dict[int, Picture]
    related: dict[int, Article]

    @property
    def body_picture_ids(self) -> list[int]:
        """In the order the body shows them."""
        seen: list[int] = []
        for match in body_format.PICTURE_REF.finditer(self.article.body or ""):
            pk = int(match.group(1))
            if pk in self.pictures and pk not in seen:
                seen.append(pk)
        return seen

    @cached_property
    def lead(self) -> Picture | None:
        """The story's picture: the lead, or else the first in the body. Worked out once:
        an article's head asks three times (social card, JSON-LD), and without a lead
        picture each asking scanned the body."""
        picture = self.pictures.get(self.article.lead_picture_id or 0)
        if picture is None and self.body_picture_ids:
            picture = self.pictures[self.body_picture_ids[0]]
        return picture


def story_deps(story: Story) -> set[str]:
    """What an output showing `story` whole depends on: the story, its labels, every
    picture and story its body refers to (a link to a story not yet published is plain
    text until it is)."""
    article = story.article
    pictures, linked = body_format.references(article.body)
    deps = {f"article:{article.pk}"}
    if article.section_id:
        deps.add(f"section:{article.section_id}")
    deps.update(f"author:{x.pk}" for x in story.authors)
    deps.update(f"tag:{x.pk}" for x in story.tags)
    deps.update(f"topic:{x.pk}" for x in story.topics)
    deps.update(f"picture:{pk}" for pk in pictures | ({article.lead_picture_id} - {None}))
    deps.update(f"article:{pk}:link" for pk in linked - {article.pk})
    return deps


def _by_name(items):
    return sorted(items, key=lambda x: x.name.casefold())


def stories(articles: list[Article], now: dt.datetime) -> list[Story]:
    """Complete `articles` (fetched with `with_labels`) with their pictures and linked
    stories: one query each for all of them, whatever their number."""
    picture_ids: set[int] = set()
    article_ids: set[int] = set()
    for a in articles:
        pictures, linked = body_format.references(a.body)
        picture_ids |= pictures | ({a.lead_picture_id} - {None})
        article_ids |= linked - {a.pk}
    pictures = (
        {p.pk: p for p in Picture.objects.filter(pk__in=picture_ids).only(*_PICTURE_COLUMNS)}
        if picture_ids
        else {}
    )
    related = (
        {
            a.pk: a
            for a in Article.objects.published(now)
            .filter(pk__in=article_ids)
            .only("pk", "slug", "headline", "created_at")
        }
        if article_ids
        else {}
    )
    result = []
    for a in articles:
        own, linked = body_format.references(a.body)
        own |= {a.lead_picture_id} - {None}
        result.append(
            Story(
                article=a,
                authors=_by_name(a.authors.all()),
                tags=_by_name(a.tags.all()),
                topics=_by_name(a.topics.all()),
                pictures={pk: pictures[pk] for pk in own if pk in pictures},
                related={pk: related[pk] for pk in linked if pk in related},
            )
        )
    return result


def with_labels(queryset):
    """Stories with their section, authors, tags and topics (three queries for any number)."""
    return queryset.select_related("section").prefetch_related(
        Prefetch("authors", queryset=Author.objects.only("pk", "name", "slug")),
        Prefetch("tags", queryset=Tag.objects.only("pk", "name", "slug")),
        Prefetch("topics", queryset=Topic.objects.only("pk", "name", "slug", "kind")),
    )


@dataclass
class ItemAddition:
    """What an app above news adds to a story's feed item (live coverage: dateline.live)."""

    label: str = ""  # a word before the title, as on the story's teasers ("Live")
    html: str = ""  # after the story's body
    categories: list[str] = field(default_factory=list)
    updated: dt.datetime | None = None  # the newest change to what `html` shows


@dataclass
class FeedPage:
    site: Site
    subject: Section | Tag | Topic | Author | None
    kind: str
    stories: list[Story]
    deps: set[str] = field(default_factory=set)
    path: str = ""  # the feed's own address, for rel="self"
    additions: dict[int, ItemAddition] = field(default_factory=dict)  # by story id

    def updated(self, story: Story) -> dt.datetime:
        """The item's last change: the story's, or what an app added to it, if later."""
        added = self.additions.get(story.article.pk)
        moment = max(story.article.modified_at, story.article.published_at)
        return max(moment, added.updated) if added and added.updated else moment

    @property
    def last_modified(self) -> dt.datetime:
        """When the feed's content last changed: the newest change to any item in it, or
        the moment the newest one went live (a scheduled story changes the feed then)."""
        return max((self.updated(s) for s in self.stories), default=self.site.now)


# Parts that apps above news add to the feeds' items, registered once at start by their
# AppConfig.ready (syndication never imports them). Each is called with the feed page as
# read, may read more (its queries count in the feeds' pins) and adds to `additions` and
# `deps`.
_FEED_PARTS: list = []


def feed_part(part) -> None:
    if part not in _FEED_PARTS:
        _FEED_PARTS.append(part)


def _subject(kind: str, site: Site, *, slug: str, topic_kind: str = ""):
    if kind == "section":
        found = next((s for s in site.sections if s.slug == slug), None)
        return found or Section.objects.filter(slug=slug).first()
    if kind == "tag":
        return Tag.objects.filter(slug=slug).first()
    if kind == "topic":
        return Topic.objects.filter(kind=topic_kind, slug=slug).first()
    if kind == "author":
        return Author.objects.filter(slug=slug).first()
    return None


def feed_page(
    *, kind: str = "site", slug: str = "", topic_kind: str = "", now: dt.datetime | None = None
) -> FeedPage | None:
    """The newest visible stories of the whole site or of one section, tag, topic or author."""
    site = site_context(now)
    queryset = Article.objects.published(site.now)
    subject = None
    if kind != "site":
        subject = _subject(kind, site, slug=slug, topic_kind=topic_kind)
        if subject is None:
            return None
        if kind == "section":
            queryset = queryset.filter(section=subject)
        else:
            # A label's newest from its link rows' index (news.labelled), not a sort of
            # all its stories.
            ids = labelled.story_ids(kind, subject.pk, site.now, limit=FEED_ITEMS)
            queryset = queryset.filter(pk__in=ids)
    articles = list(with_labels(queryset.newest_first())[:FEED_ITEMS])
    items = stories(articles, site.now)
    # The same list as the matching page (news.touches): "stories" for the whole site, or
    # the subject's own list and its name.
    # No navigation in a feed: only the settings, the list and its stories.
    deps = {"settings"} | (
        {"stories"} if subject is None else {f"{kind}:{subject.pk}", f"stories:{kind}:{subject.pk}"}
    )
    for story in items:
        deps |= story_deps(story)
    page = FeedPage(site=site, subject=subject, kind=kind, stories=items, deps=deps)
    for part in _FEED_PARTS:
        part(page)
    return page


def story_page(*, slug: str, now: dt.datetime | None = None) -> tuple[Site, Story] | None:
    """One visible story with everything ninjs says about it."""
    site = site_context(now)
    article = with_labels(Article.objects.published(site.now).filter(slug=slug)).first()
    if article is None:
        return None
    return site, stories([article], site.now)[0]
