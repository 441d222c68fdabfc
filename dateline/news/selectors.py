"""Reads for public pages. Each page's whole read is one call here, with a pinned query
count (tests/test_query_counts.py) that does not grow with the number of stories."""

from __future__ import annotations

import datetime as dt
import functools
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import BooleanField, Min
from django.db.models.expressions import RawSQL

from dateline.core import clock
from dateline.news import body as body_format
from dateline.news import labelled, rows
from dateline.news.models import (
    Article,
    Author,
    Correction,
    Publication,
    Section,
    Status,
    Tag,
    Topic,
)
from dateline.news.touches import SECTION_DESCRIPTIONS, section_stories
from dateline.pagecache.memo import forget, memoized, memoized_tagged
from dateline.pictures.models import Picture

LATEST_FROM_SECTION = 5
TOP_STORIES = 4
PAGE_SIZE = 20


@dataclass
class Site:
    """What every page shows around its content: settings, navigation, today's date."""

    publication: Publication
    sections: list[Section]
    now: dt.datetime
    today: dt.date
    expires_at: float
    # `footer`: the footer menu of static pages (dateline.pages, given to the templates
    # by config/jinja.py), on every HTML page as navigation is.
    deps: set[str] = field(default_factory=lambda: {"settings", "sections", "footer"})


def _next_scheduled() -> dt.datetime | None:
    return Article.objects.scheduled().aggregate(at=Min("published_at"))["at"]


def teasers(articles) -> set[str]:
    """The tags a page showing `articles` as teasers depends on: each one's teaser, and
    the crop of its lead picture (which also decides the front page's lead)."""
    deps = {f"article:{a.pk}:teaser" for a in articles}
    deps.update(f"picture:{a.lead_picture_id}:crop" for a in articles if a.lead_picture_id)
    return deps


def site_context(now: dt.datetime | None = None) -> Site:
    now = now or clock.now()
    # A memo lives no longer than a page made from it: a write that bumps nothing (a fix
    # in the shell) still reaches readers within a page's lifetime.
    lifetime = time.time() + settings.DATELINE_PAGE_CACHE_SECONDS
    publication = memoized("publication", ("settings",), Publication.load, expires_at=lifetime)
    sections = memoized(
        "sections",
        ("sections", SECTION_DESCRIPTIONS),
        lambda: list(Section.objects.filter(in_navigation=True)),
        expires_at=lifetime,
    )
    local_now = now.astimezone(publication.zone)
    # The header shows today's date: a cached page must not outlive local midnight.
    midnight = dt.datetime.combine(
        local_now.date() + dt.timedelta(days=1), dt.time(), tzinfo=publication.zone
    )
    expires = midnight
    upcoming = memoized("next-scheduled", ("schedule",), _next_scheduled, expires_at=lifetime)
    if upcoming is not None and upcoming <= now:
        forget("next-scheduled")
        upcoming = memoized("next-scheduled", ("schedule",), _next_scheduled, expires_at=lifetime)
    if upcoming is not None and upcoming > now:
        # Visibility is decided at query time; a cached page must expire when the next
        # scheduled story goes live, or it would hide it.
        expires = min(expires, upcoming)
    return Site(
        publication=publication,
        sections=sections,
        now=now,
        today=local_now.date(),
        expires_at=min(expires.timestamp(), lifetime),
    )


@dataclass
class ArticlePage:
    site: Site
    article: Article
    body_html: str
    previous: Article | None
    next: Article | None
    latest: list[Article]
    dont_miss: list[Article]
    most_read: list[Article]
    pictures: dict[int, Picture]
    body_picture_ids: set[int]
    labels: Labels
    corrections: list[Correction]
    deps: set[str]
    # What apps above news add to the page (article_part): their data by name, the
    # templates shown after the body, and the script policy their parts need.
    extras: dict = field(default_factory=dict)
    parts: list[str] = field(default_factory=list)
    csp: dict = field(default_factory=dict)


# Parts that apps above news add to the article page (live coverage, dateline.live),
# registered once at start by their AppConfig.ready: news never imports them. Each is
# called with the page as read, may read more (its queries count in the page's pin) and
# adds to `extras`, `parts`, `csp` and `deps`.
_ARTICLE_PARTS: list = []


def article_part(part) -> None:
    if part not in _ARTICLE_PARTS:
        _ARTICLE_PARTS.append(part)


# Words that apps above news put on a story's teaser ("Live", dateline.live), registered at
# start like the article parts. Each is called once per page that shows teasers, with its
# `Site`, and returns {story id: word}. A teaser's word belongs to what the teaser shows:
# whatever changes it must touch `article:<id>:teaser` (news.touches).
_TEASER_LABELS: list = []


def teaser_label(provider) -> None:
    if provider not in _TEASER_LABELS:
        _TEASER_LABELS.append(provider)


def teaser_labels(site: Site) -> dict[int, str]:
    """The words on this page's teasers, read once per page (kept on its `Site`)."""
    labels = site.__dict__.get("_teaser_labels")
    if labels is None:
        labels = {}
        for provider in _TEASER_LABELS:
            labels.update(provider(site))
        site.__dict__["_teaser_labels"] = labels
    return labels


# The article page's per-story reads below are hand-written SQL: on this path the ORM spent
# more time compiling these queries than the database spent answering them (bench/README.md).
# Both are plain SQL-92 that SQLite (3.15+) and PostgreSQL run alike; the ORM-built versions
# are the reference in tests/test_selectors.py. Previous/next is a row comparison on
# (published_at, id): written as `published_at < X OR (published_at = X AND id < Y)` no
# index can serve it, and at a million stories it read the whole section (issue 11).
# The previous story's plain bound is the earlier of now and the story's own time, never
# both: given two upper bounds on published_at, SQLite starts its walk at one of them, and
# it took `now`, reading every newer story of the section first (82 ms at 200,000).

_NEIGHBOURS_SQL = """
SELECT * FROM (
  SELECT 'p' AS dir, id, slug, headline FROM news_article
  WHERE status = %(published)s AND published_at <= %(upto)s AND {section}
    AND (published_at, id) < (%(at)s, %(id)s)
  ORDER BY published_at DESC, id DESC LIMIT 1
) AS previous_story
UNION ALL
SELECT * FROM (
  SELECT 'n' AS dir, id, slug, headline FROM news_article
  WHERE status = %(published)s AND published_at <= %(now)s AND {section}
    AND (published_at, id) > (%(at)s, %(id)s)
  ORDER BY published_at ASC, id ASC LIMIT 1
) AS next_story
"""

_LABELS_SQL = """
SELECT 'a', x.id, x.name, x.slug, '' FROM news_author x
  JOIN news_article_authors r ON r.author_id = x.id WHERE r.article_id = %(id)s
UNION ALL
SELECT 't', x.id, x.name, x.slug, x.kind FROM news_topic x
  JOIN news_article_topics r ON r.topic_id = x.id WHERE r.article_id = %(id)s
UNION ALL
SELECT 'g', x.id, x.name, x.slug, '' FROM news_tag x
  JOIN news_article_tags r ON r.tag_id = x.id WHERE r.article_id = %(id)s
"""


def _neighbours(article: Article, now: dt.datetime) -> tuple[Article | None, Article | None]:
    """Previous and next story by publication time, within the article's section (one query)."""
    ops = connection.ops
    section = "section_id = %(section)s" if article.section_id else "section_id IS NULL"
    params = {
        "published": Status.PUBLISHED,
        "now": ops.adapt_datetimefield_value(now),
        "at": ops.adapt_datetimefield_value(article.published_at),
        "upto": ops.adapt_datetimefield_value(min(now, article.published_at)),
        "id": article.pk,
        "section": article.section_id,
    }
    found: dict[str, Article] = {}
    with connection.cursor() as cursor:
        cursor.execute(_NEIGHBOURS_SQL.format(section=section), params)
        for direction, pk, slug, headline in cursor.fetchall():
            found[direction] = rows.make(Article, ("id", "slug", "headline"), (pk, slug, headline))
    return found.get("p"), found.get("n")


@dataclass
class Labels:
    authors: list[Author]
    topics: list[Topic]
    tags: list[Tag]


_LABEL_FIELDS = ("id", "name", "slug")
_TOPIC_FIELDS = ("id", "name", "slug", "kind")


def _labels(article_id: int) -> Labels:
    """Authors, topics and tags of one story (one query), sorted by name."""
    labels = Labels([], [], [])
    with connection.cursor() as cursor:
        cursor.execute(_LABELS_SQL, {"id": article_id})
        for kind, pk, name, slug, topic_kind in cursor.fetchall():
            # Built as rows are (news/rows.py), the rest of each deferred: a page shows
            # their names and addresses only, and keyword __init__ was 2 % of a render.
            if kind == "a":
                labels.authors.append(rows.make(Author, _LABEL_FIELDS, (pk, name, slug)))
            elif kind == "t":
                topic = rows.make(Topic, _TOPIC_FIELDS, (pk, name, slug, topic_kind))
                labels.topics.append(topic)
            else:
                labels.tags.append(rows.make(Tag, _LABEL_FIELDS, (pk, name, slug)))
    for items in (labels.authors, labels.topics, labels.tags):
        items.sort(key=lambda x: x.name.casefold())
    return labels


def collection_articles(key: str, now: dt.datetime) -> list[Article]:
    """The visible stories of a curated list, in the editors' order (one query)."""
    return list(
        Article.objects.published(now)
        .for_listing()
        .filter(collection_items__collection__key=key)
        .order_by("collection_items__position", "collection_items__pk")
    )


def _listed(key: str, tags: set[str], site: Site, query) -> list[Article]:
    """The stories of `query()` (a listing's queryset, teasers only), memoised until one of `tags`
    (what adds, removes or reorders its stories: the tags a page showing it depends on for
    that) or one of the stories' teasers is bumped, or what is visible changes
    (`site.expires_at`: the next scheduled story). The front page reads a dozen such lists;
    Django compiling their SQL was two fifths of a render."""

    def load():
        stories = list(query())
        return stories, {*tags, *site.deps, *teasers(stories)}

    return memoized_tagged(key, load, expires_at=site.expires_at)


def section_newest(section_id: int, site: Site) -> list[Article]:
    """The newest visible stories of a section, one more than "Latest from" shows so the
    article itself can be left out; shared by every article page of the section.

    Memoised in two parts: which stories (until the section's list changes), and their
    teasers (until one of those changes too), so an edit to an old story of the section
    leaves its pages alone."""
    listed = (section_stories(section_id),)
    ids = memoized(
        f"section-newest-ids:{section_id}",
        listed,
        lambda: list(
            Article.objects.published(site.now)
            .filter(section_id=section_id)
            .newest_first()
            .values_list("pk", flat=True)[: LATEST_FROM_SECTION + 1]
        ),
        expires_at=site.expires_at,
    )

    def load() -> list[Article]:
        found = {a.pk: a for a in Article.objects.filter(pk__in=ids).for_listing()}
        return [found[pk] for pk in ids if pk in found]

    key = f"section-newest:{section_id}"
    tags = (*listed, *(f"article:{pk}:teaser" for pk in ids))
    stories = memoized(key, tags, load, expires_at=site.expires_at)
    if [a.pk for a in stories] != ids:
        # Teasers kept for another list (the two memos were loaded at different moments,
        # one across an expiry): load those of this one.
        forget(key)
        stories = memoized(key, tags, load, expires_at=site.expires_at)
    return stories


def most_read(site: Site) -> tuple[list[Article], set[str]]:
    """The Most read block: the ranking as last refreshed (mostread/ranking.py), its
    visible stories' links, and the tags a page showing it depends on.

    Two memos, like a section's newest: which stories (until a refresh changes them,
    `mostread`), and their headlines and addresses (until one of those changes, or one
    leaves view: `article:<id>:link` of each). Never the live counts: a kept page stays
    what a render would show until the next refresh bumps `mostread`."""
    from dateline.mostread.models import RankedStory

    ids = memoized(
        "mostread-ids",
        ("mostread",),
        lambda: list(RankedStory.objects.values_list("article_id", flat=True)),
        expires_at=site.expires_at,
    )
    tags = ("mostread", *(f"article:{pk}:link" for pk in ids))
    if not ids:
        return [], set(tags)

    def load() -> list[Article]:
        found = {
            a.pk: a
            for a in Article.objects.published(site.now)
            .filter(pk__in=ids)
            .only("id", "slug", "headline")
        }
        return [found[pk] for pk in ids if pk in found]

    stories = memoized("mostread", tags, load, expires_at=site.expires_at)
    if not {a.pk for a in stories} <= set(ids):
        forget("mostread")  # loaded for another ranking (see section_newest)
        stories = memoized("mostread", tags, load, expires_at=site.expires_at)
    return stories, set(tags)


_ARTICLE_FIELDS = tuple(f.attname for f in Article._meta.concrete_fields)
_PICTURE_FIELDS = (
    "id",
    "file",
    "width",
    "height",
    "focal_x",
    "focal_y",
    "caption",
    "credit",
    "alt_text",
)


@functools.cache
def _article_sql() -> str:
    return (
        f"SELECT {rows.columns(Article, _ARTICLE_FIELDS)} FROM news_article "
        "WHERE slug = %(slug)s AND status = %(published)s AND published_at <= %(now)s"
    )


def _by_ids(model, attnames: tuple[str, ...], ids: set[int], extra="", params=()) -> list:
    placeholders = ", ".join(["%s"] * len(ids))
    sql = (
        f"SELECT {rows.columns(model, attnames)} FROM {model._meta.db_table} "
        f"WHERE id IN ({placeholders}){extra}"
    )
    return rows.load(model, attnames, sql, [*sorted(ids), *params])


@functools.cache
def _preview_sql() -> str:
    return (
        f"SELECT {rows.columns(Article, _ARTICLE_FIELDS)} FROM news_article "
        "WHERE id = %(id)s AND status <> %(placeholder)s"
    )


def article_page(
    *, slug: str = "", now: dt.datetime | None = None, preview_id: int | None = None
) -> ArticlePage | None:
    """The published story at `slug`; or, with `preview_id`, that story whatever its state,
    as readers will see it once it is live (a signed preview, news/preview.py)."""
    from dateline.news.rendering import render_body

    site = site_context(now)
    now = site.now
    when = connection.ops.adapt_datetimefield_value(now)
    if preview_id is not None:
        found = rows.load(
            Article,
            _ARTICLE_FIELDS,
            _preview_sql(),
            {"id": preview_id, "placeholder": Status.PLACEHOLDER},
        )
    else:
        found = rows.load(
            Article,
            _ARTICLE_FIELDS,
            _article_sql(),
            {"slug": slug, "published": Status.PUBLISHED, "now": when},
        )
    if not found:
        return None
    article = found[0]
    if preview_id is not None and article.published_at is None:
        # A draft shows the time it would go out if published now (in memory only).
        article.published_at = now
    if article.section_id:
        # Navigation sections are memoised; only a section outside it costs a query.
        section = next((x for x in site.sections if x.pk == article.section_id), None)
        article.section = section or Section.objects.get(pk=article.section_id)
    labels = _labels(article.pk)
    body_picture_ids, article_ids = body_format.references(article.body)
    picture_ids = body_picture_ids | {article.lead_picture_id} - {None}
    pictures = {
        p.pk: p
        for p in (
            _by_ids(
                Picture,
                _PICTURE_FIELDS,
                picture_ids,
            )
            if picture_ids
            else []
        )
    }
    if article.lead_picture_id:
        article.lead_picture = pictures.get(article.lead_picture_id)
    related = (
        _by_ids(
            Article,
            ("id", "slug", "headline"),
            article_ids - {article.pk},
            " AND status = %s AND published_at <= %s",
            (Status.PUBLISHED, when),
        )
        if article_ids - {article.pk}
        else []
    )
    body_html = render_body(article, pictures=pictures, related=related)
    # Every correction shown to readers moves updated_at, so a story without it has none
    # and skips the query.
    corrections = (
        list(Correction.objects.filter(article_id=article.pk, kind__in=Correction.SHOWN))
        if article.updated_at
        else []
    )
    previous, following = _neighbours(article, now)
    latest: list[Article] = []
    newest: list[Article] = []
    if article.section_id:
        newest = section_newest(article.section_id, site)
        latest = [a for a in newest if a.pk != article.pk][:LATEST_FROM_SECTION]
    dont_miss = memoized(
        "list:dont-miss",
        ("list:dont-miss",),
        lambda: collection_articles("dont-miss", now),
        expires_at=site.expires_at,
    )
    deps = site.deps | {
        f"article:{article.pk}",
        section_stories(article.section_id),
        "list:dont-miss",
    }
    if article.section_id:
        deps.add(f"section:{article.section_id}")
    deps.update(f"author:{x.pk}" for x in labels.authors)
    deps.update(f"topic:{x.pk}" for x in labels.topics)
    deps.update(f"tag:{x.pk}" for x in labels.tags)
    # Every picture and story the body refers to, shown or not: a story linked before it
    # is published shows as plain text, and its publication must reach this page.
    deps.update(f"picture:{pk}" for pk in picture_ids)
    deps.update(f"article:{pk}:link" for pk in article_ids - {article.pk})
    deps.update(f"article:{a.pk}:link" for a in (previous, following) if a is not None)
    # Teasers without pictures: the crop of their lead pictures is not shown here.
    deps.update(f"article:{a.pk}:teaser" for a in [*newest, *dont_miss])
    ranked, ranked_deps = most_read(site)
    deps |= ranked_deps
    page = ArticlePage(
        site=site,
        article=article,
        body_html=body_html,
        previous=previous,
        next=following,
        latest=latest,
        dont_miss=dont_miss,
        most_read=ranked,
        pictures=pictures,
        body_picture_ids=body_picture_ids,
        labels=labels,
        corrections=corrections,
        deps=deps,
    )
    for part in _ARTICLE_PARTS:
        part(page)
    return page


@dataclass
class FrontPage:
    site: Site
    lead: Article | None
    top: list[Article]
    blocks: list[tuple[Section, list[Article]]]
    latest: list[Article]
    dont_miss: list[Article]
    deps: set[str]
    most_read: list[Article] = field(default_factory=list)


def front_page(*, now: dt.datetime | None = None) -> FrontPage:
    site = site_context(now)
    now = site.now
    visible = Article.objects.published(now).for_listing().newest_first()
    pinned = _front_collection("lead", site)
    latest = _listed("front-latest", {"stories"}, site, lambda: visible[:14])
    dont_miss = _front_collection("dont-miss", site)
    # Picked stories beat automatic fill, and no story appears twice on the page.
    shown: set[int] = {a.pk for a in dont_miss}
    lead = pinned[0] if pinned else None
    if lead is not None:
        # A pinned lead is the page's most prominent place: it leaves Don't Miss.
        dont_miss = [a for a in dont_miss if a.pk != lead.pk]
        shown = {a.pk for a in dont_miss}
    lead = lead or next((a for a in latest if a.lead_picture_id and a.pk not in shown), None)
    lead = lead or next((a for a in latest if a.pk not in shown), None)
    if lead:
        shown.add(lead.pk)
    top: list[Article] = []
    picked = _front_collection("top", site)
    for story in [*picked, *latest]:  # editors' slots first
        if story.pk not in shown and len(top) < TOP_STORIES:
            top.append(story)
            shown.add(story.pk)
    blocks = []
    candidates: list[Article] = []
    for section in site.sections:
        newest = _listed(
            f"front-section:{section.pk}",
            {section_stories(section.pk)},
            site,
            lambda section=section: visible.filter(section=section)[:8],
        )
        candidates += newest
        stories = [a for a in newest if a.pk not in shown][:4]
        shown.update(a.pk for a in stories)
        if stories:
            blocks.append((section, stories))
    rest = [a for a in latest if a.pk not in shown][:8]
    deps = site.deps | {"stories", "list:dont-miss", "list:lead", "list:top"}
    deps.update(section_stories(s.pk) for s in site.sections)
    # Every story read, shown or not: any of them may take a place when another leaves,
    # and the lead is the newest with a picture.
    deps |= teasers([*pinned, *latest, *dont_miss, *picked, *candidates])
    ranked, ranked_deps = most_read(site)
    deps |= ranked_deps
    return FrontPage(site, lead, top, blocks, rest, dont_miss, deps, ranked)


def _front_collection(key: str, site: Site) -> list[Article]:
    return _listed(
        f"front-list:{key}",
        {f"list:{key}"},
        site,
        lambda: collection_articles(key, site.now),
    )


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Cursor:
    """A place in a newest-first listing: the story (publication time, id) a page starts
    after. Its `token` is what page addresses carry (`?older=…`): whole microseconds
    since 1970 (UTC) and the id, so it names the same place on SQLite and PostgreSQL."""

    published_at: dt.datetime
    pk: int

    @property
    def token(self) -> str:
        return f"{(self.published_at - _EPOCH) // dt.timedelta(microseconds=1)}-{self.pk}"

    @classmethod
    def parse(cls, token: str) -> Cursor | None:
        micros, _, pk = token.partition("-")
        if not (micros.isascii() and micros.isdigit() and pk.isascii() and pk.isdigit()):
            return None
        if len(micros) > 17 or len(pk) > 18:
            return None
        try:
            at = _EPOCH + dt.timedelta(microseconds=int(micros))
        except OverflowError:
            return None
        return cls(at, int(pk))

    @classmethod
    def of(cls, article: Article) -> Cursor:
        return cls(article.published_at, article.pk)


def _keyset(queryset, op: str, cursor: Cursor):
    """`queryset` narrowed to the stories before (`<`) or after (`>`) `cursor`, as one row
    comparison on (published_at, id): the listing indexes end in that pair, so the
    database starts its walk at the cursor instead of counting its way there."""
    table = connection.ops.quote_name(Article._meta.db_table)
    sql = f"({table}.published_at, {table}.id) {op} (%s, %s)"
    at = connection.ops.adapt_datetimefield_value(cursor.published_at)
    return queryset.filter(RawSQL(sql, (at, cursor.pk), output_field=BooleanField()))


@dataclass
class ListingPage:
    """One page of a newest-first listing. Pages are addressed by where they start, not
    by number: `?older=<cursor>` shows the PAGE_SIZE stories just older than the cursor,
    so a page keeps its address and its stories when new ones arrive, and a reader or a
    crawler following "Older" from the first page meets every story once. `newer` is the
    address of the page before (None on the first page), `older` that of the next."""

    site: Site
    title: str
    kind: str
    subject: object
    stories: list[Article]
    newer: str | None
    older: str | None
    # This page's own query string ("" on the first page), for its canonical address.
    query: str
    deps: set[str]


def _window(selected, label, now: dt.datetime, limit: int, after: tuple[str, Cursor] | None = None):
    """`limit` stories of `selected` nearest `after` ("<": older than the cursor, newest
    first; ">": newer, oldest first; None: the newest). A label's (kind, id) read from
    its link rows' index (news.labelled); any other selection through a row comparison
    on the article indexes."""
    ascending = after is not None and after[0] == ">"
    order = ("published_at", "pk") if ascending else ("-published_at", "-pk")
    if label is not None:
        kind, pk = label
        bound = None if after is None else (after[0], after[1].published_at, after[1].pk)
        ids = labelled.story_ids(kind, pk, now, limit=limit, after=bound)
        return selected.filter(pk__in=ids).order_by(*order)[:limit]
    if after is not None:
        selected = _keyset(selected, after[0], after[1])
    return selected.order_by(*order)[:limit]


def _listing(
    site: Site,
    subject,
    *,
    kind: str,
    dep: str,
    stories: dict | None = None,
    label: tuple[str, int] | None = None,
    older: str = "",
    newer: str = "",
) -> ListingPage | None:
    """A page of the visible stories that `stories` (a filter) or `label` (kind, id)
    selects, newest first; `dep` is the subject's tag (its name and address), and
    `stories:<dep>` its list. None when a cursor is malformed, or names a place with
    nothing beyond it."""
    upto = site.now
    if older and (cursor := Cursor.parse(older)) is not None:
        # One upper bound on published_at, the earlier: with two, SQLite walked from
        # `now` down to the cursor (see _NEIGHBOURS_SQL).
        upto = min(upto, cursor.published_at)
    selected = Article.objects.published(upto).filter(**(stories or {}))
    visible = selected.for_listing()
    deps = site.deps | {dep, f"stories:{dep}", f"{dep}:about"}
    if newer:
        # The top of the listing above a page (its "Newer" link, when fewer than a page
        # of stories are newer): the stories newer than the cursor.
        cursor = Cursor.parse(newer)
        if cursor is None:
            return None
        found = list(_window(visible, label, site.now, PAGE_SIZE + 1, (">", cursor)))
        shown = found[:PAGE_SIZE][::-1]
        if not shown:
            return None
        # More arrived since the link was made: this page then names its own top.
        newer_link = f"?newer={Cursor.of(shown[0]).token}" if len(found) > PAGE_SIZE else None
        older_link = f"?older={Cursor.of(shown[-1]).token}"
        deps |= teasers(shown)
        query = f"?newer={newer}"
        return ListingPage(
            site, subject.name, kind, subject, shown, newer_link, older_link, query, deps
        )
    cursor = Cursor.parse(older) if older else None
    if older and cursor is None:
        return None
    found = list(
        _window(visible, label, site.now, PAGE_SIZE + 1, ("<", cursor) if cursor else None)
    )
    shown = found[:PAGE_SIZE]
    if cursor is not None and not shown:
        return None
    older_link = f"?older={Cursor.of(shown[-1]).token}" if len(found) > PAGE_SIZE else None
    newer_link = None
    if cursor is not None:
        # The page before starts after the story PAGE_SIZE + 1 places up; with fewer
        # above, it is the top of the listing, which names this page's first story.
        above = list(
            _window(
                selected.only("pk", "published_at"),
                label,
                site.now,
                PAGE_SIZE + 1,
                (">", Cursor.of(shown[0])),
            )
        )
        if len(above) > PAGE_SIZE:
            newer_link = f"?older={Cursor.of(above[-1]).token}"
        elif above:
            newer_link = f"?newer={Cursor.of(shown[0]).token}"
    deps |= teasers(shown)
    query = f"?older={older}" if cursor is not None else ""
    return ListingPage(
        site, subject.name, kind, subject, shown, newer_link, older_link, query, deps
    )


def section_page(
    *, slug: str, older: str = "", newer: str = "", now: dt.datetime | None = None
) -> ListingPage | None:
    site = site_context(now)
    section = next((s for s in site.sections if s.slug == slug), None)
    section = section or Section.objects.filter(slug=slug).first()
    if section is None:
        return None
    return _listing(
        site,
        section,
        kind="section",
        stories={"section": section},
        dep=f"section:{section.pk}",
        older=older,
        newer=newer,
    )


def tag_page(
    *, slug: str, older: str = "", newer: str = "", now: dt.datetime | None = None
) -> ListingPage | None:
    site = site_context(now)
    tag = Tag.objects.filter(slug=slug).first()
    if tag is None:
        return None
    return _listing(
        site, tag, kind="tag", label=("tag", tag.pk), dep=f"tag:{tag.pk}", older=older, newer=newer
    )


def topic_page(
    *, kind: str, slug: str, older: str = "", newer: str = "", now: dt.datetime | None = None
) -> ListingPage | None:
    site = site_context(now)
    topic = Topic.objects.filter(kind=kind, slug=slug).first()
    if topic is None:
        return None
    return _listing(
        site,
        topic,
        kind=topic.get_kind_display(),
        label=("topic", topic.pk),
        dep=f"topic:{topic.pk}",
        older=older,
        newer=newer,
    )


def author_page(
    *, slug: str, older: str = "", newer: str = "", now: dt.datetime | None = None
) -> ListingPage | None:
    site = site_context(now)
    author = Author.objects.filter(slug=slug).first()
    if author is None:
        return None
    return _listing(
        site,
        author,
        kind="author",
        label=("author", author.pk),
        dep=f"author:{author.pk}",
        older=older,
        newer=newer,
    )


@dataclass
class CorrectionsPage:
    site: Site
    page: Page
    deps: set[str]


def corrections_page(*, page: int = 1, now: dt.datetime | None = None) -> CorrectionsPage:
    """Corrections, clarifications and retractions on visible stories, newest first."""
    site = site_context(now)
    queryset = (
        Correction.objects.filter(kind__in=Correction.SHOWN)
        .filter(article__in=Article.objects.published(site.now))
        .select_related("article")
        .only("kind", "note", "at", "article__headline", "article__slug")
    )
    listing = Paginator(queryset, PAGE_SIZE, allow_empty_first_page=True).get_page(page)
    deps = site.deps | {"corrections"}
    deps.update(f"article:{c.article_id}:link" for c in listing.object_list)
    return CorrectionsPage(site, listing, deps)


@dataclass
class Redirected:
    location: str
    deps: set[str]


def redirect_target(old_path: str) -> Redirected | None:
    """Where a story lives now, for one of its old addresses (a migrated WordPress
    permalink); None when there is none or the story is not visible."""
    from dateline.news.models import Redirect

    candidates = {old_path}
    path, _, query = old_path.partition("?")
    if not query:
        candidates |= {path.rstrip("/") or "/", path.rstrip("/") + "/"}
    found = (
        Redirect.objects.filter(old_path__in=candidates)
        .select_related("article")
        .order_by("pk")
        .first()
    )
    if found is None or not found.article.is_visible:
        return None
    return Redirected(
        found.article.get_absolute_url(), {"redirects", f"article:{found.article_id}:link"}
    )
